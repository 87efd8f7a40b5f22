#include "ratesview.h"
#include "runpanel.h"
#include "topologyview.h"

#include "workbench/ui/plot.h"
#include "workbench/ui/stepcontroller.h"

#include <QGroupBox>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

namespace wb::messaging::ui {

RowsModel::RowsModel(QStringList headers, QObject *parent)
    : QAbstractTableModel(parent), m_headers(std::move(headers))
{}

void RowsModel::setRows(QList<QStringList> rows)
{
    if (rows.size() != m_rows.size()) {
        beginResetModel();
        m_rows = std::move(rows);
        endResetModel();
        return;
    }
    if (rows == m_rows)
        return;
    m_rows = std::move(rows);
    emit dataChanged(index(0, 0), index(rowCount() - 1, columnCount() - 1));
}

int RowsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int RowsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_headers.size());
}

QVariant RowsModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid())
        return {};
    if (role == Qt::DisplayRole)
        return cell(index.row(), index.column());
    if (role == Qt::TextAlignmentRole) {
        bool number = false;
        cell(index.row(), index.column()).toLongLong(&number);
        return number ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    }
    return {};
}

QVariant RowsModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o == Qt::Horizontal && role == Qt::DisplayRole && section < m_headers.size())
        return m_headers.at(section);
    return {};
}

QString RowsModel::cell(int row, int column) const
{
    if (row < 0 || row >= m_rows.size() || column < 0 || column >= m_rows.at(row).size())
        return {};
    return m_rows.at(row).at(column);
}

int RowsModel::findRow(const QString &key) const
{
    for (int i = 0; i < m_rows.size(); ++i)
        if (!m_rows.at(i).isEmpty() && m_rows.at(i).first() == key)
            return i;
    return -1;
}

// ---------------------------------------------------------------------------------------------

QList<QStringList> exchangeRows(const MessagingState &s)
{
    QList<QStringList> rows;
    for (const auto &[name, x] : s.exchanges)
        rows << QStringList{QString::fromStdString(name), QString::fromStdString(x.type),
                            x.durable ? QStringLiteral("true") : QStringLiteral("false"),
                            x.autoDelete ? QStringLiteral("true") : QStringLiteral("false")};
    return rows;
}

QList<QStringList> queueRows(const MessagingState &s)
{
    QList<QStringList> rows;
    for (const auto &[name, q] : s.queues) {
        int consumers = 0;
        for (const auto &[tag, c] : s.consumers)
            consumers += c.queue == name;
        rows << QStringList{QString::fromStdString(name), QString::number(q.ready),
                            QString::number(q.unacked), QString::number(consumers),
                            q.durable ? QStringLiteral("true") : QStringLiteral("false")};
    }
    return rows;
}

QList<QStringList> bindingRows(const MessagingState &s)
{
    QList<QStringList> rows;
    // The default exchange binds every queue by its own name, as list_bindings shows.
    for (const auto &[name, q] : s.queues)
        rows << QStringList{QString(), QString::fromStdString(name), QString::fromStdString(name)};
    for (const auto &b : s.bindings)
        rows << QStringList{QString::fromStdString(b.exchange), QString::fromStdString(b.queue),
                            QString::fromStdString(b.key)};
    return rows;
}

namespace {

QTableView *tableFor(RowsModel *model)
{
    auto *view = new QTableView;
    view->setModel(model);
    view->verticalHeader()->hide();
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    view->setSelectionMode(QAbstractItemView::NoSelection);
    view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view->setAlternatingRowColors(true);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    return view;
}

QWidget *titled(const QString &title, QWidget *inner)
{
    auto *box = new QGroupBox(title);
    auto *l = new QVBoxLayout(box);
    l->setContentsMargins(4, 4, 4, 4);
    l->addWidget(inner);
    return box;
}

} // namespace

RatesPage::RatesPage(std::shared_ptr<MessagingSession> session, QWidget *parent)
    : ModulePage(parent), m_session(std::move(session)), m_runPanel(new RunPanel(m_session)),
      m_plot(new QCustomPlot),
      m_exchanges(new RowsModel({tr("name"), tr("type"), tr("durable"), tr("auto_delete")}, this)),
      m_queues(new RowsModel({tr("name"), tr("messages_ready"), tr("messages_unacknowledged"),
                              tr("consumers"), tr("durable")},
                             this)),
      m_bindings(new RowsModel({tr("source"), tr("destination"), tr("routing key")}, this)),
      m_note(new QLabel)
{
    wb::ui::setupPlot(m_plot, tr("seconds since the run started"), tr("messages in the queue"));
    m_plot->yAxis2->setVisible(true);
    m_plot->yAxis2->setLabel(tr("messages per second"));
    m_plot->yAxis2->setTickLabelColor(m_plot->yAxis->tickLabelColor());
    m_plot->yAxis2->setLabelColor(m_plot->yAxis->labelColor());
    m_plot->yAxis2->setBasePen(m_plot->yAxis->basePen());
    m_plot->yAxis2->setTickPen(m_plot->yAxis->tickPen());
    m_plot->yAxis2->setSubTickPen(m_plot->yAxis->subTickPen());
    // The legend goes in a row of its own under the axes, where it never covers a line.
    if (m_plot->axisRect()->insetLayout()->take(m_plot->legend)) {
        m_plot->axisRect()->insetLayout()->simplify();
        m_plot->plotLayout()->addElement(1, 0, m_plot->legend);
        m_plot->plotLayout()->setRowStretchFactor(1, 0.001);
        m_plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
        m_plot->legend->setWrap(3);
        m_plot->legend->setBorderPen(Qt::NoPen);
        m_plot->legend->setMargins(QMargins(4, 0, 4, 2));
    }
    m_plot->setMinimumHeight(240);
    m_cursor = wb::ui::cursorLine(m_plot);
    m_note->setWordWrap(true);

    // list_queues across the page, list_exchanges and list_bindings side by side under it:
    // every column shows at the width of the page beside the lesson.
    auto *lists = new QSplitter(Qt::Horizontal);
    lists->addWidget(titled(tr("list_exchanges"), tableFor(m_exchanges)));
    lists->addWidget(titled(tr("list_bindings"), tableFor(m_bindings)));
    lists->setStretchFactor(0, 3);
    lists->setStretchFactor(1, 2);
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_plot);
    split->addWidget(titled(tr("list_queues"), tableFor(m_queues)));
    split->addWidget(lists);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    split->setStretchFactor(2, 3);

    auto *col = new QVBoxLayout(this);
    col->addWidget(m_runPanel);
    col->addWidget(split, 1);
    col->addWidget(m_note);

    MessagingSession *s = m_session.get();
    connect(s->controller(), &wb::ui::StepController::positionChanged, this, &RatesPage::refresh);
    connect(s->controller(), &wb::ui::StepController::traceReplaced, this, &RatesPage::refresh);
    connect(s, &MessagingSession::traceGrew, this, &RatesPage::refresh);
    connect(s, &MessagingSession::runStarted, this, &ModulePage::lessonChanged);
    connect(s->controller(), &wb::ui::StepController::positionChanged, this,
            &ModulePage::highlightsChanged);
    m_session->ensureOpeningExample();
    refresh();
}

void RatesPage::showEvent(QShowEvent *event)
{
    ModulePage::showEvent(event);
    m_shown = true;
    if (m_stale)
        refresh();
}

void RatesPage::refresh()
{
    refreshTables(); // cheap, and tests read the tables of hidden pages
    if (m_shown && !isVisible()) {
        m_stale = true;
        return;
    }
    m_stale = false;
    redrawPlot();
}

void RatesPage::refreshTables()
{
    const MessagingState &s = m_session->stateAtCursor();
    m_exchanges->setRows(exchangeRows(s));
    m_queues->setRows(queueRows(s));
    m_bindings->setRows(bindingRows(s));
    m_note->setText(m_session->isEmbedded()
                        ? tr("The tables are the broker at the cursor; list_queues with the "
                             "columns name, messages_ready, messages_unacknowledged, consumers "
                             "(plain list_queues shows name and messages, which is ready plus "
                             "unacknowledged).")
                        : tr("AMQP has no method to list a broker's objects: the tables show "
                             "what this session declared and the ready counts of passive "
                             "declares. On the broker's host: rabbitmqctl list_queues name "
                             "messages_ready messages_unacknowledged."));
}

void RatesPage::redrawPlot()
{
    const RateSeries &r = m_session->rates();
    const double bucketSeconds = static_cast<double>(r.bucketNs) / 1e9;
    m_plot->clearGraphs();
    int index = 0;
    double maxDepth = 1, maxRate = 1;
    for (const auto &[queue, series] : r.depth) {
        auto *g = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis);
        g->setName(tr("%1 depth (ready + unacked)").arg(QString::fromStdString(queue)));
        g->setPen(QPen(wb::ui::seriesColor(index++), 2.2));
        g->setLineStyle(QCPGraph::lsStepLeft);
        QVector<double> x, y;
        for (const auto &[bucket, depth] : series) {
            x << static_cast<double>(bucket) * bucketSeconds;
            y << static_cast<double>(depth);
            maxDepth = std::max(maxDepth, static_cast<double>(depth));
        }
        if (!x.isEmpty()) { // hold the last depth to the end of the run
            x << static_cast<double>(r.buckets.size()) * bucketSeconds;
            y << y.last();
        }
        g->setData(x, y, true);
    }
    struct Rate
    {
        QString name;
        std::uint64_t RateSeries::Bucket::*field;
        Qt::PenStyle style;
    };
    const Rate rates[] = {{tr("publish /s"), &RateSeries::Bucket::published, Qt::DashLine},
                          {tr("deliver /s"), &RateSeries::Bucket::delivered, Qt::DotLine},
                          {tr("ack /s"), &RateSeries::Bucket::acked, Qt::DashDotLine}};
    // Rates over a one-second window, so a few messages a second do not read as spikes.
    const int window = std::max(1, static_cast<int>(std::lround(1.0 / bucketSeconds)));
    for (const Rate &rate : rates) {
        auto *g = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis2);
        g->setName(rate.name);
        g->setPen(QPen(wb::ui::seriesColor(index++), 1.6, rate.style));
        QVector<double> x, y;
        std::uint64_t sum = 0;
        for (std::size_t i = 0; i < r.buckets.size(); ++i) {
            sum += r.buckets[i].*rate.field;
            if (i >= static_cast<std::size_t>(window))
                sum -= r.buckets[i - window].*rate.field;
            const double perSecond =
                static_cast<double>(sum) / (std::min<double>(i + 1, window) * bucketSeconds);
            x << static_cast<double>(i + 1) * bucketSeconds;
            y << perSecond;
            maxRate = std::max(maxRate, perSecond);
        }
        g->setData(x, y, true);
    }
    const double end = std::max(1.0, static_cast<double>(r.buckets.size()) * bucketSeconds);
    m_plot->xAxis->setRange(0, end);
    m_plot->yAxis->setRange(0, maxDepth * 1.15);
    m_plot->yAxis2->setRange(0, maxRate * 1.15);
    const auto pos = static_cast<std::size_t>(std::max<qint64>(0, m_session->position()));
    const double cursorX = m_session->trace() && pos > 0
                               ? static_cast<double>(m_session->trace()->at(pos - 1).tNs) / 1e9
                               : 0.0;
    wb::ui::moveCursorLine(m_cursor, cursorX);
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

wb::ui::StepController *RatesPage::controller() const
{
    return m_session->controller();
}

QString RatesPage::lessonMarkdown() const
{
    return lessonFor(QStringLiteral("rates"), m_session->preset());
}

QStringList RatesPage::sourceFiles() const
{
    return messagingSources();
}

void RatesPage::shutdown()
{
    m_session->shutdown();
}

} // namespace wb::messaging::ui
