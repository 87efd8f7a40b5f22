#include "threadsmodule.h"
#include "blockedview.h"
#include "inspectorview.h"
#include "session.h"
#include "timelineview.h"

namespace wb::threads::ui {

bool ThreadsModule::initialize(QString *)
{
    return true;
}

QList<wb::ui::ViewInfo> ThreadsModule::views() const
{
    return {{"timeline", tr("Timeline")},
            {"inspector", tr("Inspector")},
            {"blocked", tr("Blocked time")}};
}

wb::ui::ModulePage *ThreadsModule::createView(const QString &viewId, QWidget *parent)
{
    if (viewId == "timeline")
        return new TimelinePage(m_session.get(), parent);
    if (viewId == "inspector")
        return new InspectorPage(m_session.get(), parent);
    if (viewId == "blocked")
        return new BlockedPage(m_session.get(), parent);
    return nullptr;
}

} // namespace wb::threads::ui
