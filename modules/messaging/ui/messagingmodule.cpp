#include "messagingmodule.h"
#include "ratesview.h"
#include "session.h"
#include "topologyview.h"

namespace wb::messaging::ui {

bool MessagingModule::initialize(QString *)
{
    return true;
}

QList<wb::ui::ViewInfo> MessagingModule::views() const
{
    return {{"topology", tr("Topology")}, {"rates", tr("Rates and tables")}};
}

wb::ui::ModulePage *MessagingModule::createView(const QString &viewId, QWidget *parent)
{
    if (viewId == "topology")
        return new TopologyPage(m_session.get(), parent);
    if (viewId == "rates")
        return new RatesPage(m_session.get(), parent);
    return nullptr;
}

} // namespace wb::messaging::ui
