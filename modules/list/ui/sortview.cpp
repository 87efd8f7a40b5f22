#include "sortview.h"
#include "common.h"

#include "list/core/timsort.h"

#include "workbench/core/rng.h"
#include "workbench/ui/plot.h"
#include "workbench/ui/theme.h"
#include "workbench/ui/tracetable.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QVBoxLayout>

#include <cmath>
#include <numeric>

namespace wb::list::ui {

namespace {

// The classic 130-element example: 0..129 shuffled (the lesson's input, kept exactly).
const std::vector<std::int64_t> kTutorialInput = {
    107, 44,  97,  121, 26,  11, 24,  100, 79,  19,  109, 7,  52,  93,  70,  94,  124, 117, 92,
    32,  115, 83,  9,   112, 84, 22,  65,  95,  89,  74,  64, 23,  101, 68,  119, 127, 90,  80,
    91,  75,  4,   20,  114, 16, 103, 34,  96,  125, 47,  77, 81,  3,   30,  14,  25,  29,  104,
    102, 98,  69,  78,  60,  33, 12,  31,  37,  76,  10,  5,  105, 35,  48,  85,  106, 63,  71,
    54,  39,  8,   6,   62,  67, 42,  72,  118, 116, 27,  46, 38,  99,  126, 40,  28,  113, 43,
    41,  59,  2,   56,  61,  88, 18,  45,  128, 58,  73,  1,  13,  129, 49,  0,   82,  123, 111,
    57,  86,  110, 51,  15,  36, 120, 108, 66,  55,  53,  87, 122, 17,  21,  50};

} // namespace

// ---------------------------------------------------------------------------------------------
// Drawing

SortCanvas::SortCanvas(QWidget *parent) : QWidget(parent)
{
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
}

void SortCanvas::setState(const SortViewState &state)
{
    // The values change only at reverse, insert, boost and merge_end; the per-column heights
    // are kept until they do.
    if (state.values != m_state.values)
        m_columnsWidth = -1;
    m_state = state;
    update();
}

void SortCanvas::updateColumns(int width)
{
    if (m_columnsWidth == width)
        return;
    m_columnsWidth = width;
    const auto &v = m_state.values;
    m_columnMax.assign(static_cast<std::size_t>(std::max(width, 0)), 0);
    if (v.empty() || width <= 0)
        return;
    const auto [minIt, maxIt] = std::minmax_element(v.begin(), v.end());
    m_low = std::min<double>(0, *minIt);
    m_high = std::max<double>(*maxIt, m_low + 1);
    const auto n = static_cast<std::int64_t>(v.size());
    for (int x = 0; x < width; ++x) {
        const std::int64_t i0 = n * x / width, i1 = std::max(i0 + 1, n * (x + 1) / width);
        m_columnMax[static_cast<std::size_t>(x)] =
            *std::max_element(v.begin() + i0, v.begin() + std::min(i1, n));
    }
}

void SortCanvas::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const SortViewState &s = m_state;
    const QPalette pal = palette();
    const QColor text = pal.color(QPalette::Text);
    const QColor faded = pal.color(QPalette::PlaceholderText);
    const QColor accent = wb::ui::stateColor("accent");
    const QFontMetrics fm(font());
    const int line = fm.height();

    const int panel = std::min(300, width() / 3); // the stack and counters, on the right
    const QRect bars(12, 12 + 2 * line, width() - panel - 36, height() - 4 * line - 40);
    const QRect side(width() - panel - 12, 12, panel, height() - 24);
    const auto n = static_cast<int>(s.values.size());

    // Title line: where the sort is.
    p.setPen(text);
    QString where =
        s.done ? tr("Sorted.")
        : s.merge.active
            ? (s.merge.routine.empty()
                   ? tr("Merging")
                   : tr("Merging with %1").arg(QString::fromStdString(s.merge.routine)))
        : s.haveRun ? tr("Scanning for runs")
                    : tr("Ready");
    if (s.galloping)
        where +=
            tr("  —  galloping: run %1 keeps winning").arg(QString::fromStdString(s.gallopRun));
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.drawText(12, 12 + fm.ascent(), where);
    p.setFont(font());
    p.setPen(faded);
    p.drawText(12, 12 + line + fm.ascent(),
               tr("n = %1   minrun = %2   policy: %3")
                   .arg(s.n)
                   .arg(s.minrun)
                   .arg(QString::fromStdString(s.policy)));
    if (n == 0)
        return;

    // The colour of index i: the merge's two runs, else the pending run holding it (the
    // stack is at most a few dozen runs deep), else sorted / not yet scanned.
    auto colourOf = [&](std::int64_t i) {
        if (s.merge.active) {
            const auto a0 = s.merge.base, b0 = a0 + s.merge.lengthA, b1 = b0 + s.merge.lengthB;
            if (i >= a0 && i < b1)
                return i < b0 ? wb::ui::seriesColor(0) : wb::ui::seriesColor(1);
        }
        for (std::size_t k = s.stack.size(); k-- > 0;)
            if (i >= s.stack[k].base && i < s.stack[k].base + s.stack[k].length)
                return wb::ui::seriesColor(static_cast<int>(k));
        return s.done ? wb::ui::seriesColor(2) : faded;
    };
    const double w = double(bars.width()) / n;
    p.setRenderHint(QPainter::Antialiasing, false); // bars on whole pixels
    if (n > bars.width()) {
        // More elements than pixels: one column per pixel, as high as its tallest element
        // (cached until the values change), coloured by its first element. The columns are
        // written into an image row by row and drawn at once: a thousand one-pixel fills
        // cost the raster engine far more than the pixels themselves.
        updateColumns(bars.width());
        const int bw = bars.width(), bh = bars.height();
        const double scale = (bh - 4) / (m_high - m_low);
        std::vector<int> top(static_cast<std::size_t>(bw));
        std::vector<QRgb> colour(static_cast<std::size_t>(bw));
        for (int x = 0; x < bw; ++x) {
            const double h = (m_columnMax[static_cast<std::size_t>(x)] - m_low) * scale + 2;
            top[static_cast<std::size_t>(x)] = std::clamp(bh - static_cast<int>(h), 0, bh);
            colour[static_cast<std::size_t>(x)] =
                colourOf(static_cast<std::int64_t>(n) * x / bw).rgba();
        }
        if (m_columns.size() != QSize(bw, bh))
            m_columns = QImage(bw, bh, QImage::Format_ARGB32_Premultiplied);
        for (int y = 0; y < bh; ++y) {
            auto *row = reinterpret_cast<QRgb *>(m_columns.scanLine(y));
            for (int x = 0; x < bw; ++x)
                row[x] = y >= top[static_cast<std::size_t>(x)]
                             ? colour[static_cast<std::size_t>(x)]
                             : 0;
        }
        p.drawImage(bars.topLeft(), m_columns);
    } else {
        const auto [minIt, maxIt] = std::minmax_element(s.values.begin(), s.values.end());
        const double lo = std::min<double>(0, *minIt), hi = std::max<double>(*maxIt, lo + 1);
        for (int i = 0; i < n; ++i) {
            const double h =
                (s.values[static_cast<std::size_t>(i)] - lo) / (hi - lo) * (bars.height() - 4) + 2;
            p.fillRect(QRectF(bars.left() + i * w, bars.bottom() - h, std::max(1.0, w - 1), h),
                       colourOf(i));
        }
    }
    p.setRenderHint(QPainter::Antialiasing);
    auto bracket = [&](std::int64_t from, std::int64_t len, const QString &label, QColor c,
                       int row) {
        if (len <= 0)
            return;
        const double x0 = bars.left() + from * w, x1 = bars.left() + (from + len) * w - 1;
        const double y = bars.bottom() + 6 + row * (line + 4);
        p.setPen(QPen(c, 2));
        p.drawLine(QPointF(x0, y), QPointF(x1, y));
        p.drawLine(QPointF(x0, y - 4), QPointF(x0, y));
        p.drawLine(QPointF(x1, y - 4), QPointF(x1, y));
        p.drawText(QRectF(x0, y + 1, std::max(x1 - x0, 60.0), line), Qt::AlignLeft, label);
    };
    if (s.merge.active) {
        bracket(s.merge.base, s.merge.lengthA, tr("A (%1)").arg(s.merge.lengthA),
                wb::ui::seriesColor(0), 0);
        bracket(s.merge.base + s.merge.lengthA, s.merge.lengthB, tr("B (%1)").arg(s.merge.lengthB),
                wb::ui::seriesColor(1), 0);
    } else if (s.haveRun && !s.done) {
        const auto &r = s.currentRun;
        bracket(r.start, r.naturalLength,
                r.descending ? tr("natural run %1, descending → reversed").arg(r.naturalLength)
                             : tr("natural run %1").arg(r.naturalLength),
                accent, 0);
        if (r.length > r.naturalLength)
            bracket(r.start, r.length, tr("boosted to %1 by binary insertion").arg(r.length),
                    faded, 1);
    }

    // Side panel: counters, then the pending-run stack (bottom of the stack at the bottom).
    int y = side.top();
    p.setPen(text);
    p.setFont(bold);
    p.drawText(side.left(), y + fm.ascent(), tr("Comparisons"));
    y += line;
    p.setFont(font());
    const double nlogn = s.n > 1 ? s.n * std::log2(double(s.n)) : 0;
    p.drawText(side.left(), y + fm.ascent(),
               tr("%1 so far   (n·log2 n = %2)").arg(s.comparisons).arg(nlogn, 0, 'f', 0));
    y += line;
    const double frac = nlogn > 0 ? std::min(1.0, s.comparisons / nlogn) : 0;
    p.setPen(faded);
    p.drawRect(side.left(), y + 2, side.width() - 4, 8);
    p.fillRect(QRectF(side.left() + 1, y + 3, (side.width() - 6) * frac, 6), accent);
    y += 18;
    p.setPen(text);
    p.drawText(side.left(), y + fm.ascent(),
               tr("min_gallop = %1   gallop entries = %2").arg(s.minGallop).arg(s.gallopEntries));
    y += line + 10;
    if (s.merge.active && !s.merge.reason.empty()) {
        p.setPen(accent);
        const QRect r(side.left(), y, side.width(), 3 * line);
        const QString reason = QString::fromStdString(s.merge.reason);
        QString why = reason;
        if (reason == "power")
            why = tr("powersort: the boundary below the new run is at least as deep in the "
                     "ideal merge tree as the new one");
        else if (reason == "force collapse")
            why = tr("no input left: merge_force_collapse merges the stack from the top");
        else if (reason == "tutorial")
            why = tr("the tutorial's order (CPython never does this)");
        else if (reason.startsWith('|'))
            why = tr("stack invariant broken: %1").arg(reason);
        p.drawText(r, Qt::TextWordWrap, tr("merge_at(%1) because %2").arg(s.merge.index).arg(why));
        y += 3 * line;
        p.setPen(text);
        // merge_lo / merge_hi and the temp area are chosen after gallop trims both runs.
        p.drawText(side.left(), y + fm.ascent(),
                   s.merge.routine.empty() ? tr("temp area: sized after trimming the runs")
                                           : tr("%1, temp area: %2 elements")
                                                 .arg(QString::fromStdString(s.merge.routine))
                                                 .arg(s.merge.temp));
        y += line + 6;
    }
    p.setFont(bold);
    p.setPen(text);
    p.drawText(side.left(), y + fm.ascent(), tr("Pending runs (stack)"));
    p.setFont(font());
    y += line + 4;
    const int boxH = std::max(line + 6, 22);
    const int room = (side.bottom() - y) / (boxH + 4);
    const int shown = std::min<int>(static_cast<int>(s.stack.size()), std::max(room, 1));
    for (int k = shown - 1; k >= 0; --k) {
        const auto idx = s.stack.size() - static_cast<std::size_t>(shown - k);
        const auto &run = s.stack[idx];
        const QRect box(side.left(), y, side.width() - 4, boxH);
        p.setPen(Qt::NoPen);
        QColor c = wb::ui::seriesColor(static_cast<int>(idx));
        c.setAlpha(90);
        p.setBrush(c);
        p.drawRoundedRect(box, 4, 4);
        p.setBrush(Qt::NoBrush);
        p.setPen(text);
        // Numbered as CPython's pending[] is, so merge_at(i) names the entry it grows.
        QString label =
            tr("pending[%1]: base %2, length %3").arg(idx).arg(run.base).arg(run.length);
        if (s.merge.active && static_cast<std::int64_t>(idx) == s.merge.index)
            label = tr("pending[%1]: base %2, merging %3 + %4")
                        .arg(idx)
                        .arg(run.base)
                        .arg(s.merge.lengthA)
                        .arg(s.merge.lengthB);
        if (run.power > 0)
            label += tr(", power %1").arg(run.power);
        p.drawText(box.adjusted(6, 0, -4, 0), Qt::AlignVCenter | Qt::AlignLeft, label);
        y += boxH + 4;
    }
    if (s.stack.empty()) {
        p.setPen(faded);
        p.drawText(side.left(), y + fm.ascent(), tr("(empty)"));
    }
}

// ---------------------------------------------------------------------------------------------
// The page

SortPage::SortPage(QWidget *parent)
    : ModulePage(parent), m_controller(new wb::ui::StepController(this)), m_canvas(new SortCanvas),
      m_table(new wb::ui::TraceTable)
{
    m_preset = new QComboBox;
    m_preset->addItem(tr("The lesson's 130 numbers"), "tutorial");
    m_preset->addItem(tr("Random"), "random");
    m_preset->addItem(tr("Already sorted"), "sorted");
    m_preset->addItem(tr("Reversed"), "reversed");
    m_preset->addItem(tr("Sawtooth (ascending runs)"), "sawtooth");
    m_preset->addItem(tr("Few distinct values"), "few");
    m_preset->addItem(tr("My numbers (below)"), "custom");
    m_policy = new QComboBox;
    m_policy->addItem(tr("CPython 3.11 (powersort)"), "cpython311");
    m_policy->addItem(tr("CPython ≤ 3.10 (merge_collapse)"), "cpython27");
    m_policy->addItem(tr("As the tutorial tells it (never CPython)"), "tutorial");
    m_size = new QSpinBox;
    m_size->setRange(2, 100'000);
    m_size->setValue(200);
    m_size->setPrefix(tr("n = "));
    m_seed = new QSpinBox;
    m_seed->setRange(0, 1'000'000);
    m_seed->setValue(1);
    m_seed->setPrefix(tr("seed "));
    m_custom = new QLineEdit;
    m_custom->setPlaceholderText(tr("Your numbers, separated by spaces or commas"));
    auto *sortButton = new QPushButton(tr("Sort"));
    sortButton->setDefault(true);
    m_message = new QLabel;
    m_message->setStyleSheet(
        QStringLiteral("color: %1").arg(wb::ui::stateColor("blocked").name()));

    auto *row = new QHBoxLayout;
    row->addWidget(new QLabel(tr("Input:")));
    row->addWidget(m_preset);
    row->addWidget(m_size);
    row->addWidget(m_seed);
    row->addWidget(new QLabel(tr("Merge policy:")));
    row->addWidget(m_policy);
    row->addWidget(sortButton);
    row->addStretch(1);
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_canvas);
    split->addWidget(m_table);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    auto *col = new QVBoxLayout(this);
    col->addLayout(row);
    col->addWidget(m_custom);
    col->addWidget(m_message);
    col->addWidget(split, 1);

    m_table->setController(m_controller);
    auto updateEnabled = [this] {
        const QString p = m_preset->currentData().toString();
        m_size->setEnabled(p != "tutorial" && p != "custom");
        m_seed->setEnabled(p == "random" || p == "few");
        m_custom->setEnabled(p == "custom");
    };
    connect(m_preset, &QComboBox::currentIndexChanged, this, updateEnabled);
    connect(sortButton, &QPushButton::clicked, this, &SortPage::runSort);
    connect(m_custom, &QLineEdit::returnPressed, this, &SortPage::runSort);
    connect(m_controller, &wb::ui::StepController::positionChanged, this, &SortPage::redraw);
    connect(m_controller, &wb::ui::StepController::traceReplaced, this, &SortPage::redraw);
    updateEnabled();
    runSort();
    // Open on the first merge, where the stack and both runs are on screen.
    m_controller->nextOfKind("merge_begin");
}

SortPage::~SortPage()
{
    stopWorker();
    m_controller->setTrace(nullptr);
    m_replayer.reset();
}

void SortPage::stopWorker()
{
    if (!m_worker.joinable())
        return;
    m_cancel = true; // the worker's next comparison throws: the join is immediate
    m_worker.join();
    m_cancel = false;
    m_sorting = false;
}

std::vector<std::int64_t> SortPage::input(QString *error) const
{
    const QString preset = m_preset->currentData().toString();
    const int n = m_size->value();
    std::vector<std::int64_t> v;
    wb::Rng rng(static_cast<std::uint64_t>(m_seed->value()));
    if (preset == "tutorial")
        return kTutorialInput;
    if (preset == "custom") {
        const auto parts =
            m_custom->text().split(QRegularExpression("[\\s,]+"), Qt::SkipEmptyParts);
        for (const auto &part : parts) {
            bool ok = false;
            const qlonglong x = part.toLongLong(&ok);
            if (!ok) {
                *error = tr("'%1' is not an integer.").arg(part);
                return {};
            }
            v.push_back(x);
        }
        if (v.empty())
            *error = tr("Type some numbers to sort first.");
        return v;
    }
    v.resize(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        if (preset == "random")
            v[i] = rng.between(0, 999);
        else if (preset == "sorted")
            v[i] = i;
        else if (preset == "reversed")
            v[i] = n - i;
        else if (preset == "sawtooth")
            v[i] = i % 40;
        else
            v[i] = rng.between(0, 4);
    }
    return v;
}

void SortPage::runSort()
{
    QString error;
    std::vector<std::int64_t> values = input(&error);
    m_message->setText(error);
    if (!error.isEmpty())
        return;
    stopWorker();
    const quint64 generation = ++m_generation;
    SortOptions options;
    options.policy = parseMergePolicy(m_policy->currentData().toString().toStdString())
                         .value_or(MergePolicy::CPython311);
    options.eachComparison = values.size() <= 400;
    if (values.size() <= kInlineSort) {
        auto trace = std::make_shared<wb::Trace>();
        options.trace = trace.get();
        timsort(std::span<std::int64_t>(values), std::less<>{}, options);
        showTrace(std::move(trace));
        return;
    }
    // Larger inputs are sorted on a thread of their own; the page shows the trace when it is
    // there. A newer sort or closing the page cancels it: its next comparison throws, and
    // timsort leaves the (private) array a permutation.
    m_message->setText(tr("Sorting %1 elements…").arg(values.size()));
    m_sorting = true;
    m_worker = std::thread([this, values = std::move(values), options, generation]() mutable {
        struct Cancelled
        {
        };
        auto trace = std::make_shared<wb::Trace>();
        options.trace = trace.get();
        try {
            timsort(
                std::span<std::int64_t>(values),
                [this](std::int64_t a, std::int64_t b) {
                    if (m_cancel.load(std::memory_order_relaxed))
                        throw Cancelled{};
                    return a < b;
                },
                options);
        } catch (const Cancelled &) {
            return;
        }
        QMetaObject::invokeMethod(
            this,
            [this, trace = std::move(trace), generation]() mutable {
                if (generation != m_generation)
                    return;
                m_message->clear();
                showTrace(std::move(trace));
            },
            Qt::QueuedConnection);
    });
}

void SortPage::showTrace(std::shared_ptr<wb::Trace> trace)
{
    m_sorting = false;
    m_controller->setTrace(nullptr);
    m_replayer.reset();
    m_trace = std::move(trace);
    m_replayer =
        std::make_unique<wb::Replayer<SortViewState>>(*m_trace, SortViewState{}, applySortEvent);
    m_controller->setTrace(m_trace, 0);
    m_controller->nextOfKind("sort_begin");
}

const SortViewState &SortPage::stateAtCursor()
{
    return m_replayer->stateAt(static_cast<std::size_t>(m_controller->position()));
}

void SortPage::redraw()
{
    if (m_replayer)
        m_canvas->setState(stateAtCursor());
}

QString SortPage::lessonMarkdown() const
{
    return wb::ui::readTextResource(":/modules/list/ui/lessons/sort.md");
}

QStringList SortPage::sourceFiles() const
{
    return coreSources({"core/include/list/core/timsort.h", "core/src/timsort.cpp"});
}

} // namespace wb::list::ui
