#pragma once
// The timeline: one lane per thread over the trace (running, blocked on a lock, waiting on a
// condition, sleeping, done), an arrow from each release or notify to the wake-up it caused,
// the cursor, the scenario's console beside it and, for the fetch scenarios, output.txt with
// every byte coloured by the thread that wrote it.

#include "session.h"

#include "workbench/ui/session.h"

#include <QAbstractListModel>
#include <QColor>
#include <QPalette>

#include <map>
#include <memory>

class QLabel;
class QListView;

namespace wb::ui {
class AdaptiveSplit;
class TraceTable;
} // namespace wb::ui

namespace wb::threads::ui {

class RunBar;

// Colour of thread `number` wherever a thread is named (labels, bytes, highlights).
QColor threadColor(int number);
// Colour of a thread state (running, blocked, waiting, sleeping, done).
QColor stateColor(ThreadState state);
// How a thread state is filled: its colour plus a pattern of its own, so the states differ
// without colour too: running solid, blocked cross-hatched, waiting striped, sleeping dotted
// (done is drawn as a thin bar). The pattern grows with presentation mode's font scale.
QBrush stateBrush(ThreadState state);
// A legend swatch of `state`, `size` large, filled as the lanes and bars are.
QPixmap stateSwatch(ThreadState state, QSize size);

// `color` made readable as text or a line on every background the threads views draw on
// (the palette's Base, AlternateBase and Window): a contrast of at least 4.5:1 on each.
QColor readableInk(const QColor &color, const QPalette &palette);
// The colours the threads views draw text and lines with, from the palette and the theme's
// state colours in use: taken at paint time, so a palette switch is followed. Each keeps
// 4.5:1 against Base, AlternateBase and Window.
struct Inks
{
    QColor text;
    QColor muted;   // secondary text: axis numbers, empty notes, idle rows
    QColor grid;    // the timeline's step lines, the inspector's cards
    QColor release; // a release's wake-up arrow
    QColor notify;  // a notify's wake-up arrow (also dashed)
    QColor error;   // deadlocks, script errors
};
Inks inks(const QPalette &palette);
// Thread `number`'s colour as text (console lines, lane labels).
QColor threadInk(int number, const QPalette &palette);
// The outline drawn around a bar or swatch filled with stateBrush(state).
QColor stateOutline(ThreadState state, const QPalette &palette);
// The fill of a byte of output.txt written by thread `writer`, and of a script line a thread
// is on: the thread's colour, light enough that palette Text on it keeps 4.5:1.
QColor threadTint(int writer, const QPalette &palette);
// The colour a palette role would show, with any translucency flattened onto Base.
QColor opaqueRole(const QPalette &palette, QPalette::ColorRole role);

class TimelineCanvas : public QWidget
{
    Q_OBJECT
public:
    explicit TimelineCanvas(ThreadsSession *session, QWidget *parent = nullptr);
    // Room for a readable drawing; more width spreads the steps out.
    QSize minimumSizeHint() const override;
    QSize sizeHint() const override;

    // The visible range of trace positions; empty (0, 0) means "fit everything".
    void setRange(double first, double last);
    void fit();
    // Repaints, and asks the layout for more height when the run has more threads.
    void refresh();
    double firstVisible() const;
    double lastVisible() const;
    // How many items the last paint drew (lane pieces + arrows): the cost of a frame.
    int lastPaintedItems() const { return m_painted; }

protected:
    void paintEvent(QPaintEvent *) override;
    void wheelEvent(QWheelEvent *) override;
    void mousePressEvent(QMouseEvent *) override;
    void mouseMoveEvent(QMouseEvent *) override;
    void mouseReleaseEvent(QMouseEvent *) override;
    void mouseDoubleClickEvent(QMouseEvent *) override;
    void resizeEvent(QResizeEvent *) override;
    void changeEvent(QEvent *) override;

private:
    double xOf(double position) const;
    double positionAt(double x) const;
    // The lanes' rectangle as last laid out (xOf() runs once per segment, so it must not
    // measure fonts); layOutPlot() measures it again.
    QRectF plotRect() const { return m_plotRect; }
    void layOutPlot();
    // The parts of the drawing, sized from the font and the widget's size.
    int labelWidth() const;
    int headerHeight() const;
    QFont smallFont() const;

    ThreadsSession *m_session;
    bool m_fit = true;
    double m_first = 0, m_last = 1;
    bool m_dragging = false;
    double m_dragX = 0, m_dragFirst = 0;
    bool m_moved = false;
    int m_painted = 0;
    int m_legendHeight = 0; // the legend's lines as last laid out
    QRectF m_plotRect;
    std::size_t m_lanes = 0;                          // lanes the size hints were given for
    std::vector<std::pair<int, QRectF>> m_labelRects; // each lane's label, as last painted
};

// The console lines recorded before the cursor.
class ConsoleModel : public QAbstractListModel
{
    Q_OBJECT
public:
    explicit ConsoleModel(ThreadsSession *session, QObject *parent = nullptr);
    int rowCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    void sync(); // follows the session's cursor and trace

private:
    ThreadsSession *m_session;
    int m_rows = 0;
    const void *m_trace = nullptr;
    // Each writer's ink for the palette whose cacheKey() is m_inkPalette: the list asks for
    // every row's colour when it lays out, and finding a readable shade is not free.
    mutable std::map<int, QColor> m_inks;
    mutable qint64 m_inkPalette = 0;
};

// output.txt at the cursor, each byte on the colour of its writer.
class FileBytesView : public QWidget
{
    Q_OBJECT
public:
    explicit FileBytesView(QWidget *parent = nullptr);
    // `reserve` is the length of the file at the newest event of the run: the height kept
    // for it, so stepping back and forth does not make the page jump. It comes from the
    // trace, not from the steps shown before, so a reopened recording lays out the same.
    void setFile(const std::string &bytes, const std::vector<int> &writers, std::size_t reserve);
    QSize sizeHint() const override;
    // Tall enough for every byte at the width it gets.
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;

protected:
    void paintEvent(QPaintEvent *) override;

private:
    QFont monoFont() const;
    std::string m_bytes;
    std::vector<int> m_writers;
    std::size_t m_reserve = 0; // the file's length at the run's newest event
};

class TimelinePage : public wb::ui::SessionPage
{
    Q_OBJECT
public:
    explicit TimelinePage(std::shared_ptr<ThreadsSession> session, QWidget *parent = nullptr);
    ~TimelinePage() override;

    QString lessonMarkdown() const override;
    QStringList sourceFiles() const override;
    QList<wb::ui::SourceHighlight> sourceHighlights() const override;
    void shutdown() override;
    // Recordings: the shared run's settings (threads/core/recording.h), its trace and cursor;
    // opening one restores the run on every page of the module without running anything.
    wb::Recording recording() const override;
    bool showRecording(const wb::Recording &recording, QString *error) override;

    ThreadsSession *session() const { return m_session.get(); }
    RunBar *runBar() const { return m_runBar; }
    TimelineCanvas *canvas() const { return m_canvas; }
    QStringList consoleLines() const; // as shown, up to the cursor

protected:
    void refresh() override;
    bool keepsRecordings() const override { return true; }
    std::vector<std::pair<std::string, std::string>> recordingSettings() const override;
    bool acceptsEvent(const wb::Event &event) const override;
    void changeEvent(QEvent *event) override;

private:
    // The console's width beside the timeline, from the font (presentation mode grows it).
    void sizeSidePanel();

    std::shared_ptr<ThreadsSession> m_session;
    RunBar *m_runBar;
    TimelineCanvas *m_canvas;
    ConsoleModel *m_console;
    QListView *m_consoleView;
    QLabel *m_fileTitle;
    FileBytesView *m_file;
    QWidget *m_fileBox;
    wb::ui::AdaptiveSplit *m_across;
    wb::ui::TraceTable *m_table;
    QString m_lessonScenario;
};

// Lesson text of a view followed by the notes of the scenario being shown.
QString lessonWithScenario(const QString &viewLesson, const QString &scenario);
// One highlight per live thread at the cursor, the current event's thread first.
QList<wb::ui::SourceHighlight> threadHighlights(ThreadsSession &session);
QStringList threadsSources();

} // namespace wb::threads::ui
