#include "hashview.h"
#include "common.h"

#include "crypto/core/events.h"

#include "workbench/ui/plot.h"
#include "workbench/ui/responsive.h"
#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/theme.h"
#include "workbench/ui/tracetable.h"

#include <QApplication>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QVBoxLayout>

#include <optional>

namespace wb::crypto::ui {

namespace {

// Traced input is capped so a pasted novel cannot make a million-event trace.
constexpr std::size_t kMaxTracedBytes = 4096;

QString algName(HashAlg alg)
{
    return QString::fromLatin1(hashDisplayName(alg).data(),
                               static_cast<qsizetype>(hashDisplayName(alg).size()));
}

int registerBits(HashAlg alg)
{
    switch (alg) {
    case HashAlg::Md2:
        return 128; // X[0..15], what becomes the digest
    case HashAlg::Sha1:
        return 160;
    case HashAlg::Sha256:
        return 256;
    default:
        return 128;
    }
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Drawing

HashCanvas::HashCanvas(QWidget *parent) : ScaledCanvas(parent) {}

void HashCanvas::setMessage(HashAlg alg, const Bytes &padded, std::size_t messageBytes,
                            std::size_t paddingBytes)
{
    m_alg = alg;
    m_padded = padded;
    m_messageBytes = messageBytes;
    m_paddingBytes = paddingBytes;
    contentChanged();
}

void HashCanvas::setState(const HashReplayState &state)
{
    m_state = state;
    contentChanged();
}

int HashCanvas::paintContent(QPainter &p, int width) const
{
    // Colours are taken here, at paint time, so a switch of palette is followed; each text
    // and line colour is made legible on what it is drawn on, and noted in m_inks.
    m_inks.clear();
    const QPalette pal = palette();
    const QColor base = pal.color(QPalette::Base);
    const QColor text = pal.color(QPalette::Text);
    const QColor faded = legibleOn(pal.color(QPalette::PlaceholderText), base);
    const QColor accent = legibleOn(wb::ui::stateColor("accent"), base);
    auto ink = [&](const QColor &c, const QColor &paper, qreal w = 0) {
        m_inks.pen(p, c, paper, w);
    };
    // Text on a role's fill: legible on the fill and on its hatching.
    auto inkOnFill = [&](const QColor &c, Fill fill) {
        const QColor hatch = hatchColor(fill, base, text);
        const QColor shown = legibleOn(c, hatch);
        m_inks.note(shown, fillColor(fill, base));
        ink(shown, hatch);
    };
    const HashReplayState &s = m_state;
    const bool md2 = m_alg == HashAlg::Md2;
    const std::size_t blockBytes = blockSize(m_alg);
    const std::size_t blocks = m_padded.size() / blockBytes;

    QFont bold = font();
    bold.setBold(true);
    const QFont mono = monoFontLike(font());
    const QFontMetrics fm(font()), mfm(mono);
    const int line = fm.height();
    int y = 8;
    // Headings wrap rather than run off a narrow drawing.
    auto heading = [&](const QString &t) {
        p.setFont(bold);
        ink(text, base);
        QRect used;
        p.drawText(QRect(10, y, std::max(40, width - 20), 4 * line), Qt::TextWordWrap, t, &used);
        y += std::max(line, used.height()) + 4;
    };

    // 1. Where we are.
    QFont big = bold;
    big.setPointSizeF(big.pointSizeF() * 1.25);
    p.setFont(big);
    ink(text, base);
    QString where;
    if (s.blockIndex < 0)
        where =
            tr("%1: before the first block (final() has padded the message)").arg(algName(m_alg));
    else if (!s.digest.empty())
        where = tr("%1: done. Digest = %2").arg(algName(m_alg), hexBytes(s.digest, false));
    else if (s.step < 0)
        where =
            tr("%1: block %2 of %3 loaded").arg(algName(m_alg)).arg(s.blockIndex + 1).arg(blocks);
    else if (md2)
        where = tr("MD2: block %1 of %2, round %3 of 18")
                    .arg(s.blockIndex + 1)
                    .arg(blocks)
                    .arg(s.round + 1);
    else
        where = tr("%1: block %2 of %3, round %4, step %5%6")
                    .arg(algName(m_alg))
                    .arg(s.blockIndex + 1)
                    .arg(blocks)
                    .arg(s.round)
                    .arg(s.step)
                    .arg(s.word >= 0 ? tr(" (adds X[%1])").arg(s.word) : QString());
    QRect whereRect;
    p.drawText(QRect(10, y, std::max(40, width - 20), 4 * QFontMetrics(big).height()),
               Qt::TextWordWrap, where, &whereRect);
    y += std::max(QFontMetrics(big).height(), whereRect.height()) + 6;

    // 2. The padded message, 16 bytes a row; the current block outlined.
    heading(tr("Padded message: %1 bytes = %2 block(s) of %3 bytes")
                .arg(m_padded.size())
                .arg(blocks)
                .arg(blockBytes));
    const int cell = mfm.horizontalAdvance(QStringLiteral("000"));
    const int rowH = mfm.height() + 2;
    const int left = 60;
    std::size_t firstRow = 0, rows = (m_padded.size() + 15) / 16;
    if (rows > 8 && s.blockIndex >= 0) { // long input: only the current block's rows
        firstRow = static_cast<std::size_t>(s.blockIndex) * blockBytes / 16;
        rows = std::min<std::size_t>(blockBytes / 16, (m_padded.size() + 15) / 16 - firstRow);
    } else if (rows > 8) {
        rows = 8;
    }
    p.setFont(mono);
    for (std::size_t r = 0; r < rows; ++r) {
        const std::size_t row = firstRow + r;
        ink(faded, base);
        p.drawText(10, y + mfm.ascent(), QStringLiteral("%1").arg(row * 16, 4, 10));
        for (std::size_t c = 0; c < 16 && row * 16 + c < m_padded.size(); ++c) {
            const std::size_t n = row * 16 + c;
            const QRect box(left + int(c) * cell, y, cell - 2, rowH - 1);
            const Fill fill = n < m_messageBytes                    ? Fill::Message
                              : n < m_messageBytes + m_paddingBytes ? Fill::Padding
                                                                    : Fill::Length;
            paintFill(p, box, fill, base, text);
            const bool inBlock = s.blockIndex >= 0 && n / blockBytes == std::size_t(s.blockIndex);
            inkOnFill(inBlock ? text : pal.color(QPalette::PlaceholderText), fill);
            p.drawText(box, Qt::AlignCenter,
                       QStringLiteral("%1").arg(m_padded[n], 2, 16, QLatin1Char('0')));
        }
        y += rowH;
    }
    if (s.blockIndex >= 0) { // outline the block being compressed
        const std::size_t b0 = std::size_t(s.blockIndex) * blockBytes / 16;
        if (b0 >= firstRow && b0 < firstRow + rows) {
            const int top = y - int(rows) * rowH + int(b0 - firstRow) * rowH;
            const int h = int(std::min<std::size_t>(blockBytes / 16, firstRow + rows - b0)) * rowH;
            ink(accent, base, 2);
            p.drawRect(left - 3, top - 2, 16 * cell + 3, h + 3);
        }
    }
    y += 4;
    // Legend with the numbers that matter: each swatch is filled and hatched as the bytes are.
    p.setFont(font());
    int lx = left;
    auto legend = [&](Fill fill, const QString &t) {
        if (lx + 22 + fm.horizontalAdvance(t) > width - 8 && lx > left) {
            lx = left;
            y += line + 2;
        }
        const QRect swatch(lx, y + 1, 18, line - 2);
        paintFill(p, swatch, fill, base, text);
        ink(faded, base);
        p.drawRect(swatch);
        ink(text, base);
        p.drawText(lx + 22, y + fm.ascent(), t);
        lx += 22 + fm.horizontalAdvance(t) + 18;
    };
    legend(Fill::Message, tr("message (%1 bytes)").arg(m_messageBytes));
    if (md2) {
        legend(Fill::Padding, tr("padding: %1 bytes of value %1").arg(m_paddingBytes));
        legend(Fill::Length, tr("checksum C (16 bytes)"));
    } else {
        legend(Fill::Padding, tr("padding: 80 + %1 zero bytes").arg(m_paddingBytes - 1));
        legend(Fill::Length, tr("length: %1 bits, %2-endian")
                                 .arg(m_messageBytes * 8)
                                 .arg(m_alg == HashAlg::Md4 || m_alg == HashAlg::Md5 ? tr("little")
                                                                                     : tr("big")));
    }
    y += line + 8;

    // 3. Message schedule (MD2: the running checksum).
    if (md2) {
        heading(tr("Checksum C (RFC 1319 form: C[j] ^= S[c ^ L])"));
        p.setFont(mono);
        ink(text, base);
        p.drawText(left, y + mfm.ascent(), s.md2C.empty() ? tr("—") : hexBytes(s.md2C));
        y += rowH + 8;
    } else {
        const bool sha = m_alg == HashAlg::Sha1 || m_alg == HashAlg::Sha256;
        heading(sha ? tr("Message schedule W[0..%1] (W[0..15] = the block, big-endian; "
                         "outlined and hatched = used by this step)")
                          .arg(m_alg == HashAlg::Sha1 ? 79 : 63)
                    : tr("Message words X[0..15] (the block read as little-endian words; "
                         "outlined and hatched = added by this step)"));
        const int used = sha ? s.step : s.word;
        const int wcell = mfm.horizontalAdvance(QStringLiteral("00000000")) + 10;
        const int perRow = std::max(1, (width - left - 10) / wcell);
        p.setFont(mono);
        for (int w = 0; w < int(s.schedule.size()); ++w) {
            const QRect box(left + (w % perRow) * wcell, y + (w / perRow) * rowH, wcell - 6,
                            rowH - 1);
            if (w == used) { // hatched and outlined: the mark does not rely on colour alone
                paintFill(p, box, Fill::Fresh, base, text);
                ink(text, base, 2);
                p.drawRect(box.adjusted(-2, -1, 1, 0));
                inkOnFill(text, Fill::Fresh);
            } else {
                ink(w < 16 ? text : faded, base);
            }
            p.drawText(box, Qt::AlignCenter,
                       hexWord(std::uint64_t(s.schedule[w]) & 0xffffffffu, 8));
        }
        if (s.schedule.empty()) {
            ink(faded, base);
            p.drawText(left, y + mfm.ascent(), tr("(no block loaded yet)"));
            y += rowH;
        }
        y += int((s.schedule.size() + perRow - 1) / perRow) * rowH + 8;
    }

    // 4. Registers.
    if (md2) {
        heading(tr("X buffer (48 bytes) after this round (hatched and underlined = changed by "
                   "it)"));
        p.setFont(font());
        ink(faded, base);
        const QRect note(left, y, std::max(40, width - left - 10), 4 * line);
        QRect used;
        p.drawText(note, Qt::TextWordWrap,
                   tr("X[0..15] is the state and becomes the digest, X[16..31] the block, "
                      "X[32..47] block ⊕ state."),
                   &used);
        y += used.height() + 4;
        p.setFont(mono);
        for (int r = 0; r < 3 && !s.md2X.empty(); ++r) { // row offsets, as in the message above
            ink(faded, base);
            p.drawText(10, y + r * rowH + mfm.ascent(), QStringLiteral("X[%1]").arg(16 * r));
        }
        for (int n = 0; n < int(s.md2X.size()); ++n) {
            const QRect box(left + (n % 16) * cell, y + (n / 16) * rowH, cell - 2, rowH - 1);
            if (n < int(s.md2Fresh.size()) && s.md2Fresh[n]) {
                paintFill(p, box, Fill::Fresh, base, text);
                p.fillRect(QRect(box.left() + 2, box.bottom() - 2, box.width() - 4, 3),
                           m_inks.note(legibleOn(text, fillColor(Fill::Fresh, base)),
                                       fillColor(Fill::Fresh, base)));
                inkOnFill(text, Fill::Fresh);
            } else {
                ink(text, base);
            }
            p.drawText(box, Qt::AlignCenter,
                       QStringLiteral("%1").arg(s.md2X[n], 2, 16, QLatin1Char('0')));
        }
        y += 3 * rowH + 8;
    } else {
        heading(s.step < 0 ? tr("Registers (the chaining value this block starts from)")
                           : tr("Registers after step %1 (★, thick border and hatching = "
                                "computed by this step)")
                                 .arg(s.step));
        static const char *kNames = "ABCDEFGH";
        const int rcell = mfm.horizontalAdvance(QStringLiteral("A = 00000000 ★")) + 16;
        const int perRow = std::max(1, (width - left - 10) / rcell);
        const int regRows = (int(s.registers.size()) + perRow - 1) / perRow;
        p.setFont(mono);
        for (int r = 0; r < int(s.registers.size()); ++r) {
            const QRect box(left + (r % perRow) * rcell, y + (r / perRow) * (rowH + 10), rcell - 8,
                            rowH + 6);
            const bool fresh = r < int(s.fresh.size()) && s.fresh[r] && s.step >= 0;
            if (fresh) {
                paintFill(p, box, Fill::Fresh, base, text);
                ink(text, base, 3);
            } else {
                ink(faded, base, 1);
            }
            p.drawRect(box);
            if (fresh)
                inkOnFill(text, Fill::Fresh);
            else
                ink(text, base);
            p.drawText(box, Qt::AlignCenter,
                       QStringLiteral("%1 = %2%3")
                           .arg(QLatin1Char(kNames[r]))
                           .arg(hexWord(s.registers[r], 8))
                           .arg(fresh ? QStringLiteral(" ★") : QString()));
        }
        y += regRows * (rowH + 10) + 2;
        if (!s.chaining.empty()) {
            p.setFont(font());
            ink(faded, base);
            QStringList h;
            for (auto v : s.chaining)
                h << hexWord(v, 8);
            QRect used;
            p.drawText(QRect(left, y, std::max(40, width - left - 10), 4 * line), Qt::TextWordWrap,
                       tr("Chaining value: %1").arg(h.join(' ')), &used);
            y += used.height() + 4;
        }
    }
    return y;
}

int HashCanvas::naturalWidth() const
{
    // The widest part that does not wrap: a row of 16 message bytes after the offsets.
    const QFontMetrics mfm(monoFontLike(font()));
    return 60 + 16 * mfm.horizontalAdvance(QStringLiteral("000")) + 20;
}

// ---------------------------------------------------------------------------------------------
// The page

HashPage::HashPage(QWidget *parent)
    : SessionPage(std::make_shared<wb::ui::TraceSession>(), parent),
      m_state(*traceSession(), applyHashEvent, {}, 256), m_canvas(new HashCanvas),
      m_table(new wb::ui::TraceTable)
{
    m_input = new QLineEdit(QStringLiteral("abc"));
    m_input->setPlaceholderText(tr("Type a message (or hex bytes such as 61 62 63)"));
    m_input->setAccessibleName(tr("Message"));
    m_format = new QComboBox;
    m_format->addItem(tr("Text (UTF-8)"));
    m_format->addItem(tr("Hex bytes"));
    m_format->setAccessibleName(tr("Input format"));
    m_error = new QLabel;
    setErrorColor(m_error);
    m_error->setWordWrap(true);
    m_error->hide();

    // The brief's table, made live.
    m_digests = new QTableWidget(int(kAllHashAlgs.size()), 4);
    m_digests->setHorizontalHeaderLabels(
        {tr("Function"), tr("Output"), tr("Secure?"), tr("Digest (hex)")});
    m_digests->verticalHeader()->hide();
    m_digests->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_digests->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_digests->setSelectionMode(QAbstractItemView::SingleSelection);
    m_digests->horizontalHeader()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_digests->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    m_digests->horizontalHeader()->setSectionResizeMode(2, QHeaderView::ResizeToContents);
    m_digests->horizontalHeader()->setStretchLastSection(true);
    m_digests->setFont(monoFont());
    // A narrow page elides the middle of a long digest; the tooltip holds all of it.
    m_digests->setTextElideMode(Qt::ElideMiddle);
    m_digests->setWordWrap(false);
    m_digests->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_digests->setAccessibleName(tr("Digests"));
    m_digests->setTabKeyNavigation(false); // Tab moves on to the next control
    m_digests->setAccessibleDescription(
        tr("The input's digest under MD2, MD4, MD5, SHA-1 and SHA-256, with each function's "
           "output size and whether it is still considered secure"));
    for (int r = 0; r < int(kAllHashAlgs.size()); ++r) {
        const HashAlg alg = kAllHashAlgs[r];
        const bool secure = isConsideredSecure(alg);
        m_digests->setItem(r, 0, new QTableWidgetItem(algName(alg)));
        m_digests->setItem(r, 1, new QTableWidgetItem(tr("%1 bits").arg(digestSize(alg) * 8)));
        m_digests->setItem(r, 2, new QTableWidgetItem(secure ? tr("Yes") : tr("No")));
        m_digests->setItem(r, 3, new QTableWidgetItem);
    }
    fitDigestTable();
    m_digests->installEventFilter(this);
    m_digests->setToolTip(tr("Click a row to step through that algorithm"));

    m_alg = new QComboBox;
    for (HashAlg alg : kAllHashAlgs)
        m_alg->addItem(algName(alg), int(alg));
    m_alg->setCurrentIndex(2); // MD5, the tutorial's hash
    m_alg->setAccessibleName(tr("Algorithm to step"));
    m_bit = new QSpinBox;
    m_bit->setToolTip(tr("Which input bit the avalanche plot flips (0 = top bit of byte 0)"));
    m_bit->setAccessibleName(tr("Flipped input bit"));

    // The input, its format and the algorithm stepped, on one line while they fit.
    auto *top = new QHBoxLayout;
    auto *inputLabel = new QLabel(tr("Input:"));
    inputLabel->setBuddy(m_input);
    top->addWidget(inputLabel);
    top->addWidget(m_input, 1);
    top->addWidget(m_format);
    top->addWidget(labelled(tr("Step through:"), m_alg, 0));

    setupEventTable(m_table);
    m_table->setMinimumHeight(200);
    m_table->setAccessibleName(tr("Hash events"));
    m_canvas->setAccessibleName(tr("Compression state"));
    m_canvas->setAccessibleDescription(
        tr("The padded message with the current block outlined, the message words or schedule, "
           "and the registers after the current step"));
    // Beside the drawing, the events and the avalanche plot share one place as tabs: the
    // drawing of the current step keeps the height of the page.
    m_avalanchePage = new QWidget;
    auto *acol = new QVBoxLayout(m_avalanchePage);
    acol->setContentsMargins(4, 4, 4, 4);
    auto *bitRow = new wb::ui::FlowLayout;
    bitRow->addWidget(labelled(tr("Flip input bit"), m_bit, 0));
    acol->addLayout(bitRow);
    m_side = new QTabWidget;
    m_side->setDocumentMode(true);
    m_side->setAccessibleName(tr("Events and avalanche"));
    m_side->addTab(m_table, tr("Events"));
    m_side->addTab(m_avalanchePage, tr("Avalanche"));
    // Beside the drawing while both fit, below it on a narrow page.
    auto *split = new wb::ui::AdaptiveSplit(m_canvas, m_side);
    split->setStretch(3, 2);
    split->setSideWidth(eventTableMinimumWidth(m_table) + 4, 0);

    auto *col = new QVBoxLayout(this);
    col->addLayout(top);
    col->addWidget(m_error);
    col->addWidget(m_digests);
    col->addWidget(split, 1);

    m_table->setController(controller());
    connect(traceSession(), &wb::ui::TraceSession::traceReplaced, this, &HashPage::traceShown);
    connect(m_input, &QLineEdit::textChanged, this, &HashPage::recompute);
    connect(m_format, &QComboBox::currentIndexChanged, this, &HashPage::recompute);
    connect(m_alg, &QComboBox::currentIndexChanged, this, [this] {
        retrace();
        emit sourcesChanged();
    });
    connect(m_digests, &QTableWidget::cellClicked, this,
            [this](int row, int) { m_alg->setCurrentIndex(row); });
    connect(m_bit, &QSpinBox::valueChanged, this, &HashPage::updateAvalanche);
    // The plot is made when its tab is first shown (a plot lays itself out and draws on
    // every resize, shown or not), and drawn only while the tab shows.
    connect(m_side, &QTabWidget::currentChanged, this, [this](int index) {
        if (m_side->widget(index) != m_avalanchePage)
            return;
        if (!m_plot)
            makePlot();
        m_plot->replot(QCustomPlot::rpQueuedReplot);
    });
    const QString part = requestedPart(QStringLiteral("hash"));
    if (const auto alg = parseHashAlg(part.toStdString()))
        m_alg->setCurrentIndex(int(*alg));
    if (part == QLatin1String("avalanche"))
        m_side->setCurrentIndex(1);
    applyColors();
    recompute();
}

void HashPage::makePlot()
{
    m_plot = new QCustomPlot;
    wb::ui::setupPlot(m_plot, tr("step"), tr("bits that differ"));
    m_plot->setMinimumHeight(200);
    m_plot->setAccessibleName(tr("Avalanche plot"));
    m_plot->setAccessibleDescription(
        tr("After each step, how many bits of the state differ between the input and the input "
           "with one bit flipped; a dashed line marks half the state, what a random change "
           "gives"));
    m_cursorLine = wb::ui::cursorLine(m_plot);
    // The legend goes in a row of its own under the axes, where it never covers the curve.
    if (m_plot->axisRect()->insetLayout()->take(m_plot->legend)) {
        m_plot->axisRect()->insetLayout()->simplify();
        m_plot->plotLayout()->addElement(1, 0, m_plot->legend);
        m_plot->plotLayout()->setRowStretchFactor(1, 0.001);
        m_plot->legend->setFillOrder(QCPLayoutGrid::foColumnsFirst);
        m_plot->legend->setWrap(1);
        m_plot->legend->setMargins(QMargins(4, 0, 4, 2));
    }
    // Counts and steps are never negative: dragging or zooming stops at zero.
    for (QCPAxis *axis : {m_plot->xAxis, m_plot->yAxis})
        connect(axis, qOverload<const QCPRange &>(&QCPAxis::rangeChanged), m_plot,
                [axis](const QCPRange &range) {
                    if (range.lower < 0)
                        axis->setRange(0, range.size());
                });

    m_avalanchePage->layout()->addWidget(m_plot);
    static_cast<QVBoxLayout *>(m_avalanchePage->layout())->setStretchFactor(m_plot, 1);
    showAvalanche();
}

void HashPage::applyColors()
{
    const QPalette pal = QApplication::palette();
    for (int r = 0; r < int(kAllHashAlgs.size()); ++r)
        m_digests->item(r, 2)->setForeground(legibleOn(
            wb::ui::stateColor(isConsideredSecure(kAllHashAlgs[r]) ? "running" : "blocked"),
            pal.color(QPalette::Base)));
    // The current algorithm's row is selected: its text keeps 4.5:1 on the selection.
    QPalette selection;
    selection.setColor(
        QPalette::Highlight,
        wb::ui::readableOn(pal.color(QPalette::Highlight), pal.color(QPalette::HighlightedText)));
    m_digests->setPalette(selection);
    if (!m_plot)
        return;
    const QColor plotBase = pal.color(QPalette::Base);
    if (m_plot->graphCount() >= 2) {
        QPen curve = m_plot->graph(0)->pen(), half = m_plot->graph(1)->pen();
        curve.setColor(legibleOn(wb::ui::seriesColor(0), plotBase));
        half.setColor(legibleOn(wb::ui::seriesColor(1), plotBase));
        m_plot->graph(0)->setPen(curve);
        m_plot->graph(1)->setPen(half);
    }
    QPen cursor = m_cursorLine->pen();
    cursor.setColor(legibleOn(pal.color(QPalette::Highlight), plotBase));
    m_cursorLine->setPen(cursor);
    if (m_plot->isVisible())
        m_plot->replot(QCustomPlot::rpQueuedReplot);
}

void HashPage::changeEvent(QEvent *event)
{
    ModulePage::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        applyColors();
}

QList<QPair<QColor, QColor>> HashPage::inksUsed() const
{
    QList<QPair<QColor, QColor>> inks;
    const QColor base = QApplication::palette().color(QPalette::Base);
    for (int r = 0; r < m_digests->rowCount(); ++r)
        inks.append({m_digests->item(r, 2)->foreground().color(), base});
    if (m_plot) {
        const QColor plotBase = m_plot->axisRect()->backgroundBrush().color();
        for (int g = 0; g < m_plot->graphCount(); ++g)
            inks.append({m_plot->graph(g)->pen().color(), plotBase});
        inks.append({m_cursorLine->pen().color(), plotBase});
    }
    inks.append({m_digests->palette().color(QPalette::HighlightedText),
                 m_digests->palette().color(QPalette::Highlight)});
    return inks;
}

void HashPage::fitDigestTable()
{
    // All five rows without a scrollbar, at whatever font size the table has now.
    m_digests->resizeRowsToContents();
    m_digests->resizeColumnsToContents();
    const int tableH = m_digests->horizontalHeader()->sizeHint().height() +
                       m_digests->rowHeight(0) * int(kAllHashAlgs.size()) +
                       2 * m_digests->frameWidth() + 2;
    m_digests->setFixedHeight(tableH);
}

bool HashPage::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_digests && event->type() == QEvent::FontChange)
        fitDigestTable();
    return ModulePage::eventFilter(watched, event);
}

HashPage::~HashPage() = default;

void HashPage::setInput(const QString &text, bool hex)
{
    const QSignalBlocker block(m_input);
    m_input->setText(text);
    m_format->setCurrentIndex(hex ? 1 : 0); // recomputes when it changes
    recompute();
}

void HashPage::setStepAlgorithm(HashAlg alg)
{
    m_alg->setCurrentIndex(int(alg));
}

HashAlg HashPage::stepAlgorithm() const
{
    return static_cast<HashAlg>(m_alg->currentData().toInt());
}

QString HashPage::shownDigest(HashAlg alg) const
{
    return m_digests->item(int(alg), 3)->text();
}

QString HashPage::errorText() const
{
    return m_error->text();
}

void HashPage::recompute()
{
    QString why;
    const auto bytes = parseInput(m_input->text(), m_format->currentIndex() == 1, &why);
    if (!bytes) {
        m_error->setText(tr("Bad hex: %1").arg(why));
        m_error->show();
        for (int r = 0; r < m_digests->rowCount(); ++r) {
            m_digests->item(r, 3)->setText(QString());
            m_digests->item(r, 3)->setToolTip(QString());
        }
        emit statusMessage(m_error->text());
        return;
    }
    m_message = *bytes;
    m_runInput = m_input->text();
    m_runHex = m_format->currentIndex() == 1;
    m_error->setText(m_message.size() > kMaxTracedBytes
                         ? tr("Stepping shows the first %1 bytes only").arg(kMaxTracedBytes)
                         : QString());
    m_error->setVisible(!m_error->text().isEmpty());
    for (int r = 0; r < int(kAllHashAlgs.size()); ++r) {
        const QString hex = hexBytes(digest(kAllHashAlgs[r], m_message), false);
        m_digests->item(r, 3)->setText(hex);
        m_digests->item(r, 3)->setToolTip(hex);
    }
    const QSignalBlocker block(m_bit);
    m_bit->setRange(0, std::max<int>(0, int(std::min(m_message.size(), kMaxTracedBytes)) * 8 - 1));
    m_bit->setEnabled(!m_message.empty());
    retrace();
}

Bytes HashPage::tracedBytes() const
{
    return Bytes(m_message.begin(),
                 m_message.begin() + std::ptrdiff_t(std::min(m_message.size(), kMaxTracedBytes)));
}

void HashPage::retrace()
{
    m_digests->selectRow(int(stepAlgorithm()));
    auto trace = std::make_shared<wb::Trace>();
    digest(stepAlgorithm(), tracedBytes(), trace.get());
    // traceShown() finds the steps; open just after the first one: the first register the
    // algorithm computes.
    traceSession()->show(std::move(trace), 0);
    if (!m_stepPositions.empty())
        controller()->seek(qsizetype(m_stepPositions.front()));
    updateAvalanche();
}

void HashPage::traceShown()
{
    const wb::Trace *trace = traceSession()->trace();
    if (!trace)
        return;
    // The padded message from the trace's padding / length (MD2: checksum) events.
    const HashAlg alg = stepAlgorithm();
    const Bytes traced = tracedBytes();
    Bytes padded = traced, pad, trailer;
    m_stepPositions.clear();
    const bool md2 = alg == HashAlg::Md2;
    for (std::size_t n = 0; n < trace->size(); ++n) {
        events::HashEvents::visit(
            trace->at(n),
            wb::Overloaded{[&](const events::Padding &e) { pad = e.bytes; },
                           [&](const events::Length &e) { trailer = e.bytes; },
                           [&](const events::Md2AppendChecksum &e) { trailer = e.c; },
                           [&](const events::Md2Round &) {
                               if (md2)
                                   m_stepPositions.push_back(n + 1);
                           },
                           [&](const events::Step &) {
                               if (!md2)
                                   m_stepPositions.push_back(n + 1);
                           },
                           [](const auto &) {
                           }});
    }
    padded.insert(padded.end(), pad.begin(), pad.end());
    padded.insert(padded.end(), trailer.begin(), trailer.end());
    m_canvas->setMessage(alg, padded, traced.size(), pad.size());
    requestRefresh();
}

std::vector<std::pair<std::string, std::string>> HashPage::recordingSettings() const
{
    std::vector<std::pair<std::string, std::string>> out{
        {"input", m_runInput.toStdString()},
        {"format", m_runHex ? "hex" : "text"},
        {"alg", std::string(hashName(stepAlgorithm()))},
        {"bit", std::to_string(m_bit->value())},
        {"tab", m_side->currentWidget() == m_avalanchePage ? "avalanche" : "events"}};
    for (int r = 0; r < int(kAllHashAlgs.size()); ++r)
        out.emplace_back("digest." + std::string(hashName(kAllHashAlgs[r])),
                         m_digests->item(r, 3)->text().toStdString());
    std::string counts;
    for (int c : m_avalanche)
        counts += (counts.empty() ? "" : ",") + std::to_string(c);
    out.emplace_back("avalanche", counts);
    return out;
}

bool HashPage::applyRecordingSettings(
    const std::vector<std::pair<std::string, std::string>> &settings, QString *error)
{
    auto get = [&](const char *key) {
        return settingValue(settings, key);
    };
    auto refuse = [&](const QString &why) {
        *error = why;
        return false;
    };
    const auto input = get("input"), format = get("format"), algText = get("alg"),
               bitText = get("bit"), counts = get("avalanche");
    if (!input || !format || !algText || !bitText || !counts)
        return refuse(tr("the recording does not name its input, format, algorithm, flipped bit "
                         "and avalanche counts"));
    if (*format != QLatin1String("text") && *format != QLatin1String("hex"))
        return refuse(tr("the input format '%1' is neither text nor hex").arg(format->left(20)));
    const auto alg = parseHashAlg(algText->toStdString());
    if (!alg)
        return refuse(tr("the recording names an unknown hash '%1'").arg(algText->left(20)));
    QString why;
    const auto message = parseInput(*input, *format == QLatin1String("hex"), &why);
    if (!message)
        return refuse(tr("the recording's input is not valid hex: %1").arg(why));
    const int bits = int(std::min(message->size(), kMaxTracedBytes)) * 8;
    bool ok = false;
    const int bit = bitText->toInt(&ok);
    if (!ok || bit < 0 || (bit >= bits && bit != 0))
        return refuse(tr("the flipped bit '%1' is outside the input").arg(bitText->left(20)));
    const QString tab = get("tab").value_or(QStringLiteral("events"));
    if (tab != QLatin1String("events") && tab != QLatin1String("avalanche"))
        return refuse(tr("the side tab '%1' is neither events nor avalanche").arg(tab.left(20)));
    QStringList digests;
    for (HashAlg a : kAllHashAlgs) {
        const QString d = get(("digest." + std::string(hashName(a))).c_str()).value_or(QString());
        const auto bytes = fromHex(d.toStdString());
        if (!bytes || bytes->size() != digestSize(a))
            return refuse(tr("the recording's %1 digest is missing or not %2 hex bytes")
                              .arg(algName(a))
                              .arg(digestSize(a)));
        digests << d;
    }
    std::vector<int> avalanche;
    for (const QString &c : counts->split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        const int n = c.toInt(&ok);
        if (!ok || n < 0 || n > 256)
            return refuse(tr("the avalanche count '%1' is not a number of bits").arg(c.left(20)));
        avalanche.push_back(n);
    }

    // The controls as the run had them; nothing is hashed.
    {
        const QSignalBlocker a(m_input), b(m_format), c(m_alg), d(m_bit), e(m_side);
        m_input->setText(*input);
        m_format->setCurrentIndex(*format == QLatin1String("hex") ? 1 : 0);
        m_alg->setCurrentIndex(int(*alg));
        m_bit->setRange(0, std::max(0, bits - 1));
        m_bit->setValue(bit);
        m_bit->setEnabled(!message->empty());
    }
    m_message = *message;
    m_runInput = *input;
    m_runHex = *format == QLatin1String("hex");
    m_error->setText(m_message.size() > kMaxTracedBytes
                         ? tr("Stepping shows the first %1 bytes only").arg(kMaxTracedBytes)
                         : QString());
    m_error->setVisible(!m_error->text().isEmpty());
    for (int r = 0; r < int(kAllHashAlgs.size()); ++r) {
        m_digests->item(r, 3)->setText(digests[r]);
        m_digests->item(r, 3)->setToolTip(digests[r]);
    }
    m_digests->selectRow(int(*alg));
    m_avalanche = std::move(avalanche);
    // The tab change makes the plot on first showing; the plot shows the counts above.
    m_side->setCurrentWidget(tab == QLatin1String("avalanche") ? m_avalanchePage : m_table);
    if (m_side->currentWidget() == m_avalanchePage && !m_plot)
        makePlot();
    showAvalanche();
    emit sourcesChanged();
    return true;
}

bool HashPage::acceptsEvent(const wb::Event &event) const
{
    // A declared hash event with its fields, of a size the drawing can hold.
    try {
        bool fits = true;
        const bool known = events::HashEvents::visit(
            event,
            wb::Overloaded{[&](const events::Block &b) { fits = b.bytes.size() <= 64; },
                           [&](const events::Schedule &s) { fits = s.words.size() <= 80; },
                           [&](const events::State &s) { fits = !s.x || s.x->size() <= 48; },
                           [&](const events::Md2Round &r) { fits = r.x.size() <= 48; },
                           [](const auto &) {
                           }});
        return known && fits;
    } catch (const wb::EventFieldError &) {
        return false;
    }
}

const HashReplayState &HashPage::stateAtCursor()
{
    return m_state.atCursor();
}

void HashPage::updateAvalanche()
{
    m_avalanche.clear();
    if (!m_message.empty()) {
        const Bytes traced(m_message.begin(),
                           m_message.begin() +
                               std::ptrdiff_t(std::min(m_message.size(), kMaxTracedBytes)));
        m_avalanche = avalancheByStep(stepAlgorithm(), traced, std::size_t(m_bit->value()));
    }
    showAvalanche();
    requestRefresh();
}

void HashPage::showAvalanche()
{
    if (!m_plot)
        return;
    m_plot->clearGraphs();
    const HashAlg alg = stepAlgorithm();
    QVector<double> xs, ys, half;
    for (int i = 0; i < int(m_avalanche.size()); ++i) {
        xs << i;
        ys << m_avalanche[i];
        half << registerBits(alg) / 2.0;
    }
    auto *g = m_plot->addGraph();
    g->setName(tr("bits that differ (flipped bit %1)").arg(m_bit->value()));
    g->setPen(QPen(wb::ui::seriesColor(0), 2));
    g->setData(xs, ys);
    auto *h = m_plot->addGraph();
    h->setName(tr("random: half of %1 bits").arg(registerBits(alg)));
    h->setPen(QPen(wb::ui::seriesColor(1), 1.5, Qt::DashLine));
    h->setData(xs, half);
    applyColors();
    m_plot->xAxis->setRange(0, std::max<double>(1, xs.size()));
    m_plot->yAxis->setRange(0, registerBits(alg));
    m_plot->xAxis->setLabel(alg == HashAlg::Md2 ? tr("round (18 per block)")
                                                : tr("step (all blocks)"));
    moveCursor();
}

void HashPage::refresh()
{
    if (!traceSession()->trace())
        return;
    m_canvas->setState(stateAtCursor());
    moveCursor();
    emit highlightsChanged();
}

void HashPage::moveCursor()
{
    if (!m_plot || !traceSession()->trace())
        return;
    // The avalanche cursor: how many steps have happened at this position.
    const auto pos = static_cast<std::size_t>(traceSession()->position());
    const auto done = std::upper_bound(m_stepPositions.begin(), m_stepPositions.end(), pos) -
                      m_stepPositions.begin();
    wb::ui::moveCursorLine(m_cursorLine, std::max<double>(0, double(done) - 1));
    if (m_plot->isVisible())
        m_plot->replot();
}

QString HashPage::lessonMarkdown() const
{
    return lesson("hash");
}

QStringList HashPage::sourceFiles() const
{
    static const char *kFiles[] = {"core/src/md2.cpp", "core/src/md4.cpp", "core/src/md5.cpp",
                                   "core/src/sha1.cpp", "core/src/sha256.cpp"};
    return coreSources({QString::fromLatin1(kFiles[int(stepAlgorithm())]), "core/src/hash.cpp",
                        "core/include/crypto/core/hash.h"});
}

} // namespace wb::crypto::ui
