#pragma once
// The timeline: one lane per thread over the trace (running, blocked on a lock, waiting on a
// condition, sleeping, done), an arrow from each release or notify to the wake-up it caused,
// the cursor, the scenario's console beside it and, for the fetch scenarios, output.txt with
// every byte coloured by the thread that wrote it.

#include "session.h"

#include "workbench/ui/modulepage.h"

#include <QAbstractListModel>

#include <memory>

class QLabel;
class QListView;

namespace wb::ui {
class TraceTable;
}

namespace wb::threads::ui {

class RunBar;

// Colour of thread `number` wherever a thread is named (labels, bytes, highlights).
QColor threadColor(int number);

class TimelineCanvas : public QWidget
{
    Q_OBJECT
public:
    explicit TimelineCanvas(ThreadsSession *session, QWidget *parent = nullptr);
    QSize minimumSizeHint() const override { return {420, 200}; }

    // The visible range of trace positions; empty (0, 0) means "fit everything".
    void setRange(double first, double last);
    void fit();
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

private:
    double xOf(double position) const;
    double positionAt(double x) const;
    QRectF plotRect() const;

    ThreadsSession *m_session;
    bool m_fit = true;
    double m_first = 0, m_last = 1;
    bool m_dragging = false;
    double m_dragX = 0, m_dragFirst = 0;
    bool m_moved = false;
    int m_painted = 0;
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
};

// output.txt at the cursor, each byte on the colour of its writer.
class FileBytesView : public QWidget
{
    Q_OBJECT
public:
    explicit FileBytesView(QWidget *parent = nullptr);
    void setFile(const std::string &bytes, const std::vector<int> &writers);
    QSize sizeHint() const override { return {320, 130}; }

protected:
    void paintEvent(QPaintEvent *) override;

private:
    std::string m_bytes;
    std::vector<int> m_writers;
};

class TimelinePage : public wb::ui::ModulePage
{
    Q_OBJECT
public:
    explicit TimelinePage(std::shared_ptr<ThreadsSession> session, QWidget *parent = nullptr);
    ~TimelinePage() override;

    wb::ui::StepController *controller() const override;
    QString lessonMarkdown() const override;
    QStringList sourceFiles() const override;
    QList<wb::ui::SourceHighlight> sourceHighlights() const override;
    void shutdown() override;

    ThreadsSession *session() const { return m_session.get(); }
    RunBar *runBar() const { return m_runBar; }
    TimelineCanvas *canvas() const { return m_canvas; }
    QStringList consoleLines() const; // as shown, up to the cursor

protected:
    void showEvent(QShowEvent *event) override;

private:
    void redraw();
    // A page the learner has seen and then left (another tab) redraws when shown again.
    bool m_shown = false;
    bool m_stale = false;

    std::shared_ptr<ThreadsSession> m_session;
    RunBar *m_runBar;
    TimelineCanvas *m_canvas;
    ConsoleModel *m_console;
    QListView *m_consoleView;
    QLabel *m_fileTitle;
    FileBytesView *m_file;
    wb::ui::TraceTable *m_table;
    QString m_lessonScenario;
};

// Lesson text of a view followed by the notes of the scenario being shown.
QString lessonWithScenario(const QString &viewLesson, const QString &scenario);
// One highlight per live thread at the cursor, the current event's thread first.
QList<wb::ui::SourceHighlight> threadHighlights(ThreadsSession &session);
QStringList threadsSources();

} // namespace wb::threads::ui
