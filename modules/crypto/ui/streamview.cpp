#include "streamview.h"
#include "common.h"

#include "crypto/core/arc4.h"
#include "crypto/core/events.h"

#include "workbench/ui/responsive.h"
#include "workbench/ui/theme.h"
#include "workbench/ui/tracetable.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QResizeEvent>
#include <QSplitter>
#include <QVBoxLayout>

#include <functional>
#include <optional>

namespace wb::crypto::ui {

Arc4Canvas::Arc4Canvas(QWidget *parent) : QWidget(parent)
{
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
}

void Arc4Canvas::setState(const Arc4ReplayState &state)
{
    m_state = state;
    update();
}

int Arc4Canvas::legendHeight(int width) const
{
    // The legend below the grid wraps at the same places as in paintEvent().
    const QFontMetrics fm(font());
    const QString items[] = {tr("i"), tr("j"), tr("the two entries just swapped"),
                             tr("S[t]: the keystream byte")};
    int lx = 12, lines = 1;
    for (const QString &t : items) {
        if (lx > 12 && lx + 24 + fm.horizontalAdvance(t) > width - 8) {
            lx = 12;
            ++lines;
        }
        lx += 24 + fm.horizontalAdvance(t) + 20;
    }
    return lines * (fm.height() + 4) + 6;
}

int Arc4Canvas::minimumCellPixels() const
{
    // A little larger than running text: these digits are what the class reads off.
    return int(QFontInfo(monoFontLike(font())).pixelSize() * 1.05 + 0.5);
}

int Arc4Canvas::minimumCell() const
{
    QFont f = monoFontLike(font());
    f.setPixelSize(minimumCellPixels());
    return QFontMetrics(f).horizontalAdvance(QStringLiteral("00")) + 5;
}

QSize Arc4Canvas::minimumSizeHint() const
{
    // The grid at its smallest cells, with the lines above and below it as they wrap at the
    // width the drawing has now.
    const QFontMetrics fm(font()), mfm(monoFontLike(font()));
    QFont bold = font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.2);
    QFont cellFont = monoFontLike(font());
    cellFont.setPixelSize(minimumCellPixels());
    const int cell = minimumCell();
    const int left = mfm.horizontalAdvance(QStringLiteral("f_")) + 16;
    const int w = std::max(width(), left + 16 * cell + 12);
    const int above = 10 + QFontMetrics(bold).height() + 2 + 2 * fm.height() + 6 +
                      QFontMetrics(cellFont).height();
    const int below = 8 + legendHeight(w) + 4 + 3 * (mfm.height() + 4) + 4;
    return {left + 16 * cell + 12, above + 16 * cell + below};
}

void Arc4Canvas::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    // The legend wraps differently at another width, and the minimum height with it.
    if (event->size().width() != event->oldSize().width())
        updateGeometry();
}

void Arc4Canvas::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    // Colours are taken here, at paint time, so a switch of palette is followed; each text
    // and line colour is made legible on what it is drawn on, and noted in m_inks.
    m_inks.clear();
    const Arc4ReplayState &s = m_state;
    const QColor base = palette().color(QPalette::Base);
    const QColor text = palette().color(QPalette::Text);
    const QColor faded = legibleOn(palette().color(QPalette::PlaceholderText), base);
    const QColor spare = wb::ui::stateColor("spare");
    auto ink = [&](const QColor &c, const QColor &paper, qreal w = 0,
                   Qt::PenStyle style = Qt::SolidLine) {
        m_inks.pen(p, c, paper, w, style);
    };
    const QFont mono = monoFontLike(font());
    const QFontMetrics fm(font()), mfm(mono);
    QFont bold = font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.2);
    int y = 10;
    p.setFont(bold);
    ink(text, base);
    using Phase = Arc4ReplayState::Phase;
    const QString title = s.phase == Phase::Start ? tr("Start: S = 0, 1, …, 255")
                          : s.phase == Phase::KeySchedule
                              ? tr("Key schedule, step i = %1 of 256").arg(s.i)
                              : tr("Keystream byte %1").arg(s.keystream.size() - 1);
    const QString formula =
        s.phase == Phase::Start ? tr("Press → to run the key schedule.")
        : s.phase == Phase::KeySchedule
            ? tr("j = j + S[i] + key[i mod len] = %1 (key byte %2); swap S[%3] ↔ S[%1]")
                  .arg(s.j)
                  .arg(hexWord(std::uint64_t(s.keyByte), 2))
                  .arg(s.i)
            : tr("i = %1; j = j + S[i] = %2; swap S[i] ↔ S[j]; k = S[(S[i] + S[j]) mod 256] = "
                 "S[%3] = %4")
                  .arg(s.i)
                  .arg(s.j)
                  .arg(s.t)
                  .arg(hexWord(s.keystream.empty() ? 0 : s.keystream.back(), 2));
    QRect used;
    p.drawText(QRect(12, y, std::max(40, width() - 24), 3 * QFontMetrics(bold).height()),
               Qt::TextWordWrap, title, &used);
    y += used.height() + 2;
    p.setFont(font());
    p.drawText(QRect(12, y, std::max(40, width() - 24), 4 * fm.height()), Qt::TextWordWrap,
               formula, &used);
    y += used.height() + 6;

    // The grid takes the room left over by the text around it; the digits in its cells
    // grow with the cells, never smaller than the page's fixed-width font.
    const int left = mfm.horizontalAdvance(QStringLiteral("f_")) + 16;
    const int below = 8 + legendHeight(width()) + 4 + 3 * (mfm.height() + 4) + 4;
    const int minCell = minimumCell();
    const int cell =
        std::max(minCell, std::min({(width() - left - 12) / 16,
                                    (height() - y - mfm.height() - below) / 16, 3 * minCell}));
    QFont cellFont = mono;
    cellFont.setPixelSize(std::max(minimumCellPixels(), int(cell * 0.5)));
    const QFontMetrics cfm(cellFont);
    p.setFont(cellFont);
    for (int c = 0; c < 16; ++c) {
        ink(faded, base);
        p.drawText(QRect(left + c * cell, y, cell, cfm.height()), Qt::AlignCenter,
                   QStringLiteral("_%1").arg(c, 0, 16));
    }
    y += cfm.height();
    const int top = y;
    // The keystream cell's mark: a bar under its digits, as in the legend.
    auto keystreamBar = [&](const QRect &r, const QColor &under) {
        p.fillRect(QRect(r.left() + 3, r.bottom() - 3, r.width() - 6, 3),
                   m_inks.note(legibleOn(text, under), under));
    };
    for (int n = 0; n < 256; ++n) {
        const QRect r(left + (n % 16) * cell, top + (n / 16) * cell, cell - 2, cell - 2);
        // Swapped entries are hatched, the keystream entry carries a bar: neither rests on
        // its colour alone.
        std::optional<Fill> fill;
        if (n == s.swapA || n == s.swapB)
            fill = Fill::Fresh;
        if (n == s.t)
            fill = Fill::Keystream;
        QColor under = spare, hatch = spare;
        if (fill) {
            paintFill(p, r, *fill, spare, text);
            under = fillColor(*fill, spare);
            hatch = hatchColor(*fill, spare, text);
            if (*fill == Fill::Keystream)
                keystreamBar(r, under);
        } else {
            p.fillRect(r, spare);
        }
        if (n == s.i && s.phase != Phase::Start) {
            ink(legibleOn(wb::ui::stateColor("accent"), hatch), under, 2.5);
            m_inks.note(p.pen().color(), hatch);
            p.drawRect(r.adjusted(1, 1, -1, -1));
        }
        if (n == s.j && s.phase != Phase::Start) {
            ink(legibleOn(wb::ui::stateColor("blocked"), hatch), under, 2.5, Qt::DashLine);
            m_inks.note(p.pen().color(), hatch);
            p.drawRect(r.adjusted(3, 3, -3, -3));
        }
        p.setFont(cellFont);
        ink(legibleOn(text, hatch), under);
        m_inks.note(p.pen().color(), hatch);
        p.drawText(r, Qt::AlignCenter,
                   s.s.empty() ? hexWord(std::uint64_t(n), 2) : hexWord(s.s[std::size_t(n)], 2));
    }
    p.setFont(cellFont);
    for (int row = 0; row < 16; ++row) {
        ink(faded, base);
        p.drawText(QRect(4, top + row * cell, left - 8, cell), Qt::AlignRight | Qt::AlignVCenter,
                   QStringLiteral("%1_").arg(row, 0, 16));
    }
    y = top + 16 * cell + 8;
    p.setFont(font());
    int lx = 12;
    // Each swatch is drawn as the cells are: outline style, hatching and bar included.
    auto legend = [&](const QString &t, const std::function<void(const QRect &)> &swatch) {
        if (lx > 12 && lx + 24 + fm.horizontalAdvance(t) > width() - 8) { // wrap
            lx = 12;
            y += fm.height() + 4;
        }
        swatch(QRect(lx, y, 20, fm.height()));
        ink(text, base);
        p.drawText(lx + 24, y + fm.ascent(), t);
        lx += 24 + fm.horizontalAdvance(t) + 20;
    };
    legend(tr("i"), [&](const QRect &r) {
        p.fillRect(r, spare);
        ink(legibleOn(wb::ui::stateColor("accent"), spare), spare, 2.5);
        p.drawRect(r.adjusted(1, 1, -1, -1));
    });
    legend(tr("j"), [&](const QRect &r) {
        p.fillRect(r, spare);
        ink(legibleOn(wb::ui::stateColor("blocked"), spare), spare, 2.5, Qt::DashLine);
        p.drawRect(r.adjusted(2, 2, -2, -2));
    });
    legend(tr("the two entries just swapped"),
           [&](const QRect &r) { paintFill(p, r, Fill::Fresh, spare, text); });
    legend(tr("S[t]: the keystream byte"), [&](const QRect &r) {
        paintFill(p, r, Fill::Keystream, spare, text);
        keystreamBar(r, fillColor(Fill::Keystream, spare));
    });
    y += fm.height() + 8;
    if (!s.keystream.empty()) {
        p.setFont(mono);
        const int labelW = fm.horizontalAdvance(tr("keystream ⊕")) + 20;
        // Long messages: the last bytes that fit, so the newest keystream byte shows.
        const int fits =
            std::max(1, (width() - 12 - labelW) / mfm.horizontalAdvance(QStringLiteral("00 ")));
        auto line = [&](const QString &label, const Bytes &b) {
            p.setFont(font());
            ink(faded, base);
            p.drawText(12, y + mfm.ascent(), label);
            p.setFont(mono);
            ink(text, base);
            const std::size_t from =
                b.size() > std::size_t(fits) ? b.size() - std::size_t(fits) + 1 : 0;
            p.drawText(12 + labelW, y + mfm.ascent(),
                       (from ? QStringLiteral("… ") : QString()) +
                           hexBytes(Bytes(b.begin() + std::ptrdiff_t(from), b.end())));
            y += mfm.height() + 4;
        };
        line(tr("plaintext"), s.in);
        line(tr("keystream ⊕"), s.keystream);
        line(tr("ciphertext"), s.out);
    }
}

StreamPage::StreamPage(QWidget *parent)
    : SessionPage(std::make_shared<wb::ui::TraceSession>(), parent),
      m_state(*traceSession(), applyArc4Event, {}, 32), m_canvas(new Arc4Canvas),
      m_table(new wb::ui::TraceTable)
{
    m_key = new QLineEdit(QStringLiteral("01234567"));
    m_key->setAccessibleName(tr("Key"));
    m_text = new QLineEdit(QStringLiteral("abcdefghijklmnop"));
    m_text->setAccessibleName(tr("Plaintext"));
    m_text->setMinimumWidth(
        m_text->fontMetrics().horizontalAdvance(QStringLiteral("0").repeated(24)));
    m_error = new QLabel;
    setErrorColor(m_error);
    m_error->setWordWrap(true);
    m_error->hide(); // shown only while there is an error to report
    auto *top = new wb::ui::FlowLayout;
    top->addWidget(labelled(tr("Key (text):"), m_key));
    top->addWidget(labelled(tr("Plaintext:"), m_text));
    setupEventTable(m_table);
    m_table->setMinimumHeight(240);
    m_table->setAccessibleName(tr("ARC4 events"));
    m_canvas->setAccessibleName(tr("ARC4 state"));
    m_canvas->setAccessibleDescription(
        tr("The 256 entries of S as a 16 by 16 grid with i, j and the entries just swapped "
           "marked, then the plaintext, keystream and ciphertext bytes"));
    // The event list beside the grid while both fit at a readable width, below it otherwise.
    auto *split = new wb::ui::AdaptiveSplit(m_canvas, m_table);
    split->setStretch(3, 2);
    const int tableWidth = eventTableMinimumWidth(m_table);
    split->setSideWidth(tableWidth, tableWidth + 160);
    auto *col = new QVBoxLayout(this);
    col->addLayout(top);
    col->addWidget(m_error);
    col->addWidget(split, 1);
    m_table->setController(controller());
    connect(m_key, &QLineEdit::textChanged, this, &StreamPage::rerun);
    connect(m_text, &QLineEdit::textChanged, this, &StreamPage::rerun);
    rerun();
}

StreamPage::~StreamPage() = default;

bool StreamPage::setKeyAndText(const QString &key, const QString &plaintext)
{
    const QSignalBlocker a(m_key), b(m_text);
    m_key->setText(key);
    m_text->setText(plaintext);
    return rerun();
}

QString StreamPage::errorText() const
{
    return m_error->text();
}

bool StreamPage::rerun()
{
    const QByteArray key = m_key->text().toUtf8();
    const QByteArray text = m_text->text().left(256).toUtf8();
    try {
        auto trace = std::make_shared<wb::Trace>();
        Arc4 rc4(Bytes(key.begin(), key.end()), trace.get());
        m_ciphertext = rc4.process(Bytes(text.begin(), text.end()));
        m_error->clear();
        m_error->hide();
        // Open on the first keystream byte; Home shows the key schedule from its start.
        const auto first = trace->findNext(events::Arc4Prga::kind, 0);
        traceSession()->show(std::move(trace), first ? qsizetype(*first + 1) : 0);
        return true;
    } catch (const CryptoError &e) {
        m_error->setText(QString::fromUtf8(e.what()));
        m_error->show();
        return false;
    }
}

const Arc4ReplayState &StreamPage::stateAtCursor()
{
    return m_state.atCursor();
}

void StreamPage::refresh()
{
    if (!traceSession()->trace())
        return;
    m_canvas->setState(stateAtCursor());
    emit highlightsChanged();
}

QString StreamPage::lessonMarkdown() const
{
    return lesson("stream");
}

QStringList StreamPage::sourceFiles() const
{
    return coreSources({"core/src/arc4.cpp"});
}

} // namespace wb::crypto::ui
