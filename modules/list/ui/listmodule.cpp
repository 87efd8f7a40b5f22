#include "listmodule.h"
#include "growthview.h"
#include "slotsview.h"
#include "sortview.h"

namespace wb::list::ui {

bool ListModule::initialize(QString *)
{
    return true;
}

QList<wb::ui::ViewInfo> ListModule::views() const
{
    return {{"slots", tr("Slots")}, {"growth", tr("Growth")}, {"sort", tr("Timsort")}};
}

wb::ui::ModulePage *ListModule::createView(const QString &viewId, QWidget *parent)
{
    if (viewId == "slots")
        return new SlotsPage(parent);
    if (viewId == "growth")
        return new GrowthPage(parent);
    if (viewId == "sort")
        return new SortPage(parent);
    return nullptr;
}

} // namespace wb::list::ui
