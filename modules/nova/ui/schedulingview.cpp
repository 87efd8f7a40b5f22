#include "schedulingview.h"
#include "common.h"

#include "workbench/core/trace.h"
#include "workbench/ui/plot.h"
#include "workbench/ui/responsive.h"
#include "workbench/ui/session.h"
#include "workbench/ui/theme.h"

#include <QEvent>
#include <QGridLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QResizeEvent>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <functional>
#include <utility>

namespace wb::nova::ui {

namespace {

// A live session whose poll reports how far the running comparison has got.
class ProgressSession : public wb::ui::TraceSession
{
public:
    ProgressSession(std::function<void()> onPoll, QObject *parent)
        : TraceSession(parent), m_onPoll(std::move(onPoll))
    {}

protected:
    void pollSources() override { m_onPoll(); }

private:
    std::function<void()> m_onPoll;
};

const SchedulerKind kKinds[] = {SchedulerKind::Chance, SchedulerKind::Zone, SchedulerKind::Simple};

QString kindName(int i)
{
    return qs(schedulerName(kKinds[i]));
}

void titled(QCustomPlot *plot, const QString &title)
{
    plot->plotLayout()->insertRow(0);
    auto *text = new QCPTextElement(plot, title, QFont());
    // In the palette's text colour from the start (a palette switch restyles it later).
    text->setTextColor(plot->palette().color(QPalette::WindowText));
    plot->plotLayout()->addElement(0, 0, text);
}

// Each scheduler's bars: its series colour, and a fill pattern of its own so the three differ
// by more than their colour (the legends show both).
void styleSchedulerBars(QCPBars *bars, int scheduler)
{
    static const Qt::BrushStyle patterns[] = {Qt::SolidPattern, Qt::BDiagPattern,
                                              Qt::CrossPattern};
    const QColor c = wb::ui::seriesColor(scheduler);
    bars->setBrush(QBrush(c, patterns[scheduler % 3]));
    bars->setPen(QPen(c, 1.2));
}

// Category ticks ("chance", "zone", "simple" or phase names) on the x axis.
void categories(QCustomPlot *plot, const QStringList &names)
{
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    for (int i = 0; i < names.size(); ++i)
        ticker->addTick(i + 1, names[i]);
    plot->xAxis->setTicker(ticker);
    plot->xAxis->setRange(0.4, names.size() + 0.6);
}

// The charts in a grid that reflows: as many across as fit at their minimum width (all
// three on a wide page), the last one spanning the row when it is left alone. The minimum
// size of a chart is given in lines of text, so it follows the font.
class PlotGrid : public QWidget
{
public:
    PlotGrid(const QList<QWidget *> &plots, QSizeF cellInLines)
        : m_plots(plots), m_cellInLines(cellInLines), m_grid(new QGridLayout(this))
    {
        m_grid->setContentsMargins(0, 0, 0, 0);
        arrange(static_cast<int>(m_plots.size()));
    }

    QSize minimumSizeHint() const override
    {
        const QSize cell = this->cell();
        const int rows = rowsFor(m_columns);
        return {cell.width(), rows * cell.height() + (rows - 1) * m_grid->spacing()};
    }
    QSize sizeHint() const override
    {
        const QSize cell = this->cell();
        const int n = static_cast<int>(m_plots.size());
        return {n * cell.width() + (n - 1) * m_grid->spacing(),
                rowsFor(m_columns) * cell.height() * 5 / 4};
    }

protected:
    void resizeEvent(QResizeEvent *event) override
    {
        arrangeFor(event->size().width());
        QWidget::resizeEvent(event);
    }
    void changeEvent(QEvent *event) override
    {
        QWidget::changeEvent(event);
        if (event->type() == QEvent::FontChange) { // the minimum chart size changed
            arrangeFor(width());
            updateGeometry();
        }
    }

private:
    QSize cell() const
    {
        const int lh = fontMetrics().height();
        return {static_cast<int>(m_cellInLines.width() * lh),
                static_cast<int>(m_cellInLines.height() * lh)};
    }

    int rowsFor(int columns) const
    {
        return (static_cast<int>(m_plots.size()) + columns - 1) / columns;
    }

    void arrangeFor(int width)
    {
        const int spacing = std::max(0, m_grid->spacing());
        const int fit = (width + spacing) / (cell().width() + spacing);
        arrange(std::clamp(fit, 1, static_cast<int>(m_plots.size())));
    }

    void arrange(int columns)
    {
        if (columns == m_columns)
            return;
        m_columns = columns;
        for (QWidget *p : m_plots)
            m_grid->removeWidget(p);
        for (int c = 0; c < m_grid->columnCount(); ++c)
            m_grid->setColumnStretch(c, 0);
        for (int r = 0; r < m_grid->rowCount(); ++r)
            m_grid->setRowStretch(r, 0);
        const int n = static_cast<int>(m_plots.size());
        for (int i = 0; i < n; ++i) {
            const int row = i / columns, column = i % columns;
            const bool alone = i == n - 1 && column == 0 && columns > 1;
            m_grid->addWidget(m_plots[i], row, column, 1, alone ? columns : 1);
        }
        for (int c = 0; c < columns; ++c)
            m_grid->setColumnStretch(c, 1);
        for (int r = 0; r < rowsFor(columns); ++r)
            m_grid->setRowStretch(r, 1);
        updateGeometry();
    }

    QList<QWidget *> m_plots;
    QSizeF m_cellInLines;
    QGridLayout *m_grid;
    int m_columns = 0;
};

} // namespace

SchedulingPage::SchedulingPage(QWidget *parent)
    : ModulePage(parent), m_requests(new QSpinBox), m_hosts(new QSpinBox), m_seed(new QSpinBox),
      m_run(new QPushButton(tr("Run the three schedulers"))),
      m_cancel(new QPushButton(tr("Cancel"))), m_progress(new QProgressBar), m_status(new QLabel),
      m_perHost(new wb::ui::SettlingPlot), m_failures(new wb::ui::SettlingPlot),
      m_phases(new wb::ui::SettlingPlot), m_table(new QTableWidget)
{
    m_requests->setRange(10, 200000);
    m_requests->setValue(2000);
    m_requests->setSingleStep(1000);
    m_requests->setToolTip(tr("Launch requests, arriving at 20 per second (Poisson), flavors "
                              "m1.tiny … m1.xlarge mixed, each living about 300 s"));
    m_hosts->setRange(1, 2000);
    m_hosts->setValue(150);
    m_hosts->setToolTip(tr("Compute hosts of 8, 16, 24 or 32 cores (2 GiB per core) in 4 "
                           "zones; 2 % of them are down"));
    m_seed->setRange(0, 1000000);
    m_seed->setValue(1);
    m_cancel->setEnabled(false);
    m_progress->setRange(0, 300);
    m_progress->setValue(0);
    m_progress->setFormat(tr("%p %"));
    m_status->setWordWrap(true);

    m_requests->setAccessibleName(tr("Requests"));
    m_hosts->setAccessibleName(tr("Compute hosts"));
    m_seed->setAccessibleName(tr("Seed"));
    m_seed->setToolTip(tr("Seeds the arrivals, the flavors and the schedulers' random choices"));
    m_progress->setAccessibleName(tr("Progress"));
    m_progress->setMinimumWidth(160);

    auto *controls = new wb::ui::FlowLayout;
    controls->addWidget(labelled(tr("Requests:"), m_requests));
    controls->addWidget(labelled(tr("Hosts:"), m_hosts));
    controls->addWidget(labelled(tr("Seed:"), m_seed));
    controls->addWidget(m_run);
    controls->addWidget(m_cancel);
    controls->addWidget(m_progress);

    wb::ui::setupPlot(m_perHost, tr("instances placed on a host"), tr("hosts"));
    titled(m_perHost, tr("Spread over the hosts"));
    wb::ui::setupPlot(m_failures, QString(), tr("requests that failed"));
    titled(m_failures, tr("Failures per scheduler"));
    categories(m_failures, {kindName(0), kindName(1), kindName(2)});
    wb::ui::setupPlot(m_phases, QString(), tr("p95 latency (ms, log scale)"));
    titled(m_phases, tr("Time per phase (p95)"));
    m_phases->yAxis->setScaleType(QCPAxis::stLogarithmic);
    m_phases->yAxis->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    m_perHost->setAccessibleName(tr("Spread over the hosts"));
    m_perHost->setAccessibleDescription(
        tr("Histogram per scheduler: how many hosts received how many instances"));
    m_failures->setAccessibleName(tr("Failures per scheduler"));
    m_failures->setAccessibleDescription(
        tr("Failed requests per scheduler: NoValidHost and rejected by the host, stacked"));
    m_phases->setAccessibleName(tr("Phase latency"));
    m_phases->setAccessibleDescription(
        tr("95th percentile latency of each launch phase per scheduler, log scale"));

    const QStringList headers{tr("Scheduler"),   tr("Placed"),   tr("Failed"),
                              tr("NoValidHost"), tr("Rejected"), tr("Busiest host"),
                              tr("Idle hosts"),  tr("Simulated")};
    m_table->setColumnCount(headers.size());
    m_table->setHorizontalHeaderLabels(headers);
    m_table->horizontalHeaderItem(4)->setToolTip(
        tr("Rejected by the compute host: no room. The simulation's rule; Nova 2011's compute "
           "worker never checked capacity (it overcommitted, or the spawn failed)"));
    m_table->horizontalHeaderItem(7)->setToolTip(tr("Simulated time until the last event"));
    m_table->verticalHeader()->hide();
    m_table->setTabKeyNavigation(false); // Tab moves on to the next control, arrows within
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setAccessibleName(tr("Scheduler comparison"));
    m_table->setAccessibleDescription(
        tr("Per scheduler: requests placed and failed, why they failed, the busiest host, "
           "idle hosts and the simulated time"));
    // The counts as wide as they are; the busiest host takes the rest, wrapped when narrow.
    shareColumns(m_table, {0, 0, 0, 0, 0, 1, 0, 0}, 120);
    // Every row shown, whatever the rows' wrapped heights: the table is as tall as its
    // contents.
    m_table->setSizeAdjustPolicy(QAbstractScrollArea::AdjustToContents);
    m_table->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Fixed);
    m_table->setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    auto *plots = new PlotGrid({m_perHost, m_failures, m_phases}, QSizeF(15, 11));
    auto *col = new QVBoxLayout(this);
    col->addWidget(reflow(controls));
    col->addWidget(plots, 1);
    col->addWidget(m_table);
    col->addWidget(reflow(m_status));

    connect(m_run, &QPushButton::clicked, this, &SchedulingPage::start);
    connect(m_cancel, &QPushButton::clicked, this, &SchedulingPage::cancel);
    m_live = new ProgressSession([this] { poll(); }, this);

    // The opening comparison runs on the worker like any other: the page shows at once and
    // the charts fill in when it is done (a few tens of milliseconds).
    m_paletteBase = palette().color(QPalette::Base).rgba();
    m_opening = true;
    start();
}

SchedulingPage::~SchedulingPage()
{
    shutdown();
}

void SchedulingPage::shutdown()
{
    m_stop = true;
    if (m_worker.joinable())
        m_worker.join();
    m_live->finishFollowing();
    m_running = false;
    m_opening = false;
    m_restart = false;
}

void SchedulingPage::setParameters(int requests, int hosts, quint64 seed)
{
    m_requests->setValue(requests);
    m_hosts->setValue(hosts);
    m_seed->setValue(static_cast<int>(seed));
}

bool SchedulingPage::start()
{
    if (m_running && m_opening) {
        // The learner's run replaces the opening one: it starts as soon as the worker has
        // stopped (after the simulation in progress).
        m_stop = true;
        m_restart = true;
        return true;
    }
    if (m_running)
        return false;
    if (m_worker.joinable())
        m_worker.join();
    m_running = true;
    m_stop = false;
    m_done = 0;
    m_run->setEnabled(false);
    m_cancel->setEnabled(true);
    m_progress->setValue(0);
    m_status->setText(m_opening ? tr("Simulating the opening comparison on a worker thread…")
                                : tr("Simulating on a worker thread…"));
    SimulationConfig base;
    base.requests = m_requests->value();
    base.hosts = m_hosts->value();
    base.seed = static_cast<std::uint64_t>(m_seed->value());
    m_requestsRunning = base.requests;
    m_live->follow(nullptr, 100);
    m_worker = std::thread([this, base] {
        std::vector<SimulationResult> results;
        QString error;
        try {
            for (auto k : kKinds) {
                if (m_stop)
                    break;
                SimulationConfig c = base;
                c.scheduler = k;
                auto trace = std::make_shared<wb::Trace>();
                {
                    std::lock_guard lock(m_traceMutex);
                    m_current = trace;
                }
                results.push_back(simulateLaunches(c, trace.get()));
                ++m_done;
            }
        } catch (const std::exception &e) {
            error = QString::fromStdString(e.what());
        }
        {
            std::lock_guard lock(m_traceMutex);
            m_current.reset();
        }
        const bool cancelled = m_stop;
        QMetaObject::invokeMethod(
            this,
            [this, results = std::move(results), cancelled, error]() mutable {
                if (m_worker.joinable())
                    m_worker.join();
                const bool opening = std::exchange(m_opening, false);
                if (std::exchange(m_restart, false)) {
                    m_running = false;
                    start();
                    return;
                }
                finish(std::move(results), cancelled && !opening, error);
            },
            Qt::QueuedConnection);
    });
    return true;
}

void SchedulingPage::cancel()
{
    if (!m_running)
        return;
    m_restart = false;
    m_stop = true; // honoured between two schedulers' simulations
    m_status->setText(tr("Cancelling after the simulation in progress…"));
    m_cancel->setEnabled(false);
}

void SchedulingPage::poll()
{
    // Each request ends with one of sim-active, sim-rejected or sim-no-valid-host, and a
    // scheduled one also records sim-schedule: about two events per request.
    std::size_t events = 0;
    {
        std::lock_guard lock(m_traceMutex);
        if (m_current)
            events = m_current->size();
    }
    const double part = std::min(0.99, events / (2.0 * std::max(1, m_requestsRunning)));
    m_progress->setValue(static_cast<int>((m_done + part) * 100));
}

void SchedulingPage::finish(std::vector<SimulationResult> results, bool cancelled, QString error)
{
    m_live->finishFollowing();
    m_running = false;
    m_run->setEnabled(true);
    m_cancel->setEnabled(false);
    if (cancelled || !error.isEmpty() || results.size() != std::size(kKinds)) {
        m_progress->setValue(0);
        m_status->setText(!error.isEmpty() ? tr("The simulation failed: %1").arg(error)
                                           : tr("Cancelled: the plots still show the previous "
                                                "run."));
        emit finished(true);
        return;
    }
    m_results = std::move(results);
    m_progress->setValue(300);
    const auto &r = m_results.front();
    m_status->setText(tr("%1 requests on %2 hosts, seed %3: each scheduler saw the same "
                         "requests arriving at the same times.")
                          .arg(r.requests)
                          .arg(r.hosts.size())
                          .arg(m_seed->value()));
    plot();
    emit finished(false);
}

QString SchedulingPage::status() const
{
    return m_status->text();
}

void SchedulingPage::plot()
{
    // Spread: a histogram of instances placed per host, one bar colour per scheduler.
    m_perHost->clearPlottables();
    int most = 0;
    for (const auto &r : m_results)
        for (const auto &h : r.hosts)
            most = std::max(most, h.placed);
    const int bins = std::clamp(most + 1, 1, 10);
    const double width = std::max(1.0, std::ceil((most + 1) / double(bins)));
    auto *group = new QCPBarsGroup(m_perHost);
    double tallest = 0;
    for (int s = 0; s < static_cast<int>(m_results.size()); ++s) {
        QVector<double> keys, counts(bins, 0.0);
        for (int b = 0; b < bins; ++b)
            keys << b * width + width / 2;
        for (const auto &h : m_results[static_cast<std::size_t>(s)].hosts)
            if (h.up)
                counts[std::min(bins - 1, static_cast<int>(h.placed / width))] += 1;
        auto *bars = new QCPBars(m_perHost->xAxis, m_perHost->yAxis);
        bars->setName(kindName(s));
        bars->setWidth(width / 4);
        styleSchedulerBars(bars, s);
        bars->setData(keys, counts);
        bars->setBarsGroup(group);
        tallest = std::max(tallest, *std::max_element(counts.begin(), counts.end()));
    }
    m_perHost->xAxis->setRange(0, bins * width);
    m_perHost->yAxis->setRange(0, tallest * 1.45 + 1); // room for the legend
    m_perHost->legend->setVisible(true);
    m_perHost->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    m_perHost->replot(QCustomPlot::rpQueuedReplot);

    // Failures: NoValidHost and compute rejections stacked per scheduler.
    m_failures->clearPlottables();
    QVector<double> ticks{1, 2, 3}, nvh, rejected;
    for (const auto &r : m_results) {
        nvh << r.noValidHost;
        rejected << r.computeRejected;
    }
    auto *nvhBars = new QCPBars(m_failures->xAxis, m_failures->yAxis);
    nvhBars->setName(tr("NoValidHost"));
    nvhBars->setBrush(wb::ui::stateColor("blocked"));
    nvhBars->setPen(QPen(wb::ui::stateColor("blocked"), 1.2));
    nvhBars->setWidth(0.5);
    nvhBars->setData(ticks, nvh);
    auto *rejBars = new QCPBars(m_failures->xAxis, m_failures->yAxis);
    rejBars->setName(tr("host refused"));
    // Hatched, not only another colour: the two causes stay apart in grey.
    rejBars->setBrush(QBrush(wb::ui::stateColor("waiting"), Qt::BDiagPattern));
    rejBars->setPen(QPen(wb::ui::stateColor("waiting"), 1.2));
    rejBars->setWidth(0.5);
    rejBars->setData(ticks, rejected);
    rejBars->moveAbove(nvhBars);
    double top = 1;
    for (int i = 0; i < nvh.size(); ++i)
        top = std::max(top, nvh[i] + rejected[i]);
    m_failures->yAxis->setRange(0, top * 1.9); // room for the legend above the bars
    m_failures->legend->setVisible(true);
    m_failures->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    m_failures->replot(QCustomPlot::rpQueuedReplot);

    // Phases: p95 per phase, grouped by scheduler.
    m_phases->clearPlottables();
    QStringList phaseNames;
    if (!m_results.empty())
        for (const auto &p : m_results.front().phases)
            phaseNames << qs(p.phase).replace(QStringLiteral("block_device_mapping"),
                                              QStringLiteral("block dev."));
    categories(m_phases, phaseNames);
    // Five phases in a third of the width: slanted names never run into each other.
    m_phases->xAxis->setTickLabelRotation(-35);
    auto *pgroup = new QCPBarsGroup(m_phases);
    double low = 1e9, high = 1;
    for (int s = 0; s < static_cast<int>(m_results.size()); ++s) {
        QVector<double> keys, values;
        const auto &phases = m_results[static_cast<std::size_t>(s)].phases;
        for (int i = 0; i < static_cast<int>(phases.size()); ++i) {
            keys << i + 1;
            const double v = std::max(0.01, phases[static_cast<std::size_t>(i)].p95Ms);
            values << v;
            low = std::min(low, v);
            high = std::max(high, v);
        }
        auto *bars = new QCPBars(m_phases->xAxis, m_phases->yAxis);
        bars->setName(kindName(s));
        bars->setWidth(0.25);
        styleSchedulerBars(bars, s);
        bars->setBaseValue(0.01);
        bars->setData(keys, values);
        bars->setBarsGroup(pgroup);
    }
    m_phases->yAxis->setRange(std::max(0.01, low / 3), high * 4);
    m_phases->legend->setVisible(true);
    m_phases->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignLeft);
    m_phases->replot(QCustomPlot::rpQueuedReplot);

    m_table->setRowCount(static_cast<int>(m_results.size()));
    for (int s = 0; s < static_cast<int>(m_results.size()); ++s) {
        const auto &r = m_results[static_cast<std::size_t>(s)];
        const auto busiest =
            std::max_element(r.hosts.begin(), r.hosts.end(),
                             [](const auto &a, const auto &b) { return a.placed < b.placed; });
        const int idle = static_cast<int>(std::count_if(
            r.hosts.begin(), r.hosts.end(), [](const auto &h) { return h.up && h.placed == 0; }));
        const QStringList cells{kindName(s),
                                QString::number(r.placed),
                                QString::number(r.failed),
                                QString::number(r.noValidHost),
                                QString::number(r.computeRejected),
                                busiest == r.hosts.end()
                                    ? QString()
                                    : tr("%1: %2 instances (%3 cores)")
                                          .arg(QString::fromStdString(busiest->name))
                                          .arg(busiest->placed)
                                          .arg(busiest->vcpus),
                                QString::number(idle),
                                tr("%1 s").arg(r.simulatedSeconds, 0, 'f', 0)};
        for (int c = 0; c < cells.size(); ++c) {
            auto *it = new QTableWidgetItem(cells[c]);
            it->setTextAlignment(c == 0 ? Qt::AlignLeft | Qt::AlignVCenter : Qt::AlignCenter);
            if (c == 0)
                it->setForeground(wb::ui::seriesColor(s));
            m_table->setItem(s, c, it);
        }
    }
}

void SchedulingPage::changeEvent(QEvent *event)
{
    ModulePage::changeEvent(event);
    // The bars and the schedulers' names in the new palette's colours, when they changed (not
    // when the page merely moved into a parent).
    const QRgb base = palette().color(QPalette::Base).rgba();
    if (event->type() != QEvent::PaletteChange || base == m_paletteBase)
        return;
    m_paletteBase = base;
    if (!m_results.empty())
        plot();
}

QString SchedulingPage::lessonMarkdown() const
{
    return lesson("scheduling");
}

QStringList SchedulingPage::sourceFiles() const
{
    return coreSources({"core/src/simulation.cpp", "core/src/scheduler.cpp"});
}

} // namespace wb::nova::ui
