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
class QScrollArea;

namespace wb::ui {
class ModulePage;
class TransportBar;
class LessonView;
class SourceView;
class StepController;
} // namespace wb::ui

namespace wb::shell {

class HomePage;
class LessonPresenter;

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
    // The scroll area that holds the current view, or null on the home page.
    QScrollArea *currentViewArea() const;
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

    // Recordings (File > Save Recording…, Open Recording…, workbench --open). Both return
    // false with a sentence in *error; opening shows the recording's module and view, checks
    // every event, and runs nothing.
    bool saveRecording(const QString &path, QString *error);
    bool openRecording(const QString &path, QString *error);

    // A lesson script (File > Open Lesson…, workbench --lesson): checked whole first, then
    // presented from slide `first` in presentation mode (full screen unless `fullScreen` is
    // false). False with every problem in *problems, one per line, and nothing started.
    bool startLesson(const QString &path, QStringList *problems, int first = 0,
                     bool fullScreen = true);
    LessonPresenter *lessonPresenter() const { return m_presenter; }

    // Shows the window fitted to its screen: the saved geometry when it still fits, else a
    // size that leaves the desktop visible, maximized on a small screen (a projector).
    void showFitted();
    // From 1600 px of width the lesson sits above the source; below it they share one dock
    // with tabs, the lesson in front.
    void arrangePanesFor(int width);
    // Topics as a narrow rail of icons (true) or a list with names.
    void setCompactTopics(bool compact);

    // fullScreen false keeps the window's size: screenshots of the projector layout.
    void setPresentationMode(bool on, bool fullScreen = true);
    bool presentationMode() const { return m_presentation; }
    void setDarkTheme(bool dark);

protected:
    void closeEvent(QCloseEvent *event) override;
    // Lets a focused control of the view keep the transport's first keys it uses itself
    // (Space for a button Tab moved to, the arrows for a slider, a tab bar or a table); the
    // second keys always step.
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void buildMenus();
    void buildDocks();
    void restoreSettings();
    QRect availableGeometry() const;
    void saveSettings() const;
    QTabWidget *moduleTabs(const ModuleEntry &entry);
    QWidget *unavailablePage(const ModuleEntry &entry);
    // The page of tab `index`, made the first time it is asked for; null if it cannot be.
    wb::ui::ModulePage *ensurePage(QTabWidget *tabs, int index);
    void activatePage(wb::ui::ModulePage *page);
    void refreshLesson();
    void refreshSources();
    void refreshHighlights();
    void exportView();
    void exportSteps();
    void saveRecordingAs();
    void openRecordingFile();
    void openLessonFile();
    void showShortcuts();
    void showAbout();
    void selectSidebarRow(const QString &id);

    ModuleRegistry &m_registry;
    LessonPresenter *m_presenter = nullptr;
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
    QDockWidget *m_topicsDock;
    QDockWidget *m_lessonDock;
    QDockWidget *m_sourceDock;
    QAction *m_presentationAction;
    QAction *m_darkAction;
    bool m_presentation = false;
    bool m_compactTopics = false;
    bool m_restoredGeometry = false;
    // Which side panes were open before presentation mode hid them.
    bool m_topicsWereVisible = true;
    bool m_sourceWasVisible = true;
    double m_savedSpeed = 1.0;
    // The button the keyboard moved the focus to, the only one that keeps Space for itself:
    // Space after clicking Run, or on a button a view focused when it opened, still plays.
    QPointer<QWidget> m_tabbedButton;
};

} // namespace wb::shell
