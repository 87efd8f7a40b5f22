#pragma once
// The page the workbench opens on: what it is, and a card per topic.

#include "moduleregistry.h"

#include <QWidget>

namespace wb::shell {

class HomePage : public QWidget
{
    Q_OBJECT
public:
    HomePage(const ModuleRegistry &registry, QWidget *parent = nullptr);

signals:
    void moduleChosen(const QString &id);
};

} // namespace wb::shell
