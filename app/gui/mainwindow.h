#pragma once
// The shell's window: topics in a sidebar, the current module's views in the middle, the
// lesson and source panes docked beside them, the transport bar below.

#include "moduleregistry.h"

#include <QHash>
#include <QMainWindow>
#include <QPointer>

class QListWidget;
class QStackedWidget;
class QTabWidget;
class QDockWidget;
class QAction;
class QLabel;

namespace wb::ui {
class ModulePage;
class TransportBar;
class LessonView;
class SourceView;
class StepController;
} // namespace wb::ui

namespace wb::shell {

class HomePage;

class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(ModuleRegistry &registry, QWidget *parent = nullptr);
    ~MainWindow() override;

    // Shows a module (its first view, or `viewId`); false if the id is unknown.
    bool showModule(const QString &id, const QString &viewId = {});
    void showHome();
    QString currentModuleId() const { return m_currentId; }
    wb::ui::ModulePage *currentPage() const;
    wb::ui::TransportBar *transportBar() const { return m_transport; }

    // The modules' views in tour order; the window shows each one when asked.
    struct TourStop
    {
        QString moduleId; // empty for the home page
        QString viewId;
        QString fileName; // "home.png", "list-slots.png"
    };
    QList<TourStop> tourStops() const;
    bool showTourStop(const TourStop &stop);

    void setPresentationMode(bool on);
    bool presentationMode() const { return m_presentation; }
    void setDarkTheme(bool dark);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildMenus();
    void buildDocks();
    void restoreSettings();
    void saveSettings() const;
    QTabWidget *moduleTabs(const ModuleEntry &entry);
    QWidget *unavailablePage(const ModuleEntry &entry);
    void activatePage(wb::ui::ModulePage *page);
    void refreshLesson();
    void refreshSources();
    void refreshHighlights();
    void exportView();
    void showShortcuts();
    void showAbout();
    void selectSidebarRow(const QString &id);

    ModuleRegistry &m_registry;
    QListWidget *m_sidebar;
    QStackedWidget *m_stack;
    HomePage *m_home;
    QHash<QString, QWidget *> m_modulePages; // id -> tabs or "unavailable" page
    QString m_currentId;
    QPointer<wb::ui::ModulePage> m_page;
    QList<QMetaObject::Connection> m_pageConnections;
    wb::ui::TransportBar *m_transport;
    wb::ui::LessonView *m_lesson;
    wb::ui::SourceView *m_source;
    QDockWidget *m_lessonDock;
    QDockWidget *m_sourceDock;
    QAction *m_presentationAction;
    QAction *m_darkAction;
    bool m_presentation = false;
    double m_savedSpeed = 1.0;
};

} // namespace wb::shell
