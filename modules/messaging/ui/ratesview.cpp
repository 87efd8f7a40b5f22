#include "ratesview.h"
#include "runpanel.h"
#include "topologyview.h"

#include "workbench/ui/plot.h"
#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/theme.h"

#include <QEvent>
#include <QHeaderView>
#include <QLabel>
#include <QSplitter>
#include <QTabWidget>
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

// A rate's line whose legend entry also shows the marker its points carry (the markers are
// a separate graph, placed differently for each rate).
class RateGraph : public QCPGraph
{
public:
    using QCPGraph::QCPGraph;
    QCPScatterStyle marker;

protected:
    void drawLegendIcon(QCPPainter *painter, const QRectF &rect) const override
    {
        QCPGraph::drawLegendIcon(painter, rect);
        marker.applyTo(painter, pen());
        marker.drawShape(painter, rect.center());
    }
};

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
    view->setTabKeyNavigation(false); // Tab moves on to the next control, arrows within
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    return view;
}

} // namespace

RatesPage::RatesPage(std::shared_ptr<MessagingSession> session, QWidget *parent)
    : MessagingPage(session, parent), m_runPanel(new RunPanel(session)),
      m_plot(new wb::ui::SettlingPlot),
      m_exchanges(new RowsModel({tr("name"), tr("type"), tr("durable"), tr("auto_delete")}, this)),
      m_queues(new RowsModel({tr("name"), tr("messages_ready"), tr("messages_unacknowledged"),
                              tr("consumers"), tr("durable")},
                             this)),
      m_bindings(new RowsModel({tr("source"), tr("destination"), tr("routing key")}, this)),
      m_note(new QLabel)
{
    wb::ui::setupPlot(m_plot, tr("seconds since the run started"), tr("queue depth (messages)"));
    m_plot->setAccessibleName(tr("Queue depths and rates"));
    m_plot->setAccessibleDescription(
        tr("Each queue's depth over the run on the left axis (filled steps) and the publish, "
           "deliver and ack rates per second on the right axis (lines with markers); a "
           "vertical line marks the cursor."));
    // Rates have their own axis on the right: messages per second are not queue depths.
    m_plot->yAxis2->setVisible(true);
    m_plot->yAxis2->setLabel(tr("rate (messages/s)"));
    m_plot->yAxis2->setTickLabelColor(m_plot->yAxis->tickLabelColor());
    m_plot->yAxis2->setLabelColor(m_plot->yAxis->labelColor());
    m_plot->yAxis2->setBasePen(m_plot->yAxis->basePen());
    m_plot->yAxis2->setTickPen(m_plot->yAxis->tickPen());
    m_plot->yAxis2->setSubTickPen(m_plot->yAxis->subTickPen());
    m_plot->yAxis2->setTickLabelFont(m_plot->yAxis->tickLabelFont());
    m_plot->yAxis2->setLabelFont(m_plot->yAxis->labelFont());
    // The legend goes in a row of its own under the axes, where it never covers a line.
    if (m_plot->axisRect()->insetLayout()->take(m_plot->legend)) {
        m_plot->axisRect()->insetLayout()->simplify();
        m_plot->plotLayout()->addElement(1, 0, m_plot->legend);
        m_plot->plotLayout()->setRowStretchFactor(1, 0.001);
        m_plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
        m_plot->legend->setWrap(3);
        m_plot->legend->setBorderPen(Qt::NoPen);
        m_plot->legend->setMargins(QMargins(4, 0, 4, 6));
    }
    // Most of the page's height: a dozen lines of text at the least.
    m_plot->setMinimumHeight(fontMetrics().height() * 12);
    m_cursor = wb::ui::cursorLine(m_plot);
    m_note->setWordWrap(true);
    m_note->setAlignment(Qt::AlignTop | Qt::AlignLeft);

    // Under the plot: the rabbitmqctl lists as tabs (list_queues first: it is what the plot
    // shows), and under them a note on what they are.
    auto *tables = new QTabWidget;
    tables->setAccessibleName(tr("Broker objects"));
    tables->setDocumentMode(true);
    auto addTable = [&](RowsModel *model, const QString &name, const QString &what) {
        QTableView *view = tableFor(model);
        view->setAccessibleName(name);
        view->setAccessibleDescription(what);
        view->setMinimumHeight(view->horizontalHeader()->sizeHint().height() +
                               view->verticalHeader()->defaultSectionSize() * 3 + 4);
        tables->addTab(view, name);
    };
    addTable(m_queues, tr("list_queues"),
             tr("Each queue with its ready and unacknowledged messages, consumers and "
                "durability, at the cursor"));
    addTable(m_exchanges, tr("list_exchanges"),
             tr("Each exchange with its type, durability and auto-delete flag, at the cursor"));
    addTable(m_bindings, tr("list_bindings"),
             tr("Each binding: source exchange, destination queue and routing key, at the "
                "cursor"));
    auto *split = new QSplitter(Qt::Vertical);
    split->setChildrenCollapsible(false);
    split->addWidget(m_plot);
    split->addWidget(tables);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    split->setSizes({3000, 1000}); // in proportion: three quarters for the plot

    auto *col = new QVBoxLayout(this);
    col->addWidget(m_runPanel);
    col->addWidget(split, 1);
    col->addWidget(m_note);

    MessagingSession *s = m_session;
    // The end of a run settles the rates without moving the cursor: draw them once more.
    connect(s, &MessagingSession::runFinished, this, &RatesPage::requestRefresh);
    connect(s, &MessagingSession::runStarted, this, &ModulePage::lessonChanged);
    connect(s, &MessagingSession::settingsApplied, this, &ModulePage::lessonChanged);
    // A recording's trace replaces the run's: its rates were read whole (the session did that
    // first), so the plot is drawn again even where the cursor did not move.
    connect(s, &wb::ui::TraceSession::traceReplaced, this, &RatesPage::requestRefresh);
    connect(s, &MessagingSession::positionChanged, this, &ModulePage::highlightsChanged);
    m_paletteBase = palette().color(QPalette::Base).rgba();
    m_session->ensureOpeningExample();
}

void RatesPage::changeEvent(QEvent *event)
{
    ModulePage::changeEvent(event);
    // The series in the new palette's colours, when they changed (not when the page merely
    // moved into a parent).
    const QRgb base = palette().color(QPalette::Base).rgba();
    if (event->type() != QEvent::PaletteChange || base == m_paletteBase)
        return;
    m_paletteBase = base;
    requestRefresh();
}

void RatesPage::refresh()
{
    refreshTables();
    redrawPlot();
}

void RatesPage::refreshTables()
{
    const MessagingState &s = m_session->stateAtCursor();
    m_exchanges->setRows(exchangeRows(s));
    m_queues->setRows(queueRows(s));
    m_bindings->setRows(bindingRows(s));
    m_note->setText(
        m_session->isEmbedded()
            ? tr("The broker at the cursor, as rabbitmqctl lists it: list_queues name "
                 "messages_ready messages_unacknowledged consumers durable (plain list_queues "
                 "prints their sum as messages).")
            : tr("AMQP cannot list a broker's objects: these are what this session declared, "
                 "with ready counts from passive declares. On the broker's host: rabbitmqctl "
                 "list_queues name messages_ready messages_unacknowledged."));
}

void RatesPage::redrawPlot()
{
    const RateSeries &r = m_session->rates();
    const double bucketSeconds = static_cast<double>(r.bucketNs) / 1e9;
    m_plot->clearGraphs();
    // Depths are filled steps on the left axis; rates are lines with markers on the right,
    // each with its own width, dash and marker, so one that runs on top of another (deliver
    // and ack when consumers keep up) still shows.
    const double pen = wb::ui::fontScale();
    int index = 0;
    double maxDepth = 1, maxRate = 1;
    for (const auto &[queue, series] : r.depth) {
        auto *g = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis);
        g->setName(tr("%1 depth").arg(QString::fromStdString(queue)));
        QColor colour = wb::ui::seriesColor(index++);
        g->setPen(QPen(colour, 2.2 * pen));
        colour.setAlpha(45);
        g->setBrush(colour);
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
        double width;
        QCPScatterStyle::ScatterShape marker;
        double size; // hollow markers of three sizes stay apart where the lines coincide
    };
    // Colours apart from the depths' and from the cursor line (the highlight colour).
    auto rateColour = [&](int i) {
        return i == 0   ? wb::ui::seriesColor(3)
               : i == 1 ? wb::ui::seriesColor(5)
                        : m_plot->palette().color(QPalette::Text);
    };
    const Rate rates[] = {{tr("publish /s"), &RateSeries::Bucket::published, Qt::SolidLine, 4.5,
                           QCPScatterStyle::ssCircle, 15},
                          {tr("deliver /s"), &RateSeries::Bucket::delivered, Qt::DashLine, 2.2,
                           QCPScatterStyle::ssTriangle, 10},
                          {tr("ack /s"), &RateSeries::Bucket::acked, Qt::DotLine, 1.4,
                           QCPScatterStyle::ssSquare, 5}};
    // Rates over a one-second window, so a few messages a second do not read as spikes.
    const int window = std::max(1, static_cast<int>(std::lround(1.0 / bucketSeconds)));
    // About a dozen markers along each line, at different points for each rate.
    const int markerEvery = std::max<int>(1, static_cast<int>(r.buckets.size() / 12));
    int rateIndex = 0;
    for (const Rate &rate : rates) {
        auto *g = new RateGraph(m_plot->xAxis, m_plot->yAxis2);
        g->setName(rate.name);
        const QColor colour = rateColour(rateIndex);
        g->setPen(QPen(colour, rate.width * pen, rate.style));
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
        // The markers: a second graph with the same points, thinned out and shifted for each
        // rate, drawn without a line and left out of the legend.
        auto *marks = m_plot->addGraph(m_plot->xAxis, m_plot->yAxis2);
        marks->setLineStyle(QCPGraph::lsNone);
        marks->setScatterStyle(
            QCPScatterStyle(rate.marker, QPen(colour, 1.6 * pen), Qt::NoBrush, rate.size * pen));
        QVector<double> mx, my;
        const int offset = rateIndex++ * markerEvery / 3;
        for (int i = offset; i < x.size(); i += markerEvery) {
            mx << x[i];
            my << y[i];
        }
        marks->setData(mx, my, true);
        marks->removeFromLegend();
        g->marker = marks->scatterStyle();
    }
    const double end =
        std::max(4 * bucketSeconds, static_cast<double>(r.buckets.size()) * bucketSeconds);
    m_plot->xAxis->setRange(0, end);
    m_plot->yAxis->setRange(0, maxDepth * 1.15);
    m_plot->yAxis2->setRange(0, maxRate * 1.15);
    const auto pos = static_cast<std::size_t>(std::max<qint64>(0, m_session->position()));
    const double cursorX = m_session->trace() && pos > 0
                               ? static_cast<double>(m_session->trace()->at(pos - 1).tNs) / 1e9
                               : 0.0;
    wb::ui::moveCursorLine(m_cursor, cursorX);
    fitLegend();
    m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void RatesPage::fitLegend()
{
    // As many entries on a line as the plot's width holds (the legend's columns are as wide
    // as their widest entry), so a wide plot spends one line on it, not two.
    QCPLegend *legend = m_plot->legend;
    const QFontMetrics fm(legend->font());
    int widest = 0;
    for (int i = 0; i < legend->itemCount(); ++i)
        if (auto *item = qobject_cast<QCPPlottableLegendItem *>(legend->item(i)))
            widest = std::max(widest, fm.horizontalAdvance(item->plottable()->name()));
    const int entry = widest + legend->iconSize().width() + legend->iconTextPadding() +
                      legend->columnSpacing() + 16;
    const int perLine =
        std::clamp(m_plot->width() / std::max(1, entry), 1, std::max(1, legend->itemCount()));
    if (perLine != legend->wrap())
        legend->setWrap(perLine);
}

void RatesPage::resizeEvent(QResizeEvent *event)
{
    ModulePage::resizeEvent(event);
    const int wrap = m_plot->legend->wrap();
    fitLegend();
    if (wrap != m_plot->legend->wrap())
        m_plot->replot(QCustomPlot::rpQueuedReplot);
}

QString RatesPage::lessonMarkdown() const
{
    return lessonFor(QStringLiteral("rates"), m_session->preset());
}

QStringList RatesPage::sourceFiles() const
{
    return messagingSources();
}

} // namespace wb::messaging::ui
