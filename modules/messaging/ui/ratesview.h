#pragma once
// Rates and tables: each queue's depth and the publish / deliver / ack rates over time
// (QCustomPlot, a cursor line at the transport position), and beside them the broker as
// rabbitmqctl lists it at the cursor: list_exchanges, list_queues (ready and unacked) and
// list_bindings.

#include "session.h"

#include "workbench/ui/session.h"

#include <QAbstractTableModel>

#include <memory>

class QCustomPlot;
class QCPItemStraightLine;
class QLabel;
class QTableView;

namespace wb::messaging::ui {

class RunPanel;

// A table of text cells replaced as a whole; rows keep their place when the count is the same.
class RowsModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    explicit RowsModel(QStringList headers, QObject *parent = nullptr);
    void setRows(QList<QStringList> rows);
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role) const override;
    QVariant headerData(int section, Qt::Orientation o, int role) const override;
    QString cell(int row, int column) const;
    // The row whose first cell is `key`, or -1.
    int findRow(const QString &key) const;

private:
    QStringList m_headers;
    QList<QStringList> m_rows;
};

// Rows as rabbitmqctl prints them, from the state at the cursor.
QList<QStringList> exchangeRows(const MessagingState &s);
QList<QStringList> queueRows(const MessagingState &s);
QList<QStringList> bindingRows(const MessagingState &s);

class RatesPage : public MessagingPage
{
    Q_OBJECT
public:
    explicit RatesPage(std::shared_ptr<MessagingSession> session, QWidget *parent = nullptr);

    QString lessonMarkdown() const override;
    QStringList sourceFiles() const override;

    RowsModel *exchanges() const { return m_exchanges; }
    RowsModel *queues() const { return m_queues; }
    RowsModel *bindings() const { return m_bindings; }
    QCustomPlot *plot() const { return m_plot; }

protected:
    void refresh() override; // the tables and the plot, at the cursor
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    void redrawPlot();
    void fitLegend();
    void refreshTables();
    QRgb m_paletteBase = 0; // the Base colour the plot was last coloured for

    RunPanel *m_runPanel;
    QCustomPlot *m_plot;
    QCPItemStraightLine *m_cursor;
    RowsModel *m_exchanges;
    RowsModel *m_queues;
    RowsModel *m_bindings;
    QLabel *m_note;
};

} // namespace wb::messaging::ui
