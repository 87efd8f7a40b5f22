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

std::shared_ptr<MessagingSession> MessagingModule::session()
{
    auto s = m_session.lock();
    if (!s) {
        s = std::make_shared<MessagingSession>();
        m_session = s;
    }
    return s;
}

wb::ui::ModulePage *MessagingModule::createView(const QString &viewId, QWidget *parent)
{
    if (viewId == "topology")
        return new TopologyPage(session(), parent);
    if (viewId == "rates")
        return new RatesPage(session(), parent);
    return nullptr;
}

} // namespace wb::messaging::ui
