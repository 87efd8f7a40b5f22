#pragma once
// Every event of a trace in a table (step, thread, kind, what happened), following the cursor:
// the current event is selected and kept in view; double-clicking a row, or moving to it with
// Up, Down, Page Up or Page Down while the table has the focus, moves the cursor there.
// The model reads the trace lazily, so a million events cost nothing until scrolled to. The
// Thread column shows only once some event was recorded on a thread other than 0.

#include <QAbstractTableModel>
#include <QPointer>
#include <QTableView>

namespace wb::ui {

class StepController;

class TraceModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Step, Thread, Kind, Label, ColumnCount };

    explicit TraceModel(QObject *parent = nullptr);
    void setController(StepController *controller);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;
    // True once an event of the trace names a thread (checked incrementally as rows arrive).
    bool hasThreads() const { return m_hasThreads; }

signals:
    void hasThreadsChanged(bool hasThreads);

private:
    void resync();
    void scanThreads();

    QPointer<StepController> m_controller;
    int m_rows = 0;
    int m_scanned = 0; // rows already checked for a thread
    bool m_hasThreads = false;
    qsizetype m_position = 0;
};

class TraceTable : public QTableView
{
    Q_OBJECT
public:
    explicit TraceTable(QWidget *parent = nullptr);
    void setController(StepController *controller);

protected:
    void keyPressEvent(QKeyEvent *event) override;

private:
    void follow();

    TraceModel *m_model;
    QPointer<StepController> m_controller;
};

} // namespace wb::ui
