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

std::shared_ptr<ThreadsSession> ThreadsModule::session()
{
    auto s = m_session.lock();
    if (!s) {
        s = std::make_shared<ThreadsSession>();
        m_session = s;
    }
    return s;
}

wb::ui::ModulePage *ThreadsModule::createView(const QString &viewId, QWidget *parent)
{
    if (viewId == "timeline")
        return new TimelinePage(session(), parent);
    if (viewId == "inspector")
        return new InspectorPage(session(), parent);
    if (viewId == "blocked")
        return new BlockedPage(session(), parent);
    return nullptr;
}

} // namespace wb::threads::ui
