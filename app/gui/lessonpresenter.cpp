#include "lessonpresenter.h"

#include "mainwindow.h"
#include "stepexport.h"

#include "workbench/ui/modulepage.h"
#include "workbench/ui/stepcontroller.h"

#include <QAbstractSpinBox>
#include <QApplication>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QRegularExpression>
#include <QStatusBar>
#include <QTextEdit>

#include <climits>

namespace wb::shell {

namespace {

// A typing target keeps its letters: B blanks the screen only when no text field has the
// focus.
bool typingInto(const QWidget *w)
{
    if (!w)
        return false;
    if (auto *line = qobject_cast<const QLineEdit *>(w))
        return !line->isReadOnly();
    if (auto *text = qobject_cast<const QTextEdit *>(w))
        return !text->isReadOnly();
    if (auto *plain = qobject_cast<const QPlainTextEdit *>(w))
        return !plain->isReadOnly();
    return qobject_cast<const QAbstractSpinBox *>(w) != nullptr;
}

wb::ui::StepController *controllerOf(MainWindow &window)
{
    wb::ui::ModulePage *page = window.currentPage();
    return page ? page->controller() : nullptr;
}

} // namespace

LessonPresenter::LessonPresenter(MainWindow &window, LessonScript script)
    : QObject(&window), m_window(window), m_script(std::move(script))
{
    m_note = new QLabel(&window);
    m_note->setObjectName(QStringLiteral("LessonNote"));
    m_note->setTextFormat(Qt::MarkdownText);
    m_note->setWordWrap(true);
    m_note->setAutoFillBackground(true);
    m_note->setBackgroundRole(QPalette::ToolTipBase);
    m_note->setForegroundRole(QPalette::ToolTipText);
    m_note->setFrameShape(QFrame::Box);
    m_note->setMargin(10);
    m_note->setAttribute(Qt::WA_TransparentForMouseEvents);
    m_note->hide();
    m_blank = new QWidget(&window);
    m_blank->setObjectName(QStringLiteral("BlankScreen"));
    m_blank->setAutoFillBackground(true);
    QPalette black = m_blank->palette();
    black.setColor(QPalette::Window, Qt::black);
    m_blank->setPalette(black);
    m_blank->hide();
    window.installEventFilter(this);
    qApp->installEventFilter(this);
}

LessonPresenter::~LessonPresenter()
{
    qApp->removeEventFilter(this);
    delete m_note;
    delete m_blank;
}

bool LessonPresenter::showSlide(int index, bool atEnd, QString *error)
{
    if (index < 0 || index >= count())
        return false;
    const LessonSlide &slide = m_script.slides[index];
    QString why;
    bool ok = true;
    if (!slide.recording.isEmpty())
        ok = m_window.openRecording(slide.recording, &why);
    else
        ok = m_window.showModule(slide.module, slide.view);
    if (!ok) {
        if (error)
            *error = tr("slide %1 (%2): %3").arg(index + 1).arg(slide.title, why);
        return false;
    }
    m_index = index;
    m_stepping = false;
    m_from = 0;
    m_to = -1;
    wb::ui::StepController *c = controllerOf(m_window);
    if (c && !slide.steps.isEmpty()) {
        // Checked against a trace as long as it may grow: a live view's run is still going.
        QString ignored;
        if (parseStepRange(slide.steps, LLONG_MAX / 2, &m_from, &m_to, &ignored)) {
            if (slide.steps.trimmed().endsWith(QLatin1Char('-')))
                m_to = -1;
            m_stepping = true;
            c->pause();
            c->seek(atEnd ? stepsEnd() : m_from);
        }
    }
    m_note->setText(slide.note);
    m_note->setVisible(!slide.note.isEmpty() && !isBlank());
    placeOverlays();
    m_window.statusBar()->showMessage(
        tr("Slide %1 of %2: %3. PageDown next, PageUp back, N hides the note, B blanks the "
           "screen.")
            .arg(index + 1)
            .arg(count())
            .arg(slide.title));
    return true;
}

qsizetype LessonPresenter::stepsEnd() const
{
    wb::ui::StepController *c = controllerOf(m_window);
    const qsizetype n = c ? c->count() : 0;
    return m_to < 0 ? n : std::min(m_to, n);
}

void LessonPresenter::next()
{
    wb::ui::StepController *c = controllerOf(m_window);
    if (m_stepping && c && c->position() < stepsEnd()) {
        c->stepForward();
        return;
    }
    if (m_index + 1 < count()) {
        QString error;
        if (!showSlide(m_index + 1, false, &error))
            m_window.statusBar()->showMessage(error);
    } else {
        m_window.statusBar()->showMessage(
            tr("The end of the lesson (slide %1 of %1).").arg(count()));
    }
}

void LessonPresenter::previous()
{
    wb::ui::StepController *c = controllerOf(m_window);
    if (m_stepping && c && c->position() > m_from) {
        c->stepBack();
        return;
    }
    if (m_index > 0) {
        QString error;
        if (!showSlide(m_index - 1, true, &error))
            m_window.statusBar()->showMessage(error);
    }
}

void LessonPresenter::setBlank(bool blank)
{
    m_blank->setVisible(blank);
    m_note->setVisible(!blank && m_index >= 0 && !m_script.slides[m_index].note.isEmpty());
    placeOverlays();
}

bool LessonPresenter::isBlank() const
{
    return m_blank && m_blank->isVisible();
}

QString LessonPresenter::noteText() const
{
    return m_note && m_note->isVisible() ? m_note->text() : QString();
}

void LessonPresenter::placeOverlays()
{
    const QRect all = m_window.rect();
    m_blank->setGeometry(all);
    QWidget *central = m_window.centralWidget();
    const QRect area =
        central ? QRect(central->mapTo(&m_window, QPoint(0, 0)), central->size()) : all;
    // Larger than the window's text, as a slide's words are; in the bottom right corner,
    // where views keep their tables rather than their drawings.
    QFont font = m_window.font();
    font.setPointSizeF(font.pointSizeF() * 1.15);
    m_note->setFont(font);
    const int width = std::max(240, area.width() * 45 / 100);
    m_note->setFixedWidth(width);
    m_note->adjustSize();
    const int margin = 16;
    m_note->move(area.right() - width - margin,
                 std::max(area.top() + margin, area.bottom() - m_note->height() - margin));
    m_note->raise();
    m_blank->raise();
}

bool LessonPresenter::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == &m_window &&
        (event->type() == QEvent::Resize || event->type() == QEvent::LayoutRequest)) {
        placeOverlays();
        return false;
    }
    if (event->type() != QEvent::KeyPress || !m_window.isActiveWindow())
        return false;
    auto *key = static_cast<QKeyEvent *>(event);
    if (key->modifiers() & ~(Qt::KeypadModifier | Qt::ShiftModifier))
        return false;
    const bool blankKey = key->key() == Qt::Key_B && !typingInto(QApplication::focusWidget());
    const bool pageKey = key->key() == Qt::Key_PageDown || key->key() == Qt::Key_PageUp;
    if (isBlank() && (pageKey || blankKey || key->key() == Qt::Key_Escape)) {
        setBlank(false); // the first key after a blank brings the slide back, nothing more
        return true;
    }
    if (blankKey) {
        setBlank(true);
        return true;
    }
    if (key->key() == Qt::Key_N && !typingInto(QApplication::focusWidget()) && m_index >= 0) {
        // The note off and on again: what it covers can be seen.
        m_note->setVisible(!m_note->isVisible() && !m_script.slides[m_index].note.isEmpty());
        placeOverlays();
        return true;
    }
    if (key->key() == Qt::Key_PageDown) {
        next();
        return true;
    }
    if (key->key() == Qt::Key_PageUp) {
        previous();
        return true;
    }
    return false;
}

} // namespace wb::shell
