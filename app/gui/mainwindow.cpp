#include "mainwindow.h"
#include "homepage.h"
#include "lessonpresenter.h"
#include "lessonscript.h"
#include "stepexport.h"

#include "workbench/ui/export.h"
#include "workbench/ui/lessonview.h"
#include "workbench/ui/moduleinterface.h"
#include "workbench/ui/modulepage.h"
#include "workbench/ui/sourceview.h"
#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/theme.h"
#include "workbench/ui/transportbar.h"

#include <QAbstractButton>
#include <QAbstractItemView>
#include <QAbstractSlider>
#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QComboBox>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGuiApplication>
#include <QKeyEvent>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressDialog>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QSpinBox>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyleOptionDockWidget>
#include <QStylePainter>
#include <QTabBar>
#include <QTabWidget>
#include <QTimer>
#include <QToolBar>
#include <QTreeView>
#include <QVBoxLayout>

#include <algorithm>

namespace wb::shell {

namespace {

// Each view sits in a scroll area inside its module's tabs, so a view that needs more room
// than the window has scrolls instead of pushing the lesson and source panes aside.
wb::ui::ModulePage *pageIn(QWidget *tab)
{
    if (auto *scroll = qobject_cast<QScrollArea *>(tab))
        tab = scroll->widget();
    return qobject_cast<wb::ui::ModulePage *>(tab);
}

constexpr int IdRole = Qt::UserRole + 1;
constexpr int TitleRole = Qt::UserRole + 2;
// Below this window width the topics pane is a rail of icons (names in tooltips and for
// screen readers), so a projector's 1280 px go to the view.
constexpr int kCompactTopicsBelow = 1400;
const QString HomeId = QStringLiteral("home");

// A dock that draws its title in its own font. QDockWidget draws the title in the font the
// application had when the dock was made, so presentation mode would leave "Lesson" and
// "Source" at a desk's size while everything else grows.
class PaneDock : public QDockWidget
{
public:
    using QDockWidget::QDockWidget;

protected:
    void paintEvent(QPaintEvent *event) override
    {
        // A floating pane may be framed by the window manager; Qt knows when.
        if (isFloating() || titleBarWidget()) {
            QDockWidget::paintEvent(event);
            return;
        }
        QStylePainter painter(this);
        QStyleOptionDockWidget title;
        initStyleOption(&title);
        painter.drawControl(QStyle::CE_DockWidgetTitle, title);
    }
};

// Whether the focused widget `w` of a view does something with the unmodified key `key` that
// the transport would otherwise take: pressing a button with Space, moving along a slider, a
// tab bar or a table with the arrows, Home and End. Text inputs and spin boxes claim their
// keys themselves.
bool controlUsesKey(const QWidget *w, int key)
{
    const bool sideways = key == Qt::Key_Left || key == Qt::Key_Right;
    const bool ends = key == Qt::Key_Home || key == Qt::Key_End;
    if (const auto *b = qobject_cast<const QAbstractButton *>(w))
        return key == Qt::Key_Space || (sideways && b->autoExclusive());
    if (qobject_cast<const QAbstractSlider *>(w))
        return sideways || ends;
    if (qobject_cast<const QTabBar *>(w))
        return sideways;
    if (const auto *combo = qobject_cast<const QComboBox *>(w))
        return !combo->isEditable() && (key == Qt::Key_Space || ends);
    if (const auto *view = qobject_cast<const QAbstractItemView *>(w)) {
        if (qobject_cast<const QTreeView *>(w) && (key == Qt::Key_Plus || key == Qt::Key_Minus))
            return true;
        // A list of whole rows (a trace whose selected row is the cursor) has no use for
        // them: they keep stepping.
        if (view->selectionBehavior() == QAbstractItemView::SelectRows)
            return false;
        return sideways || ends ||
               (key == Qt::Key_Space &&
                view->selectionMode() == QAbstractItemView::MultiSelection);
    }
    return false;
}

QIcon moduleIcon(const ModuleEntry &e)
{
    const QString path = QStringLiteral(":/icons/%1.svg").arg(e.iconName);
    return QFile::exists(path) ? QIcon(path) : QIcon(":/icons/internals-workbench.svg");
}
} // namespace

MainWindow::MainWindow(ModuleRegistry &registry, QWidget *parent)
    : QMainWindow(parent), m_registry(registry)
{
    setWindowTitle(tr("Internals Workbench"));
    setWindowIcon(QIcon(":/icons/internals-workbench.svg"));
    setObjectName("MainWindow");

    m_sidebar = new QListWidget;
    m_sidebar->setObjectName("Sidebar");
    m_sidebar->setIconSize(QSize(22, 22));
    m_sidebar->setSpacing(2);
    auto *home = new QListWidgetItem(QIcon(":/icons/internals-workbench.svg"), tr("Home"));
    home->setData(IdRole, HomeId);
    home->setData(TitleRole, tr("Home"));
    home->setToolTip(tr("Home: the five topics"));
    m_sidebar->addItem(home);
    for (const ModuleEntry &e : registry.entries()) {
        auto *item = new QListWidgetItem(moduleIcon(e), e.title);
        item->setData(IdRole, e.id);
        item->setData(TitleRole, e.title);
        item->setToolTip(e.available() ? e.description : tr("Unavailable: %1").arg(e.error));
        if (!e.available()) {
            item->setText(tr("%1 (unavailable)").arg(e.title));
            item->setData(TitleRole, item->text());
            item->setForeground(palette().color(QPalette::Disabled, QPalette::Text));
        }
        m_sidebar->addItem(item);
    }
    m_sidebar->setAccessibleName(tr("Topics"));
    m_sidebar->setAccessibleDescription(tr("The home page and one entry per topic"));
    m_topicsDock = new PaneDock(tr("Topics"), this);
    m_topicsDock->setObjectName("TopicsDock");
    m_topicsDock->setWidget(m_sidebar);
    m_topicsDock->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetClosable);
    m_sidebar->setMinimumWidth(150);
    addDockWidget(Qt::LeftDockWidgetArea, m_topicsDock);

    m_stack = new QStackedWidget;
    m_home = new HomePage(registry);
    m_stack->addWidget(m_home);
    setCentralWidget(m_stack);
    connect(m_home, &HomePage::moduleChosen, this, [this](const QString &id) { showModule(id); });
    connect(m_sidebar, &QListWidget::currentItemChanged, this, [this](QListWidgetItem *item) {
        if (!item)
            return;
        const QString id = item->data(IdRole).toString();
        if (id == HomeId)
            showHome();
        else if (id != m_currentId)
            showModule(id);
    });

    m_transport = new wb::ui::TransportBar;
    auto *transportBar = new QToolBar(tr("Transport"), this);
    transportBar->setObjectName("TransportToolBar");
    transportBar->setMovable(false);
    transportBar->addWidget(m_transport);
    addToolBar(Qt::BottomToolBarArea, transportBar);

    buildDocks();
    buildMenus();
    qApp->installEventFilter(this);
    const auto loaded = std::count_if(registry.entries().begin(), registry.entries().end(),
                                      [](const ModuleEntry &e) { return e.available(); });
    statusBar()->showMessage(loaded == 1 ? tr("1 topic loaded")
                                         : tr("%1 topics loaded").arg(loaded));
    const QRect avail = availableGeometry();
    resize(std::min(1440, avail.width()), std::min(900, avail.height()));
    arrangePanesFor(avail.width());
    restoreSettings();
}

QRect MainWindow::availableGeometry() const
{
    const QScreen *s = screen() ? screen() : QGuiApplication::primaryScreen();
    return s ? s->availableGeometry() : QRect(0, 0, 1280, 720);
}

// Below about 1600 px the Lesson and Source panes share one dock with tabs (Lesson in
// front), so the view keeps most of the width; wider screens show the lesson above the
// source.
void MainWindow::arrangePanesFor(int width)
{
    setCompactTopics(width < kCompactTopicsBelow);
    if (!m_compactTopics)
        resizeDocks({m_topicsDock}, {width < 1600 ? 170 : 210}, Qt::Horizontal);
    if (width < 1600) {
        tabifyDockWidget(m_lessonDock, m_sourceDock);
        m_lessonDock->raise();
        resizeDocks({m_lessonDock}, {300}, Qt::Horizontal);
    } else if (tabifiedDockWidgets(m_lessonDock).contains(m_sourceDock)) {
        // A dock split from a tabbed one only joins its tabs: lay both out anew.
        const bool lessonShown = !m_lessonDock->isHidden();
        const bool sourceShown = !m_sourceDock->isHidden();
        removeDockWidget(m_lessonDock);
        removeDockWidget(m_sourceDock);
        addDockWidget(Qt::RightDockWidgetArea, m_lessonDock);
        addDockWidget(Qt::RightDockWidgetArea, m_sourceDock);
        m_lessonDock->setVisible(lessonShown);
        m_sourceDock->setVisible(sourceShown);
        resizeDocks({m_lessonDock}, {330}, Qt::Horizontal);
    }
}

void MainWindow::setCompactTopics(bool compact)
{
    if (compact == m_compactTopics)
        return;
    m_compactTopics = compact;
    for (int i = 0; i < m_sidebar->count(); ++i) {
        QListWidgetItem *item = m_sidebar->item(i);
        const QString title = item->data(TitleRole).toString();
        item->setText(compact ? QString() : title);
        item->setData(Qt::AccessibleTextRole, title);
    }
    // The rail has no room for the dock's title; its tooltip names the pane.
    if (compact) {
        m_topicsDock->setTitleBarWidget(new QWidget(m_topicsDock));
        m_sidebar->setIconSize(QSize(28, 28));
        m_sidebar->setMinimumWidth(48);
        m_sidebar->setMaximumWidth(56);
    } else {
        delete m_topicsDock->titleBarWidget();
        m_topicsDock->setTitleBarWidget(nullptr);
        m_sidebar->setIconSize(QSize(22, 22));
        m_sidebar->setMaximumWidth(QWIDGETSIZE_MAX);
        m_sidebar->setMinimumWidth(150);
    }
    m_sidebar->setToolTip(compact ? tr("Topics (F6 hides or shows this rail)") : QString());
}

void MainWindow::showFitted()
{
    const QRect avail = availableGeometry();
    const bool fits = m_restoredGeometry && avail.contains(frameGeometry());
    if (!fits) {
        resize(std::min(1440, avail.width()), std::min(900, avail.height()));
        move(avail.center() - rect().center());
    }
    if (!m_restoredGeometry && (avail.width() < 1440 || avail.height() < 900))
        showMaximized();
    else
        show();
}

MainWindow::~MainWindow()
{
    // Pages are destroyed after the panes; a page that resets its controller on the way out
    // must not reach the lesson or source view any more.
    for (const auto &c : std::as_const(m_pageConnections))
        disconnect(c);
    m_pageConnections.clear();
    m_page = nullptr;
}

void MainWindow::buildDocks()
{
    // Wide enough for a heading and a sentence per line: a page that asks for more room
    // scrolls instead of squeezing the lesson into a column of broken words.
    constexpr int kPaneMinimumWidth = 250;
    m_lesson = new wb::ui::LessonView;
    m_lesson->setMinimumWidth(kPaneMinimumWidth);
    m_lessonDock = new PaneDock(tr("Lesson"), this);
    m_lessonDock->setObjectName("LessonDock");
    m_lessonDock->setWidget(m_lesson);
    addDockWidget(Qt::RightDockWidgetArea, m_lessonDock);

    m_source = new wb::ui::SourceView;
    m_source->setMinimumWidth(kPaneMinimumWidth);
    m_sourceDock = new PaneDock(tr("Source"), this);
    m_sourceDock->setObjectName("SourceDock");
    m_sourceDock->setWidget(m_source);
    addDockWidget(Qt::RightDockWidgetArea, m_sourceDock);
    resizeDocks({m_lessonDock, m_sourceDock}, {330, 330}, Qt::Horizontal);
}

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    QAction *openAct =
        file->addAction(tr("&Open Recording…"), this, &MainWindow::openRecordingFile);
    openAct->setShortcut(QKeySequence::Open);
    QAction *saveAct = file->addAction(tr("&Save Recording…"), this, &MainWindow::saveRecordingAs);
    saveAct->setShortcut(QKeySequence::Save);
    QAction *lessonAct = file->addAction(tr("Open &Lesson…"), this, &MainWindow::openLessonFile);
    lessonAct->setShortcut(QKeySequence(tr("Ctrl+L")));
    file->addSeparator();
    QAction *exportAct = file->addAction(tr("&Export View…"), this, &MainWindow::exportView);
    exportAct->setShortcut(QKeySequence(tr("Ctrl+E")));
    QAction *stepsAct = file->addAction(tr("Export &Steps…"), this, &MainWindow::exportSteps);
    stepsAct->setShortcut(QKeySequence(tr("Ctrl+Shift+E")));
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *step = menuBar()->addMenu(tr("&Step"));
    // Each action answers to its first key and to a second one that works with the focus
    // anywhere; the menu lists both after the name.
    using TA = wb::ui::TransportAction;
    auto stepAction = [this, step](const QString &text, TA action, auto slot) {
        QAction *a = step->addAction(text + QLatin1Char('\t') + wb::ui::transportKeyText(action));
        a->setShortcuts(wb::ui::transportKeys(action));
        connect(a, &QAction::triggered, this, [this, slot] {
            if (auto *c = m_transport->controller())
                (c->*slot)();
        });
        return a;
    };
    using SC = wb::ui::StepController;
    stepAction(tr("Play / Pause"), TA::PlayPause, &SC::togglePlay);
    stepAction(tr("Step Forward"), TA::StepForward, &SC::stepForward);
    stepAction(tr("Step Back"), TA::StepBack, &SC::stepBack);
    stepAction(tr("Jump to Start"), TA::ToStart, &SC::toStart);
    stepAction(tr("Jump to End"), TA::ToEnd, &SC::toEnd);
    step->addSeparator();
    stepAction(tr("Faster"), TA::Faster, &SC::faster);
    stepAction(tr("Slower"), TA::Slower, &SC::slower);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *topicsToggle = m_topicsDock->toggleViewAction();
    topicsToggle->setShortcut(QKeySequence(Qt::Key_F6));
    QAction *lessonToggle = m_lessonDock->toggleViewAction();
    lessonToggle->setShortcut(QKeySequence(Qt::Key_F7));
    QAction *sourceToggle = m_sourceDock->toggleViewAction();
    sourceToggle->setShortcut(QKeySequence(Qt::Key_F8));
    // A pane brought back by its key comes to the front of a tabbed dock.
    for (QDockWidget *d : {m_lessonDock, m_sourceDock})
        connect(d->toggleViewAction(), &QAction::triggered, d, [d](bool on) {
            if (on)
                d->raise();
        });
    m_presentationAction = view->addAction(tr("&Presentation Mode"));
    m_presentationAction->setCheckable(true);
    m_presentationAction->setShortcut(QKeySequence(Qt::Key_F11));
    connect(m_presentationAction, &QAction::toggled, this,
            [this](bool on) { setPresentationMode(on); });
    m_darkAction = view->addAction(tr("&Dark Palette"));
    m_darkAction->setCheckable(true);
    m_darkAction->setShortcut(QKeySequence(tr("Ctrl+Shift+D")));
    connect(m_darkAction, &QAction::toggled, this, &MainWindow::setDarkTheme);
    view->addSeparator();
    view->addAction(topicsToggle);
    view->addAction(lessonToggle);
    view->addAction(sourceToggle);
    view->addSeparator();
    QAction *homeAct = view->addAction(tr("&Home"), this, &MainWindow::showHome);
    homeAct->setShortcut(QKeySequence(tr("Ctrl+0")));
    int n = 1;
    for (const ModuleEntry &e : m_registry.entries()) {
        QAction *a = view->addAction(e.title, this, [this, id = e.id] { showModule(id); });
        if (n <= 9)
            a->setShortcut(QKeySequence(tr("Ctrl+%1").arg(n++)));
    }

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    QAction *keys = help->addAction(tr("&Keyboard Shortcuts"), this, &MainWindow::showShortcuts);
    keys->setShortcut(QKeySequence::HelpContents);
    help->addAction(tr("&About Internals Workbench"), this, &MainWindow::showAbout);
}

void MainWindow::restoreSettings()
{
    QSettings s;
    m_restoredGeometry = restoreGeometry(s.value("window/geometry").toByteArray());
    restoreState(s.value("window/state").toByteArray());
    m_savedSpeed = s.value("transport/speed", 1.0).toDouble();
    if (s.value("view/dark", false).toBool())
        m_darkAction->setChecked(true);
}

void MainWindow::saveSettings() const
{
    QSettings s;
    if (!m_presentation) {
        s.setValue("window/geometry", saveGeometry());
        s.setValue("window/state", saveState());
    }
    s.setValue("window/lastModule", m_currentId.isEmpty() ? HomeId : m_currentId);
    if (auto *c = m_transport->controller())
        s.setValue("transport/speed", c->speed());
    s.setValue("view/dark", m_darkAction->isChecked());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveSettings();
    // Live modules stop their threads before the window goes.
    for (QWidget *w : std::as_const(m_modulePages))
        if (auto *tabs = qobject_cast<QTabWidget *>(w))
            for (int i = 0; i < tabs->count(); ++i)
                if (auto *p = pageIn(tabs->widget(i)))
                    p->shutdown();
    event->accept();
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::FocusIn && qobject_cast<QAbstractButton *>(watched)) {
        const auto reason = static_cast<QFocusEvent *>(event)->reason();
        if (reason == Qt::TabFocusReason || reason == Qt::BacktabFocusReason ||
            reason == Qt::ShortcutFocusReason)
            m_tabbedButton = static_cast<QWidget *>(watched);
        else if (reason != Qt::ActiveWindowFocusReason) // not the window coming back
            m_tabbedButton = nullptr;
    } else if (event->type() == QEvent::ShortcutOverride && watched->isWidgetType()) {
        auto *w = static_cast<QWidget *>(watched);
        const auto *key = static_cast<QKeyEvent *>(event);
        const auto modifiers = key->modifiers() & ~Qt::KeypadModifier;
        const bool otherButton = qobject_cast<QAbstractButton *>(w) && w != m_tabbedButton;
        // Only in the view: in the topics list and the panes the keys keep stepping.
        if (modifiers == Qt::NoModifier && m_stack->isAncestorOf(w) && !otherButton &&
            controlUsesKey(w, key->key())) {
            event->accept(); // the key goes to the control, not to a shortcut
            return true;
        }
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::selectSidebarRow(const QString &id)
{
    for (int i = 0; i < m_sidebar->count(); ++i)
        if (m_sidebar->item(i)->data(IdRole).toString() == id) {
            const QSignalBlocker block(m_sidebar);
            m_sidebar->setCurrentRow(i);
            return;
        }
}

void MainWindow::showHome()
{
    m_currentId.clear();
    m_stack->setCurrentWidget(m_home);
    selectSidebarRow(HomeId);
    activatePage(nullptr);
    m_lesson->setLesson(tr("# Welcome\n\nPick a topic on the left. Each one opens with a "
                           "lesson here and the real source of its core below; the bar at the "
                           "bottom steps through what the code did."));
}

QWidget *MainWindow::unavailablePage(const ModuleEntry &e)
{
    auto *w = new QWidget;
    auto *l = new QVBoxLayout(w);
    auto *label = new QLabel(
        tr("<h2>%1 is unavailable</h2><p>%2</p><p>Plugin file: %3</p>")
            .arg(e.title.toHtmlEscaped(), e.error.toHtmlEscaped(), e.path.toHtmlEscaped()));
    label->setWordWrap(true);
    label->setTextInteractionFlags(Qt::TextSelectableByMouse);
    l->addWidget(label);
    l->addStretch(1);
    return w;
}

QTabWidget *MainWindow::moduleTabs(const ModuleEntry &e)
{
    auto *tabs = new QTabWidget;
    tabs->setDocumentMode(true);
    tabs->setProperty("moduleId", e.id);
    tabs->setAccessibleName(tr("%1 views").arg(e.title));
    // Each view's page is made when its tab is first shown: opening a module builds one page,
    // not all of them, and the others cost nothing until the learner goes there.
    for (const wb::ui::ViewInfo &v : e.module->views()) {
        auto *scroll = new QScrollArea;
        scroll->setObjectName(v.id);
        scroll->setFrameShape(QFrame::NoFrame);
        scroll->setWidgetResizable(true);
        tabs->addTab(scroll, v.title);
    }
    connect(tabs, &QTabWidget::currentChanged, this, [this, tabs](int i) {
        if (m_stack->currentWidget() == tabs)
            activatePage(ensurePage(tabs, i));
    });
    return tabs;
}

wb::ui::ModulePage *MainWindow::ensurePage(QTabWidget *tabs, int index)
{
    auto *scroll = qobject_cast<QScrollArea *>(tabs->widget(index));
    if (!scroll)
        return nullptr;
    if (scroll->widget())
        return pageIn(scroll);
    const ModuleEntry *e = m_registry.find(tabs->property("moduleId").toString());
    if (!e || !e->available())
        return nullptr;
    wb::ui::ModulePage *page = nullptr;
    QString failure;
    try {
        page = e->module->createView(scroll->objectName(), scroll);
    } catch (const std::exception &ex) {
        failure = QString::fromUtf8(ex.what());
    }
    if (!page) {
        auto *label =
            new QLabel(tr("This view could not be opened: %1")
                           .arg(failure.isEmpty()
                                    ? tr("the module has no view '%1'").arg(scroll->objectName())
                                    : failure));
        label->setWordWrap(true);
        label->setAlignment(Qt::AlignCenter);
        scroll->setWidget(label);
        statusBar()->showMessage(label->text());
        return nullptr;
    }
    page->setObjectName(scroll->objectName());
    scroll->setWidget(page);
    return page;
}

bool MainWindow::showModule(const QString &id, const QString &viewId)
{
    const ModuleEntry *e = m_registry.find(id);
    if (!e)
        return false;
    QWidget *w = m_modulePages.value(id);
    if (!w) {
        w = e->available() ? static_cast<QWidget *>(moduleTabs(*e)) : unavailablePage(*e);
        m_modulePages.insert(id, w);
        m_stack->addWidget(w);
    }
    m_currentId = id;
    selectSidebarRow(id);
    m_stack->setCurrentWidget(w);
    auto *tabs = qobject_cast<QTabWidget *>(w);
    if (tabs && !viewId.isEmpty())
        for (int i = 0; i < tabs->count(); ++i)
            if (tabs->widget(i)->objectName() == viewId)
                tabs->setCurrentIndex(i);
    activatePage(tabs ? ensurePage(tabs, tabs->currentIndex()) : nullptr);
    if (!tabs) {
        m_lesson->setLesson(
            tr("# %1\n\nThis topic could not be loaded: %2").arg(e->title, e->error));
        m_source->setFiles({});
    }
    statusBar()->showMessage(e->available() ? e->description : e->error);
    return true;
}

wb::ui::ModulePage *MainWindow::currentPage() const
{
    return m_page;
}

QScrollArea *MainWindow::currentViewArea() const
{
    if (auto *tabs = qobject_cast<QTabWidget *>(m_stack->currentWidget()))
        return qobject_cast<QScrollArea *>(tabs->currentWidget());
    return nullptr;
}

void MainWindow::activatePage(wb::ui::ModulePage *page)
{
    for (const auto &c : m_pageConnections)
        disconnect(c);
    m_pageConnections.clear();
    if (auto *old = m_transport->controller())
        old->pause();
    m_page = page;
    wb::ui::StepController *controller = page ? page->controller() : nullptr;
    m_transport->setController(controller);
    if (controller)
        controller->setSpeed(m_savedSpeed);
    if (page) {
        m_pageConnections << connect(page, &wb::ui::ModulePage::lessonChanged, this,
                                     &MainWindow::refreshLesson)
                          << connect(page, &wb::ui::ModulePage::sourcesChanged, this,
                                     &MainWindow::refreshSources)
                          << connect(page, &wb::ui::ModulePage::highlightsChanged, this,
                                     &MainWindow::refreshHighlights)
                          << connect(
                                 page, &wb::ui::ModulePage::controllerChanged, this,
                                 [this, p = QPointer<wb::ui::ModulePage>(page)] {
                                     if (p && p == m_page)
                                         activatePage(p);
                                 },
                                 Qt::QueuedConnection)
                          << connect(page, &wb::ui::ModulePage::statusMessage, this,
                                     [this](const QString &m) { statusBar()->showMessage(m); });
        if (controller)
            m_pageConnections << connect(controller, &wb::ui::StepController::positionChanged,
                                         this, &MainWindow::refreshHighlights)
                              << connect(controller, &wb::ui::StepController::speedChanged, this,
                                         [this](double s) { m_savedSpeed = s; });
    }
    // The lesson's markdown and the source files are laid out a frame later, on timers: the
    // page is built and painted first, and input is served between each piece of work. (A
    // zero delay would queue them behind the page's own posted events, in the same turn.)
    constexpr int kFrameMs = 16;
    QTimer::singleShot(kFrameMs, this, [this, p = QPointer<wb::ui::ModulePage>(page)] {
        if (p != m_page)
            return;
        refreshLesson();
        QTimer::singleShot(kFrameMs, this, [this, p] {
            if (p == m_page)
                refreshSources();
        });
    });
}

void MainWindow::refreshLesson()
{
    if (m_page)
        m_lesson->setLesson(m_page->lessonMarkdown());
}

void MainWindow::refreshSources()
{
    m_source->setFiles(m_page ? m_page->sourceFiles() : QStringList());
    refreshHighlights();
}

void MainWindow::refreshHighlights()
{
    m_source->setHighlights(m_page ? m_page->sourceHighlights()
                                   : QList<wb::ui::SourceHighlight>());
}

QList<MainWindow::TourStop> MainWindow::tourStops() const
{
    QList<TourStop> stops{{QString(), QString(), QStringLiteral("home.png")}};
    for (const ModuleEntry &e : m_registry.entries()) {
        if (!e.available()) {
            stops.append({e.id, QString(), e.id + "-unavailable.png"});
            continue;
        }
        for (const auto &v : e.module->views())
            stops.append({e.id, v.id, e.id + "-" + v.id + ".png"});
    }
    return stops;
}

bool MainWindow::showTourStop(const TourStop &stop)
{
    if (stop.moduleId.isEmpty()) {
        showHome();
        return true;
    }
    return showModule(stop.moduleId, stop.viewId);
}

void MainWindow::setPresentationMode(bool on, bool fullScreen)
{
    if (on == m_presentation)
        return;
    if (on) {
        saveSettings(); // remember the normal geometry before going full screen
        m_topicsWereVisible = m_topicsDock->isVisible();
        m_sourceWasVisible = m_sourceDock->isVisible();
    }
    m_presentation = on;
    {
        const QSignalBlocker block(m_presentationAction);
        m_presentationAction->setChecked(on);
    }
    // A projector gives the view the room: topics and source step aside (F6 and F8 bring
    // each back), the lesson stays and folds away with F7.
    m_topicsDock->setVisible(on ? false : m_topicsWereVisible);
    m_sourceDock->setVisible(on ? false : m_sourceWasVisible);
    // Large type for the back of the room, in proportion to the screen it is thrown on: a
    // 1280 px projector cannot hold what a 1920 px one can at the same scale.
    const int w = width();
    wb::ui::setFontScale(*qApp, !on ? 1.0 : w >= 1600 ? 1.6 : w >= 1200 ? 1.35 : 1.25);
    if (fullScreen && on)
        showFullScreen();
    else if (fullScreen)
        showNormal();
    statusBar()->showMessage(on ? tr("Presentation mode: F11 to leave; F6 topics, F7 lesson, "
                                     "F8 source")
                                : QString(),
                             6000);
}

void MainWindow::setDarkTheme(bool dark)
{
    wb::ui::applyTheme(*qApp, dark ? wb::ui::Theme::Dark : wb::ui::Theme::Light);
    {
        const QSignalBlocker block(m_darkAction);
        m_darkAction->setChecked(dark);
    }
}

void MainWindow::exportView()
{
    QWidget *target = m_stack->currentWidget();
    if (auto *tabs = qobject_cast<QTabWidget *>(target))
        if (auto *page = pageIn(tabs->currentWidget()))
            target = page;
    const QString suggested =
        (m_currentId.isEmpty() ? QStringLiteral("home") : m_currentId) +
        (target && !target->objectName().isEmpty() ? "-" + target->objectName() : QString()) +
        ".png";
    const QString path = QFileDialog::getSaveFileName(this, tr("Export View"), suggested,
                                                      wb::ui::exportFileFilter());
    if (path.isEmpty())
        return;
    QString error;
    if (!wb::ui::exportWidget(target, path, &error))
        QMessageBox::warning(this, tr("Export failed"), error);
    else
        statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
}

bool MainWindow::saveRecording(const QString &path, QString *error)
{
    wb::ui::ModulePage *page = currentPage();
    wb::Recording r = page ? page->recording() : wb::Recording{};
    if (!r.trace) {
        *error = tr("this view does not keep recordings");
        return false;
    }
    if (r.trace->empty()) {
        *error = tr("this view has no run to keep yet; run something first");
        return false;
    }
    const ModuleEntry *entry = m_registry.find(m_currentId);
    r.module = m_currentId.toStdString();
    r.moduleVersion = entry ? entry->version.toStdString() : std::string();
    r.view = page->objectName().toStdString();
    std::string why;
    if (!wb::writeRecording(path.toStdString(), r, /*overwrite=*/true, why)) {
        *error = QString::fromStdString(why);
        return false;
    }
    return true;
}

bool MainWindow::openRecording(const QString &path, QString *error)
{
    wb::Recording r;
    try {
        r = wb::readRecording(path.toStdString());
    } catch (const wb::RecordingError &e) {
        *error = QString::fromStdString(e.what());
        return false;
    }
    const QString module = QString::fromStdString(r.module);
    const ModuleEntry *entry = m_registry.find(module);
    if (!entry || !entry->available()) {
        *error = tr("this recording was made by the '%1' module, which this workbench %2")
                     .arg(module.left(40), entry ? tr("could not load (%1)").arg(entry->error)
                                                 : tr("does not have"));
        return false;
    }
    const QString view = QString::fromStdString(r.view);
    bool known = false;
    for (const auto &v : entry->module->views())
        known = known || v.id == view;
    if (!known) {
        *error = tr("this recording is of a view '%1' the '%2' module does not have")
                     .arg(view.left(40), module);
        return false;
    }
    showModule(module, view);
    wb::ui::ModulePage *page = currentPage();
    if (!page || page->objectName() != view) {
        *error = tr("the view '%1' could not be opened").arg(view);
        return false;
    }
    if (!page->showRecording(r, error))
        return false;
    activatePage(page); // the controller may be another one now
    statusBar()->showMessage(tr("Opened %1: %2 events, nothing was run")
                                 .arg(QFileInfo(path).fileName())
                                 .arg(r.trace->size()));
    return true;
}

void MainWindow::saveRecordingAs()
{
    const QString suggested = (m_currentId.isEmpty() ? QStringLiteral("run") : m_currentId) +
                              (currentPage() ? "-" + currentPage()->objectName() : QString()) +
                              ".wbrec";
    const QString path = QFileDialog::getSaveFileName(this, tr("Save Recording"), suggested,
                                                      tr("Workbench recordings (*.wbrec)"));
    if (path.isEmpty())
        return;
    QString error;
    if (saveRecording(path, &error))
        statusBar()->showMessage(tr("Saved %1").arg(path), 5000);
    else
        QMessageBox::warning(this, tr("Save Recording"), error);
}

void MainWindow::openRecordingFile()
{
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Open Recording"), QString(),
                                     tr("Workbench recordings (*.wbrec);;All files (*)"));
    if (path.isEmpty())
        return;
    QString error;
    if (!openRecording(path, &error))
        QMessageBox::warning(this, tr("Open Recording"),
                             tr("Cannot open %1: %2").arg(QFileInfo(path).fileName(), error));
}

bool MainWindow::startLesson(const QString &path, QStringList *problems, int first,
                             bool fullScreen)
{
    LessonScript script = parseLessonScript(path, problems);
    if (problems->isEmpty())
        *problems = checkLessonScript(script, m_registry);
    if (problems->isEmpty() && (first < 0 || first >= script.slides.size()))
        *problems << tr("%1: there is no slide %2; the script has %3")
                         .arg(path)
                         .arg(first + 1)
                         .arg(script.slides.size());
    if (!problems->isEmpty())
        return false;
    delete m_presenter;
    m_presenter = new LessonPresenter(*this, std::move(script));
    setPresentationMode(true, fullScreen);
    QString error;
    if (!m_presenter->showSlide(first, false, &error)) {
        *problems << error;
        delete m_presenter;
        m_presenter = nullptr;
        return false;
    }
    return true;
}

void MainWindow::openLessonFile()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Lesson"), QString(), tr("Lesson scripts (*.lesson *.txt);;All files (*)"));
    if (path.isEmpty())
        return;
    QStringList problems;
    if (!startLesson(path, &problems))
        QMessageBox::warning(this, tr("Open Lesson"),
                             tr("The lesson cannot start:\n\n%1").arg(problems.join('\n')));
}

void MainWindow::exportSteps()
{
    wb::ui::ModulePage *page = currentPage();
    wb::ui::StepController *controller = page ? page->controller() : nullptr;
    const qsizetype count = controller && controller->trace() ? controller->count() : 0;
    if (count == 0) {
        QMessageBox::information(this, tr("Export Steps"),
                                 tr("This view has no steps to export. Run something first, "
                                    "then export a range of its steps."));
        return;
    }

    QDialog dialog(this);
    dialog.setWindowTitle(tr("Export Steps"));
    auto *form = new QFormLayout(&dialog);
    auto *from = new QSpinBox;
    auto *to = new QSpinBox;
    auto *every = new QSpinBox;
    auto *delay = new QSpinBox;
    from->setRange(0, static_cast<int>(count));
    to->setRange(0, static_cast<int>(count));
    to->setValue(static_cast<int>(count));
    every->setRange(1, static_cast<int>(std::max<qsizetype>(1, count)));
    every->setValue(static_cast<int>(std::max<qsizetype>(1, count / 60)));
    delay->setRange(100, 5000);
    delay->setSingleStep(100);
    delay->setSuffix(tr(" ms"));
    delay->setValue(700);
    auto *frames = new QLabel;
    auto updateFrames = [=] {
        StepExportRequest r;
        r.from = std::min(from->value(), to->value());
        r.to = std::max(from->value(), to->value());
        r.every = every->value();
        frames->setText(
            tr("%n frame(s) or page(s)", nullptr, static_cast<int>(exportPositions(r).size())));
    };
    for (QSpinBox *box : {from, to, every})
        connect(box, &QSpinBox::valueChanged, &dialog, updateFrames);
    updateFrames();
    form->addRow(tr("From step:"), from);
    form->addRow(tr("To step:"), to);
    form->addRow(tr("Every Nth step:"), every);
    form->addRow(tr("GIF: each step shows for:"), delay);
    form->addRow(tr("Output:"), frames);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel);
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;

    StepExportRequest request;
    request.from = std::min(from->value(), to->value());
    request.to = std::max(from->value(), to->value());
    request.every = every->value();
    request.frameMs = delay->value();
    const QString suggested =
        m_currentId + (page->objectName().isEmpty() ? QString() : "-" + page->objectName()) +
        "-steps.gif";
    request.path =
        QFileDialog::getSaveFileName(this, tr("Export Steps"), suggested,
                                     tr("Animated GIF (*.gif);;PDF, one page per step (*.pdf)"));
    if (request.path.isEmpty())
        return;
    const QList<qsizetype> positions = exportPositions(request);
    QProgressDialog progress(
        tr("Exporting %n step(s)…", nullptr, static_cast<int>(positions.size())), tr("Cancel"), 0,
        static_cast<int>(positions.size()), this);
    progress.setWindowModality(Qt::WindowModal);
    progress.setMinimumDuration(300);
    QString error;
    bool cancelled = false;
    const bool ok = wb::shell::exportSteps(
        page, controller, request,
        [&progress](int done, int) {
            progress.setValue(done);
            return !progress.wasCanceled();
        },
        &error, &cancelled);
    progress.reset();
    if (ok)
        statusBar()->showMessage(tr("Saved %1").arg(request.path), 5000);
    else if (cancelled)
        statusBar()->showMessage(tr("Export cancelled; nothing was written"), 5000);
    else
        QMessageBox::warning(this, tr("Export failed"), error);
}

void MainWindow::showShortcuts()
{
    QMessageBox::information(
        this, tr("Keyboard Shortcuts"),
        tr("<p>Each step key has a second key that works wherever the focus is, even in a "
           "text field, a list or a table.</p><table cellpadding=3>"
           "<tr><td><b>Space</b> or <b>F5</b></td><td>play / pause</td></tr>"
           "<tr><td><b>→ / ←</b> or <b>Alt+→ / Alt+←</b></td><td>step forward / back</td></tr>"
           "<tr><td><b>Home / End</b> or <b>Alt+Home / Alt+End</b></td>"
           "<td>jump to start / end</td></tr>"
           "<tr><td><b>+ / −</b> or <b>Alt++ / Alt+−</b></td>"
           "<td>faster / slower (0.25× to 64×)</td></tr>"
           "<tr><td><b>Tab / Shift+Tab</b></td><td>the next / previous control of the "
           "view</td></tr>"
           "<tr><td><b>F11</b></td><td>presentation mode</td></tr>"
           "<tr><td><b>F6 / F7 / F8</b></td><td>show or hide topics / lesson / source</td></tr>"
           "<tr><td><b>Ctrl+Shift+D</b></td><td>dark palette</td></tr>"
           "<tr><td><b>Ctrl+0 … Ctrl+9</b></td><td>home, then each topic</td></tr>"
           "<tr><td><b>Ctrl+O</b> / <b>Ctrl+S</b></td><td>open / save a recording of the "
           "run</td></tr>"
           "<tr><td><b>Ctrl+L</b></td><td>open a lesson script; then PageDown / PageUp step "
           "and change slides, B blanks the screen</td></tr>"
           "<tr><td><b>Ctrl+E</b></td><td>export the view (PNG, SVG, PDF)</td></tr>"
           "<tr><td><b>Ctrl+Shift+E</b></td><td>export a range of steps (animated GIF, or a "
           "PDF with a page per step)</td></tr>"
           "<tr><td><b>Ctrl+Q</b></td><td>quit</td></tr></table>"));
}

void MainWindow::showAbout()
{
    QMessageBox::about(this, tr("About Internals Workbench"),
                       tr("<h3>Internals Workbench %1</h3><p>Real implementations of hash "
                          "functions, ciphers, Python's list and locks, a message broker and a "
                          "cloud's launch path, recorded as they run so you can step through "
                          "them.</p><p>Qt %2</p>")
                           .arg(QCoreApplication::applicationVersion(), qVersion()));
}

} // namespace wb::shell
