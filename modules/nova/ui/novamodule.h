#pragma once

#include "workbench/ui/moduleinterface.h"

#include <QObject>

namespace wb::nova::ui {

class NovaModule : public QObject, public wb::ui::ModuleInterface
{
    Q_OBJECT
    Q_PLUGIN_METADATA(IID WbModuleInterface_iid FILE "nova.json")
    Q_INTERFACES(wb::ui::ModuleInterface)
public:
    bool initialize(QString *error) override;
    QList<wb::ui::ViewInfo> views() const override;
    wb::ui::ModulePage *createView(const QString &viewId, QWidget *parent) override;
};

} // namespace wb::nova::ui
