#include "novamodule.h"
#include "launchview.h"
#include "novashview.h"
#include "schedulingview.h"
#include "spawnview.h"

namespace wb::nova::ui {

bool NovaModule::initialize(QString *)
{
    return true;
}

QList<wb::ui::ViewInfo> NovaModule::views() const
{
    return {{"launch", tr("Launch")},
            {"spawn", tr("Spawn")},
            {"novash", tr("nova.sh")},
            {"scheduling", tr("Scheduling at scale")}};
}

wb::ui::ModulePage *NovaModule::createView(const QString &viewId, QWidget *parent)
{
    if (viewId == "launch")
        return new LaunchPage(parent);
    if (viewId == "spawn")
        return new SpawnPage(parent);
    if (viewId == "novash")
        return new NovaShPage(parent);
    if (viewId == "scheduling")
        return new SchedulingPage(parent);
    return nullptr;
}

} // namespace wb::nova::ui
