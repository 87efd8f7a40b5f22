#pragma once

#include "session.h"

#include "workbench/ui/moduleinterface.h"
#include "workbench/ui/session.h"

#include <QObject>

#include <memory>

namespace wb::threads::ui {

class ThreadsModule : public QObject, public wb::ui::ModuleInterface
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID WbModuleInterface_iid FILE "threads.json")
    Q_INTERFACES(wb::ui::ModuleInterface)
public:
    bool initialize(QString *error) override;
    QList<wb::ui::ViewInfo> views() const override;
    wb::ui::ModulePage *createView(const QString &viewId, QWidget *parent) override;

private:
    // The pages own the session; the module only hands the same one to each new page.
    wb::ui::SharedSession<ThreadsSession> m_session;
};

} // namespace wb::threads::ui
