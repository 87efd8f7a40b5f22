#include "cipherview.h"
#include "common.h"

#include "crypto/core/des.h"
#include "crypto/core/events.h"

#include "workbench/ui/responsive.h"
#include "workbench/ui/theme.h"
#include "workbench/ui/tracetable.h"

#include <QComboBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPainterPath>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

#include <optional>

namespace wb::crypto::ui {

namespace {

QString bits(std::uint64_t v, int count, int group)
{
    QString s;
    for (int i = count - 1; i >= 0; --i) {
        s += (v >> i) & 1 ? QLatin1Char('1') : QLatin1Char('0');
        if (i && i % group == 0)
            s += QLatin1Char(' ');
    }
    return s;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// DES rounds

DesCanvas::DesCanvas(QWidget *parent) : ScaledCanvas(parent)
{
    // The 48-bit rows are long; a little smaller still reads, and beats a sideways scroll.
    m_minScale = 0.75;
}

void DesCanvas::setState(const DesReplayState &state)
{
    m_state = state;
    contentChanged();
}

int DesCanvas::naturalWidth() const
{
    // A 48-bit row: its label, the bits in groups of six and the note after them.
    const QFontMetrics fm(font()), mfm(monoFontLike(font()));
    return fm.horizontalAdvance(tr("S-box outputs S1..S8")) + 24 +
           mfm.horizontalAdvance(bits(0, 48, 6)) + 16 +
           fm.horizontalAdvance(tr("eight 6-bit S-box inputs")) + 12;
}

int DesCanvas::paintContent(QPainter &p, int width) const
{
    const DesReplayState &s = m_state;
    // Taken at paint time (the palette can switch); text and lines legible on the page.
    const QColor base = palette().color(QPalette::Base);
    const QColor text = palette().color(QPalette::Text);
    const QColor faded = legibleOn(palette().color(QPalette::PlaceholderText), base);
    const QColor accent = legibleOn(wb::ui::stateColor("accent"), base);
    QFont bold = font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.2);
    const QFont mono = monoFontLike(font());
    const QFontMetrics fm(font()), mfm(mono);
    int y = 10;
    p.setFont(bold);
    p.setPen(text);
    QString title;
    if (s.subkeys.size() < 16 && s.round == 0 && s.input == 0)
        title = tr("Key schedule: %1 of 16 subkeys made").arg(s.subkeys.size());
    else if (s.done)
        title = tr("Done: ciphertext = %1").arg(hexWord(s.output, 16));
    else if (s.round == 0)
        title = tr("Initial permutation: L0, R0 from the plaintext %1").arg(hexWord(s.input, 16));
    else
        title = tr("Round %1 of 16:  L%1 = R%2,  R%1 = L%2 ⊕ f(R%2, K%1)")
                    .arg(s.round)
                    .arg(s.round - 1);
    p.drawText(12, y + QFontMetrics(bold).ascent(), title);
    y += QFontMetrics(bold).height() + 14;

    const int labelW = fm.horizontalAdvance(tr("S-box outputs S1..S8")) + 24;
    auto row = [&](const QString &label, const QString &value, bool highlight = false,
                   const QString &note = {}) {
        p.setFont(font());
        p.setPen(faded);
        p.drawText(12, y + mfm.ascent(), label);
        p.setFont(mono);
        if (highlight)
            p.fillRect(
                QRect(labelW - 4, y - 1, mfm.horizontalAdvance(value) + 8, mfm.height() + 2),
                freshColor());
        p.setPen(text);
        p.drawText(labelW, y + mfm.ascent(), value);
        if (!note.isEmpty()) {
            p.setFont(font());
            p.setPen(faded);
            p.drawText(labelW + mfm.horizontalAdvance(value) + 16, y + mfm.ascent(), note);
        }
        y += mfm.height() + 8;
    };
    if (s.round >= 1) {
        row(tr("L%1 (in)").arg(s.round - 1), bits(s.previousL, 32, 4), false,
            hexWord(s.previousL, 8));
        row(tr("R%1 (in)").arg(s.round - 1), bits(s.previousR, 32, 4), false,
            hexWord(s.previousR, 8));
        y += 6;
        row(tr("E(R%1)").arg(s.round - 1), bits(s.expanded, 48, 6), false, tr("32 → 48 bits"));
        row(tr("K%1").arg(s.round), bits(s.subkey, 48, 6), false, tr("subkey, 48 bits"));
        row(tr("E ⊕ K"), bits(s.mixed, 48, 6), false, tr("eight 6-bit S-box inputs"));
        QStringList sb;
        for (auto v : s.sbox)
            sb << QStringLiteral("%1").arg(v, 4, 2, QLatin1Char('0'));
        row(tr("S-box outputs S1..S8"), sb.join("   ") + QStringLiteral("  "), false,
            tr("48 → 32 bits"));
        row(tr("f = P(S)"), bits(s.f, 32, 4), false, hexWord(s.f, 8));
        y += 6;
        row(tr("L%1 = R%2").arg(s.round).arg(s.round - 1), bits(s.l, 32, 4), false,
            hexWord(s.l, 8));
        row(tr("R%1 = L%2 ⊕ f").arg(s.round).arg(s.round - 1), bits(s.r, 32, 4), true,
            hexWord(s.r, 8));
    } else if (s.input || s.permuted) {
        row(tr("plaintext"), bits(s.input, 64, 8), false, hexWord(s.input, 16));
        row(tr("after IP"), bits(s.permuted, 64, 8), false, hexWord(s.permuted, 16));
        row(tr("L0"), bits(s.l, 32, 4), false, hexWord(s.l, 8));
        row(tr("R0"), bits(s.r, 32, 4), false, hexWord(s.r, 8));
    }
    if (s.done) {
        y += 6;
        row(tr("ciphertext (after FP)"), hexWord(s.output, 16), true);
    }
    // The sixteen subkeys, the current one marked.
    y += 12;
    p.setFont(font());
    p.setPen(text);
    QRect used;
    p.drawText(QRect(12, y, std::max(40, width - 24), 4 * fm.height()), Qt::TextWordWrap,
               tr("Key schedule: 16 subkeys of 48 bits (56 key bits used; every 8th bit is "
                  "parity)"),
               &used);
    y += used.height() + 4;
    p.setFont(mono);
    const int kw = mfm.horizontalAdvance(QStringLiteral("K16 000000000000")) + 20;
    const int perRow = std::max(1, (width - 24) / kw);
    for (int k = 0; k < int(s.subkeys.size()); ++k) {
        const QRect box(12 + (k % perRow) * kw, y + (k / perRow) * (mfm.height() + 4), kw - 10,
                        mfm.height() + 2);
        if (k + 1 == s.round && !s.done) { // filled and outlined: not colour alone
            p.fillRect(box, QColor(accent.red(), accent.green(), accent.blue(), 60));
            p.setPen(QPen(accent, 2));
            p.drawRect(box);
        }
        p.setPen(text);
        p.drawText(box, Qt::AlignVCenter | Qt::AlignLeft,
                   QStringLiteral("K%1 %2").arg(k + 1, -2).arg(hexWord(s.subkeys[k], 12)));
    }
    y += int((s.subkeys.size() + perRow - 1) / perRow) * (mfm.height() + 4) + 8;
    return y;
}

// ---------------------------------------------------------------------------------------------
// Modes, block by block

ModesCanvas::ModesCanvas(QWidget *parent) : ScaledCanvas(parent) {}

void ModesCanvas::setBlocks(Mode mode, const std::vector<ModeBlock> &blocks)
{
    m_mode = mode;
    m_blocks = blocks;
    contentChanged();
}

int ModesCanvas::columnWidth() const
{
    // One block's column: a 16-digit hex box and the gap that holds the feedback arrow.
    return QFontMetrics(monoFontLike(font(), 0.9))
               .horizontalAdvance(QStringLiteral("0").repeated(16)) +
           24 + 30;
}

int ModesCanvas::naturalWidth() const
{
    // Every block it can show side by side, so the scale shrinks to fit them where it can.
    const int maxBlocks = m_mode == Mode::Cfb8 ? 8 : 6;
    return 40 + std::clamp(int(m_blocks.size()), 2, maxBlocks) * columnWidth();
}

QSize ModesCanvas::minimumSizeHint() const
{
    // Two blocks, so the feedback path shows; more are drawn when there is room.
    return {int((40 + 2 * columnWidth()) * m_minScale), 120};
}

int ModesCanvas::paintContent(QPainter &p, int width) const
{
    // Taken at paint time (the palette can switch); text and lines legible on the page.
    const QColor base = palette().color(QPalette::Base);
    const QColor text = palette().color(QPalette::Text);
    const QColor faded = legibleOn(palette().color(QPalette::PlaceholderText), base);
    const QColor accent = legibleOn(wb::ui::stateColor("accent"), base);
    const QColor warn = legibleOn(wb::ui::stateColor("blocked"), base);
    const QFont mono = monoFontLike(font(), 0.9);
    const QFontMetrics mfm(mono), fm(font());
    // As many blocks as fit side by side, up to six (eight CFB-8 bytes).
    const int fit = std::max(1, (width - 40) / columnWidth());
    const int n = std::min({int(m_blocks.size()), m_mode == Mode::Cfb8 ? 8 : 6, fit});
    if (n == 0)
        return 0;
    const int colW = std::max(columnWidth(), (width - 40) / n);
    const double boxW = colW - 30, boxH = mfm.height() + 8;
    p.setFont(font());
    p.setPen(text);
    const QString how =
        m_mode == Mode::Ecb
            ? tr("ECB: C_i = E(P_i). Nothing links the blocks: equal inputs give equal outputs.")
        : m_mode == Mode::Cbc ? tr("CBC: C_i = E(P_i ⊕ C_{i-1}), C_0 = IV. The previous "
                                   "ciphertext is mixed in before encryption.")
        : m_mode == Mode::Cfb8
            ? tr("CFB-8: out = in ⊕ top byte of E(register); the register shifts in each "
                 "ciphertext byte.")
            : tr("CFB-64: C_i = P_i ⊕ E(C_{i-1}). E encrypts the register, never the plaintext.");
    const QRect textArea(12, 10, std::max(40, width - 24), 6 * fm.height());
    QRect used;
    p.drawText(textArea, Qt::TextWordWrap, how, &used);
    int y = 10 + used.height();
    p.setPen(faded);
    p.drawText(textArea.translated(0, used.height()), Qt::TextWordWrap,
               tr("Arrows in blue: the feedback path into the next block. Showing %1 of %2 %3.")
                   .arg(n)
                   .arg(m_blocks.size())
                   .arg(m_mode == Mode::Cfb8 ? tr("bytes") : tr("blocks")),
               &used);
    y += used.height();
    // The rows of boxes, below the wrapped explanation.
    const double top = y - 20 + fm.height();
    const double gapY = std::max(80.0, 4.5 * fm.height());
    const double yIn = top, yE = top + gapY, yOut = top + 2 * gapY, yXor = top + 1.5 * gapY;
    const bool cfb = m_mode == Mode::Cfb8 || m_mode == Mode::Cfb64;
    auto arrow = [&](QPointF a, QPointF b, const QColor &c) {
        p.setPen(QPen(c, 1.6));
        p.drawLine(a, b);
        const QLineF l(b, a);
        const double ang = std::atan2(-l.dy(), l.dx());
        QPolygonF head;
        head << b << b + QPointF(std::sin(ang + M_PI / 3) * 7, std::cos(ang + M_PI / 3) * 7)
             << b + QPointF(std::sin(ang + M_PI - M_PI / 3) * 7,
                            std::cos(ang + M_PI - M_PI / 3) * 7);
        p.setBrush(c);
        p.drawPolygon(head);
        p.setBrush(Qt::NoBrush);
    };
    // The label goes above the box, or under it where an arrow comes in from above.
    auto box = [&](QRectF r, const QString &label, const QString &value, const QColor &fill,
                   bool labelBelow = false) {
        p.fillRect(r, fill);
        p.setPen(QPen(faded, 1));
        p.drawRect(r);
        p.setFont(mono);
        p.setPen(text);
        p.drawText(r, Qt::AlignCenter, value);
        p.setFont(font());
        p.setPen(faded);
        p.drawText(labelBelow ? QPointF(r.left(), r.bottom() + fm.ascent() + 3)
                              : QPointF(r.left(), r.top() - 3),
                   label);
    };
    for (int i = 0; i < n; ++i) {
        const ModeBlock &b = m_blocks[std::size_t(i)];
        const double x = 20 + i * colW;
        const QRectF in(x, yIn + 20, boxW, boxH), e(x, yE + 20, boxW, boxH),
            out(x, yOut + 40, boxW, boxH);
        const QString reg = hexWord(b.reg, 16);
        if (cfb) {
            box(QRectF(x, yIn + 20, boxW, boxH), tr("register"), reg,
                QColor(accent.red(), accent.green(), accent.blue(), 40));
            box(e, tr("E(register)"), hexWord(b.cipherOut, 16), messageColor());
            box(QRectF(x, yXor + 20, boxW, boxH), tr("P%1 (plaintext)").arg(i),
                hexBytes(b.in, false), paddingColor());
            arrow({x + boxW / 2, yIn + 20 + boxH}, {x + boxW / 2, yE + 20}, text);
        } else {
            box(in, tr("P%1 (plaintext)").arg(i), hexBytes(b.in, false), paddingColor());
            // The box holds what goes into E; its output is the ciphertext below.
            const QString into = m_mode == Mode::Ecb ? tr("into E: P%1").arg(i)
                                 : i == 0            ? tr("into E: P0 ⊕ IV")
                                                     : tr("into E: P%1 ⊕ C%2").arg(i).arg(i - 1);
            box(e, into, hexWord(b.cipherIn, 16), messageColor());
            arrow({x + boxW / 2, yIn + 20 + boxH}, {x + boxW / 2, yE + 20}, text);
        }
        box(out, tr("C%1 (ciphertext)").arg(i), hexBytes(b.out, false), lengthColor(), true);
        arrow({x + boxW / 2, (cfb ? yXor : yE) + 20 + boxH}, {x + boxW / 2, yOut + 40}, text);
        if (!cfb) { // name the step the arrow stands for
            p.setFont(font());
            p.setPen(faded);
            p.drawText(QPointF(x + boxW / 2 + 8, yE + 20 + boxH + fm.ascent() + 6),
                       tr("DES encrypt (E)"));
        }
        // Feedback into the next column.
        if (m_mode != Mode::Ecb && i + 1 < n) {
            const QPointF from(x + boxW, yOut + 40 + boxH / 2);
            const QPointF to(x + colW, (cfb ? yIn : yE) + 20 + boxH / 2);
            QPainterPath path(from);
            path.cubicTo(from + QPointF(20, 0), to - QPointF(20, 0), to);
            p.setPen(QPen(accent, 2));
            p.drawPath(path);
            arrow(to - QPointF(6, 0), to, accent);
        }
    }
    // An ECB repeat is the leak: mark equal ciphertext blocks.
    if (m_mode == Mode::Ecb) {
        for (int i = 0; i < n; ++i)
            for (int k = 0; k < i; ++k)
                if (m_blocks[std::size_t(i)].out == m_blocks[std::size_t(k)].out) {
                    p.setPen(warn);
                    p.drawText(QPointF(20 + i * colW, yOut + 40 + boxH + 2 * fm.height() + 4),
                               tr("= C%1: equal blocks leak").arg(k));
                }
    }
    y = int(yOut + 40 + boxH + 2.5 * fm.height());
    if (m_mode == Mode::Cbc || cfb) {
        p.setPen(faded);
        p.drawText(QRect(12, y, std::max(40, width - 24), 4 * fm.height()), Qt::TextWordWrap,
                   tr("IV = the first register (%1). Decryption %2.")
                       .arg(hexWord(m_blocks.front().reg, 16))
                       .arg(cfb ? tr("also runs E on the register, never D")
                                : tr("runs D, then XORs C_{i-1}")),
                   &used);
        y += used.height();
    }
    return y + 8;
}

// ---------------------------------------------------------------------------------------------
// The image demo

ImageLeak::ImageLeak(QWidget *parent) : QWidget(parent)
{
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
    // A flat-coloured logo: large areas of identical 8-byte blocks, as in a real icon.
    m_plain = QImage(192, 128, QImage::Format_RGB32);
    m_plain.fill(QColor(250, 250, 250));
    {
        QPainter p(&m_plain);
        p.setPen(Qt::NoPen);
        p.setBrush(QColor(9, 105, 218));
        p.drawEllipse(QRect(16, 16, 96, 96));
        p.setBrush(QColor(207, 34, 46));
        p.drawRect(QRect(96, 40, 80, 56));
        p.setBrush(QColor(250, 250, 250));
        p.drawRect(QRect(40, 56, 48, 16));
    }
    const Bytes key = {'0', '1', '2', '3', '4', '5', '6', '7'};
    const Bytes iv = {0, 1, 2, 3, 4, 5, 6, 7};
    const auto des = DesCipher::des(key);
    const auto *bits = m_plain.constBits();
    const Bytes pixels(bits, bits + m_plain.sizeInBytes()); // 192 * 4 bytes a row: whole blocks
    auto toImage = [this](const Bytes &b) {
        QImage img(m_plain.size(), QImage::Format_RGB32);
        std::memcpy(img.bits(), b.data(), b.size());
        return img;
    };
    m_ecb = toImage(DesModeCipher(des, Mode::Ecb, Direction::Encrypt).process(pixels));
    m_cbc = toImage(DesModeCipher(des, Mode::Cbc, Direction::Encrypt, iv).process(pixels));
}

void ImageLeak::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    const QColor text = palette().color(QPalette::Text);
    const QFontMetrics fm(font());
    const int gap = 16;
    // Three pictures side by side, as large as the width allows (never below half size, so
    // the ECB outline stays visible).
    const double scale = std::clamp(std::min((width() - 4.0 * gap) / (3.0 * m_plain.width()),
                                             (height() - 8.0 * fm.height()) / m_plain.height()),
                                    0.5, 4.0);
    const int w = int(m_plain.width() * scale), h = int(m_plain.height() * scale);
    const QImage *images[3] = {&m_plain, &m_ecb, &m_cbc};
    const QString titles[3] = {tr("The picture (192×128 pixels, 4 bytes each)"),
                               tr("DES-ECB: each 8-byte block alone"),
                               tr("DES-CBC: chained with a random-looking IV")};
    // Titles wrap to the picture's width; the pictures line up under the tallest.
    int titleH = 0;
    for (const QString &t : titles)
        titleH = std::max(
            titleH,
            fm.boundingRect(QRect(0, 0, w, 10 * fm.height()), Qt::TextWordWrap, t).height());
    for (int i = 0; i < 3; ++i) {
        const int x = gap + i * (w + gap);
        p.setPen(text);
        p.drawText(QRect(x, 8, w, titleH), Qt::TextWordWrap | Qt::AlignBottom, titles[i]);
        p.drawImage(QRect(x, 12 + titleH, w, h), *images[i]);
    }
    p.setPen(text);
    p.drawText(
        QRect(gap, 24 + titleH + h, width() - 2 * gap, height() - 24 - titleH - h),
        Qt::TextWordWrap,
        tr("Key 01234567. Two pixels make one DES block. Every equal pair of pixels becomes "
           "the same ciphertext in ECB, so the shapes stay visible; CBC mixes in the previous "
           "ciphertext, so equal blocks no longer look equal."));
}

QSize ImageLeak::minimumSizeHint() const
{
    const QFontMetrics fm(font());
    return {int(3 * m_plain.width() * 0.5) + 4 * 16,
            int(m_plain.height() * 0.5) + 10 * fm.height()};
}

// ---------------------------------------------------------------------------------------------
// The page

CipherPage::CipherPage(QWidget *parent)
    : SessionPage(std::make_shared<wb::ui::TraceSession>(), parent),
      m_state(*traceSession(), applyDesEvent, {}, 64), m_canvas(new DesCanvas),
      m_modes(new ModesCanvas), m_image(new ImageLeak), m_table(new wb::ui::TraceTable)
{
    auto makeError = [] {
        auto *l = new QLabel;
        setErrorColor(l);
        return l;
    };
    // Tab 1: DES rounds.
    m_key = new QLineEdit(QStringLiteral("3031323334353637"));
    m_key->setToolTip(tr("8 bytes as 16 hex digits; 3031323334353637 is the text \"01234567\""));
    m_block = new QLineEdit(QStringLiteral("6162636465666768"));
    m_block->setToolTip(tr("one 8-byte block; 6162636465666768 is \"abcdefgh\""));
    // Wide enough for the 16 digits, at whatever font size the page has.
    const int hexWidth = m_key->fontMetrics().horizontalAdvance(QStringLiteral("0").repeated(20));
    m_key->setMinimumWidth(hexWidth);
    m_block->setMinimumWidth(hexWidth);
    m_key->setAccessibleName(tr("Key"));
    m_block->setAccessibleName(tr("Plaintext block"));
    m_error = makeError();
    m_error->setWordWrap(true);
    m_result = new QLabel;
    m_result->setFont(monoFont());
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // Key, block and result wrap onto more lines on a narrow page.
    auto *form = new wb::ui::FlowLayout;
    form->addWidget(labelled(tr("Key (hex):"), m_key));
    form->addWidget(labelled(tr("Plaintext block (hex):"), m_block));
    form->addWidget(m_result);
    // The round canvas is wide (48-bit rows with notes), so the events go below it: side by
    // side, one of the two always ended up squeezed.
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_canvas);
    split->addWidget(m_table);
    split->setStretchFactor(0, 0); // the canvas keeps its minimum height; the table takes the rest
    split->setStretchFactor(1, 1);
    split->setChildrenCollapsible(false);
    setupEventTable(m_table);
    m_table->setMinimumHeight(m_table->verticalHeader()->defaultSectionSize() * 5);
    m_table->setAccessibleName(tr("DES events"));
    m_canvas->setAccessibleName(tr("DES round"));
    m_canvas->setAccessibleDescription(
        tr("The halves L and R going into the current round, the expansion, the subkey, the "
           "S-box outputs, f and the new halves, and the sixteen subkeys"));
    auto *rounds = new QWidget;
    auto *rcol = new QVBoxLayout(rounds);
    rcol->addLayout(form);
    rcol->addWidget(m_error);
    rcol->addWidget(split, 1);

    // Tab 2: modes.
    m_mode = new QComboBox;
    m_mode->addItem(QStringLiteral("ECB"), int(Mode::Ecb));
    m_mode->addItem(QStringLiteral("CBC"), int(Mode::Cbc));
    m_mode->addItem(QStringLiteral("CFB-8"), int(Mode::Cfb8));
    m_mode->addItem(QStringLiteral("CFB-64"), int(Mode::Cfb64));
    m_mode->setAccessibleName(tr("Mode"));
    m_modeText = new QLineEdit(QStringLiteral("abcdefghabcdefghijklmnop"));
    m_modeText->setToolTip(
        tr("Plaintext (text). ECB and CBC need a multiple of 8 bytes: no padding is added."));
    m_modeText->setAccessibleName(tr("Plaintext"));
    m_modeText->setMinimumWidth(
        m_modeText->fontMetrics().horizontalAdvance(QStringLiteral("0").repeated(30)));
    m_iv = new QLineEdit(QStringLiteral("0001020304050607"));
    m_iv->setMinimumWidth(hexWidth);
    m_iv->setAccessibleName(tr("Initialisation vector"));
    m_modeError = makeError();
    m_modeError->setWordWrap(true);
    m_modeError->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_modeResult = new QLabel;
    m_modeResult->setWordWrap(true);
    m_modeResult->setTextInteractionFlags(Qt::TextSelectableByMouse);
    auto *mrow = new wb::ui::FlowLayout;
    mrow->addWidget(labelled(tr("Mode:"), m_mode, 0));
    mrow->addWidget(labelled(tr("Plaintext:"), m_modeText));
    mrow->addWidget(labelled(tr("IV (hex):"), m_iv));
    m_modes->setAccessibleName(tr("Mode diagram"));
    m_modes->setAccessibleDescription(
        tr("The first blocks of the message: each plaintext block, what goes into DES, the "
           "ciphertext, and the feedback path into the next block"));
    auto *modes = new QWidget;
    auto *mcol = new QVBoxLayout(modes);
    mcol->addLayout(mrow);
    mcol->addWidget(m_modeError);
    mcol->addWidget(m_modeResult);
    mcol->addWidget(m_modes, 1);
    m_image->setAccessibleName(tr("ECB picture"));
    m_image->setAccessibleDescription(
        tr("A picture, the same picture encrypted with DES in ECB mode, where its outline stays "
           "visible, and encrypted in CBC mode, where it looks like noise"));

    m_tabs = new QTabWidget;
    m_tabs->setAccessibleName(tr("DES parts"));
    m_tabs->addTab(rounds, tr("DES rounds"));
    m_tabs->addTab(modes, tr("Modes: ECB, CBC, CFB"));
    m_tabs->addTab(m_image, tr("ECB leaks a picture"));
    auto *col = new QVBoxLayout(this);
    col->setContentsMargins(0, 0, 0, 0);
    col->addWidget(m_tabs);
    // Only the rounds tab has steps; on the others the transport bar has nothing to drive.
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int index) {
        if (index == 1 && m_modesStale)
            rerunModes();
        emit controllerChanged();
        emit highlightsChanged();
    });

    m_table->setController(SessionPage::controller());
    connect(traceSession(), &wb::ui::TraceSession::traceReplaced, this, &CipherPage::traceShown);
    connect(m_key, &QLineEdit::textChanged, this, [this] {
        rerun();
        rerunModes();
    });
    connect(m_block, &QLineEdit::textChanged, this, [this] { rerun(); });
    connect(m_mode, &QComboBox::currentIndexChanged, this, [this] { rerunModes(); });
    connect(m_modeText, &QLineEdit::textChanged, this, [this] { rerunModes(); });
    connect(m_iv, &QLineEdit::textChanged, this, [this] { rerunModes(); });
    rerun();
    rerunModes();
    const QString part = requestedPart(QStringLiteral("cipher"));
    m_tabs->setCurrentIndex(part == QLatin1String("modes")   ? 1
                            : part == QLatin1String("image") ? 2
                                                             : 0);
}

wb::ui::StepController *CipherPage::controller() const
{
    return m_tabs->currentIndex() == 0 ? SessionPage::controller() : nullptr;
}

CipherPage::~CipherPage() = default;

bool CipherPage::setKeyAndBlock(const QString &keyHex, const QString &blockHex)
{
    const QSignalBlocker a(m_key), b(m_block);
    m_key->setText(keyHex);
    m_block->setText(blockHex);
    const bool ok = rerun();
    rerunModes();
    return ok;
}

bool CipherPage::setMode(Mode mode, const QString &ivHex)
{
    const QSignalBlocker a(m_mode), b(m_iv);
    m_mode->setCurrentIndex(int(mode));
    m_iv->setText(ivHex);
    return rerunModes();
}

QString CipherPage::errorText() const
{
    return m_error->text();
}

bool CipherPage::rerun()
{
    QString why;
    const auto key = parseInput(m_key->text(), true, &why);
    const auto block = key ? parseInput(m_block->text(), true, &why) : std::nullopt;
    if (!key || !block || block->size() != 8) {
        m_error->show();
        m_error->setText(!why.isEmpty() ? tr("Bad hex: %1").arg(why)
                                        : tr("The block must be 8 bytes (16 hex digits), got %1")
                                              .arg(block ? block->size() : 0));
        return false;
    }
    try {
        auto trace = std::make_shared<wb::Trace>();
        const auto des = DesCipher::des(*key, trace.get());
        des.encryptBlock(loadBlock(block->data()), trace.get());
        m_error->clear();
        m_error->hide();
        m_run = Run{};
        m_run.key = m_key->text();
        m_run.input = m_block->text();
        // Open on round 1: the first full Feistel round.
        const auto round1 = trace->findNext(events::DesRound::kind, 0);
        traceSession()->show(std::move(trace), round1 ? qsizetype(*round1 + 1) : 0);
        return true;
    } catch (const CryptoError &e) {
        m_error->setText(QString::fromUtf8(e.what()));
        m_error->show();
        return false;
    }
}

void CipherPage::traceShown()
{
    const wb::Trace *trace = traceSession()->trace();
    if (!trace)
        return;
    // The result the trace ends with: the last pass's output for one block, the mode's
    // output bytes otherwise.
    Bytes out;
    std::uint64_t last = 0;
    for (std::size_t n = 0; n < trace->size(); ++n) {
        if (const auto fp = wb::as<events::DesFp>(trace->at(n)))
            last = fp->output;
        else if (const auto b = wb::as<events::ModeBlock>(trace->at(n)))
            out.insert(out.end(), b->out.begin(), b->out.end());
    }
    m_ciphertext = last;
    if (m_run.oneBlock()) {
        m_result->setText(tr("→ ciphertext %1").arg(hexWord(m_ciphertext, 16)));
        return;
    }
    const QString name =
        m_run.cipher == QLatin1String("des3") ? tr("Triple-DES") : QStringLiteral("DES");
    const QString mode =
        m_run.mode == QLatin1String("block") ? tr("one block") : m_run.mode.toUpper();
    m_result->setText(tr("Recorded run: %1, %2, %3 → %4")
                          .arg(name, mode, m_run.decrypt ? tr("decrypt") : tr("encrypt"),
                               out.empty() ? hexWord(m_ciphertext, 16) : hexBytes(out, false)));
}

std::vector<std::pair<std::string, std::string>> CipherPage::recordingSettings() const
{
    return {{"cipher", m_run.cipher.toStdString()},
            {"key", m_run.key.toStdString()},
            {"input", m_run.input.toStdString()},
            {"mode", m_run.mode.toStdString()},
            {"iv", m_run.iv.toStdString()},
            {"direction", m_run.decrypt ? "decrypt" : "encrypt"}};
}

bool CipherPage::applyRecordingSettings(
    const std::vector<std::pair<std::string, std::string>> &settings, QString *error)
{
    auto get = [&](const char *key) {
        return settingValue(settings, key);
    };
    auto refuse = [&](const QString &why) {
        *error = why;
        return false;
    };
    Run run;
    const auto cipher = get("cipher"), key = get("key"), input = get("input"), mode = get("mode"),
               iv = get("iv"), direction = get("direction");
    if (!cipher || !key || !input || !mode || !iv || !direction)
        return refuse(tr("the recording does not name its cipher, key, input, mode, IV and "
                         "direction"));
    if (*cipher != QLatin1String("des") && *cipher != QLatin1String("des3"))
        return refuse(tr("the cipher '%1' is neither des nor des3").arg(cipher->left(20)));
    if (*mode != QLatin1String("block") && !parseMode(mode->toStdString()))
        return refuse(
            tr("the mode '%1' is not one of block, ecb, cbc, cfb8 and cfb64").arg(mode->left(20)));
    if (*direction != QLatin1String("encrypt") && *direction != QLatin1String("decrypt"))
        return refuse(
            tr("the direction '%1' is neither encrypt nor decrypt").arg(direction->left(20)));
    QString why;
    if (!parseInput(*key, true, &why) || !parseInput(*input, true, &why) ||
        !parseInput(*iv, true, &why))
        return refuse(tr("the recording's key, input or IV is not valid hex: %1").arg(why));
    run.cipher = *cipher;
    run.key = *key;
    run.input = *input;
    run.mode = *mode;
    run.iv = *iv;
    run.decrypt = *direction == QLatin1String("decrypt");

    // The controls as the run had them; nothing is encrypted. The modes tab runs again from
    // the new key when it is next shown.
    {
        const QSignalBlocker a(m_key), b(m_block);
        m_key->setText(run.key);
        m_block->setText(run.input);
    }
    m_run = run;
    m_error->clear();
    m_error->hide();
    m_modesStale = true;
    m_tabs->setCurrentIndex(0);
    return true;
}

bool CipherPage::acceptsEvent(const wb::Event &event) const
{
    // A declared DES or mode event with its fields, of a shape the drawing can hold.
    try {
        bool fits = true;
        const bool known = events::DesEvents::visit(
            event, wb::Overloaded{
                       [&](const events::DesSubkey &k) { fits = k.round >= 1 && k.round <= 16; },
                       [&](const events::DesRound &r) {
                           fits = r.round >= 1 && r.round <= 16 && r.sbox.size() == 8;
                       },
                       [](const auto &) {
                       }});
        return known && fits;
    } catch (const wb::EventFieldError &) {
        return false;
    }
}

bool CipherPage::rerunModes()
{
    m_modesStale = false;
    const Mode mode = static_cast<Mode>(m_mode->currentData().toInt());
    QString why;
    const auto key = parseInput(m_key->text(), true, &why);
    const QByteArray plain = m_modeText->text().toUtf8();
    const auto iv = parseInput(m_iv->text(), true, &why);
    m_iv->setEnabled(modeNeedsIv(mode));
    // Errors in the error colour; the result in a label of its own in the page's style.
    auto report = [this](const QString &text, bool error) {
        m_modeError->setText(error ? text : QString());
        m_modeError->setVisible(error);
        m_modeResult->setText(error ? QString() : text);
        m_modeResult->setVisible(!error);
    };
    if (!key || (!iv && modeNeedsIv(mode))) {
        report(tr("Bad hex: %1").arg(why), true);
        m_modes->setBlocks(mode, {});
        return false;
    }
    try {
        wb::Trace trace;
        const auto des = DesCipher::des(*key);
        DesModeCipher cipher(des, mode, Direction::Encrypt,
                             modeNeedsIv(mode) ? std::span<const std::uint8_t>(*iv)
                                               : std::span<const std::uint8_t>{},
                             &trace);
        const Bytes out = cipher.process(Bytes(plain.begin(), plain.end()));
        m_modeOutput = hexBytes(out, false);
        std::vector<ModeBlock> blocks;
        for (std::size_t n = 0; n < trace.size(); ++n) {
            if (auto b = wb::as<events::ModeBlock>(trace.at(n)))
                blocks.push_back({b->feedback, b->cipherIn, b->cipherOut, b->in, b->out});
        }
        m_modes->setBlocks(mode, blocks);
        // One 8-byte block a group, so a long ciphertext wraps between blocks.
        QStringList groups;
        for (qsizetype i = 0; i < m_modeOutput.size(); i += 16)
            groups << m_modeOutput.mid(i, 16);
        report(tr("Ciphertext: %1").arg(groups.join(QLatin1Char(' '))), false);
        return true;
    } catch (const CryptoError &e) {
        report(QString::fromUtf8(e.what()), true);
        m_modes->setBlocks(mode, {});
        m_modeOutput.clear();
        return false;
    }
}

const DesReplayState &CipherPage::stateAtCursor()
{
    return m_state.atCursor();
}

void CipherPage::refresh()
{
    if (!traceSession()->trace())
        return;
    m_canvas->setState(stateAtCursor());
    emit highlightsChanged();
}

QString CipherPage::lessonMarkdown() const
{
    return lesson("cipher");
}

QStringList CipherPage::sourceFiles() const
{
    return coreSources(
        {"core/src/des.cpp", "core/src/modes.cpp", "core/include/crypto/core/modes.h"});
}

} // namespace wb::crypto::ui
