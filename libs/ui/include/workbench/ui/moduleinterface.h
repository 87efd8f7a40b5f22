#pragma once
// The contract between the shell and a topic module. A module is a Qt plugin whose class
// implements ModuleInterface; its metadata JSON (id, title, description, category, version,
// icon) is embedded with Q_PLUGIN_METADATA and read by the shell before the plugin is
// instantiated:
//
//     class ListModule : public QObject, public wb::ui::ModuleInterface {
//         Q_OBJECT
//         Q_PLUGIN_METADATA(IID WbModuleInterface_iid FILE "list.json")
//         Q_INTERFACES(wb::ui::ModuleInterface)
//         ...
//     };
//
// Constructors stay trivial; anything that can fail belongs in initialize(), which reports
// a sentence the shell shows beside the unavailable module.

#include <QList>
#include <QString>
#include <QtPlugin>

class QWidget;

namespace wb::ui {

class ModulePage;

struct ViewInfo
{
    QString id;    // stable, used in --tour file names and settings: "slots", "growth"
    QString title; // shown on the view's tab: "Slots", "Growth"
};

class ModuleInterface
{
public:
    virtual ~ModuleInterface() = default;

    // Called once, before any view is created. On failure, return false and set *error.
    virtual bool initialize(QString *error) = 0;
    virtual QList<ViewInfo> views() const = 0;
    // A new page for one of views(); the shell owns it.
    virtual ModulePage *createView(const QString &viewId, QWidget *parent) = 0;
};

} // namespace wb::ui

// Bumped whenever an exported libs/ui class changes (a signal, a virtual, a member): the
// shell then refuses a plugin built against the old headers by name, instead of loading it.
// tests/guards/check_sdk_iid.py fails when the headers change and this does not.
#define WbModuleInterface_iid "org.internals-workbench.ModuleInterface/1.3"
Q_DECLARE_INTERFACE(wb::ui::ModuleInterface, WbModuleInterface_iid)
