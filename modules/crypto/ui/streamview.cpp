#include "streamview.h"
#include "common.h"

#include "crypto/core/arc4.h"
#include "crypto/core/events.h"

#include "workbench/ui/responsive.h"
#include "workbench/ui/theme.h"
#include "workbench/ui/tracetable.h"

#include <QComboBox>
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

namespace {
// The view steps through a readable amount of plaintext.
constexpr int kMaxPlaintext = 256;
} // namespace

void applyXorEvent(XorState &s, const wb::Event &e)
{
    if (const auto b = wb::as<events::XorByte>(e)) {
        s.in.push_back(b->in);
        s.key.push_back(b->keyByte);
        s.out.push_back(b->out);
    }
}

Arc4Canvas::Arc4Canvas(QWidget *parent) : QWidget(parent)
{
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
}

void Arc4Canvas::setState(const Arc4ReplayState &state)
{
    m_state = state;
    if (m_showXor) {
        m_showXor = false;
        updateGeometry();
    }
    update();
}

void Arc4Canvas::setXorState(const XorState &state)
{
    m_xor = state;
    if (!m_showXor) {
        m_showXor = true;
        updateGeometry();
    }
    update();
}

void Arc4Canvas::paintXor(QPainter &p)
{
    m_inks.clear();
    const XorState &s = m_xor;
    const QColor base = palette().color(QPalette::Base);
    const QColor text = palette().color(QPalette::Text);
    const QColor faded = legibleOn(palette().color(QPalette::PlaceholderText), base);
    auto ink = [&](const QColor &c, const QColor &paper) {
        m_inks.pen(p, c, paper);
    };
    const QFont mono = monoFontLike(font());
    const QFontMetrics fm(font()), mfm(mono);
    QFont bold = font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.2);
    const int textWidth = std::max(40, width() - 24);
    int y = 10;
    QRect used;
    auto paragraph = [&](const QFont &f, const QColor &c, const QString &t) {
        p.setFont(f);
        ink(c, base);
        p.drawText(QRect(12, y, textWidth, 6 * QFontMetrics(f).height()), Qt::TextWordWrap, t,
                   &used);
        y += used.height() + 6;
    };
    const std::size_t n = s.in.size();
    paragraph(bold, text,
              n == 0 ? tr("Repeating-key XOR: nothing XORed yet")
                     : tr("Repeating-key XOR, byte %1").arg(n - 1));
    paragraph(font(), text,
              n == 0 ? tr("Press → for the first byte: out[n] = in[n] ⊕ key[n mod key length].")
              : s.keyLength ? tr("out[%1] = in[%1] ⊕ key[%1 mod %2] = %3 ⊕ %4 = %5")
                                  .arg(n - 1)
                                  .arg(s.keyLength)
                                  .arg(hexWord(s.in.back(), 2), hexWord(s.key.back(), 2),
                                       hexWord(s.out.back(), 2))
                            : tr("out[%1] = in[%1] ⊕ key byte = %2 ⊕ %3 = %4")
                                  .arg(n - 1)
                                  .arg(hexWord(s.in.back(), 2), hexWord(s.key.back(), 2),
                                       hexWord(s.out.back(), 2)));
    // Three rows of byte cells, the newest (hatched) last: the last bytes that fit.
    const int labelW =
        std::max({fm.horizontalAdvance(tr("plaintext")), fm.horizontalAdvance(tr("key")),
                  fm.horizontalAdvance(tr("ciphertext"))}) +
        20;
    const int cell = mfm.horizontalAdvance(QStringLiteral("000")) + 4;
    const int rowH = mfm.height() + 6;
    const int fits = std::max(1, (width() - 24 - labelW) / cell);
    const std::size_t from = n > std::size_t(fits) ? n - std::size_t(fits) : 0;
    auto row = [&](const QString &label, const Bytes &bytes) {
        p.setFont(font());
        ink(faded, base);
        p.drawText(QRect(12, y, labelW - 8, rowH), Qt::AlignLeft | Qt::AlignVCenter, label);
        p.setFont(mono);
        for (std::size_t k = from; k < bytes.size(); ++k) {
            const QRect box(12 + labelW + int(k - from) * cell, y, cell - 3, rowH - 2);
            if (k + 1 == n) {
                paintFill(p, box, Fill::Fresh, base, text);
                const QColor hatch = hatchColor(Fill::Fresh, base, text);
                const QColor shown = legibleOn(text, hatch);
                m_inks.note(shown, fillColor(Fill::Fresh, base));
                ink(shown, hatch);
            } else {
                ink(text, base);
            }
            p.drawText(box, Qt::AlignCenter, hexWord(bytes[k], 2));
        }
        y += rowH;
    };
    row(tr("plaintext"), s.in);
    row(tr("key"), s.key);
    row(tr("ciphertext"), s.out);
    y += 6;
    if (s.keyLength)
        paragraph(font(), faded,
                  tr("The key repeats every %1 bytes: the same plaintext byte at the same place "
                     "in the key's cycle always gives the same ciphertext byte, and XORing two "
                     "ciphertexts cancels the key.")
                      .arg(s.keyLength));
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
    if (m_showXor) {
        const QFontMetrics fm(font()), mfm(monoFontLike(font()));
        return {fm.horizontalAdvance(tr("ciphertext")) + 32 +
                    8 * (mfm.horizontalAdvance(QStringLiteral("000")) + 4),
                14 * fm.height() + 3 * (mfm.height() + 6)};
    }
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
    if (m_showXor) {
        paintXor(p);
        return;
    }
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
      m_state(*traceSession(), applyArc4Event, {}, 32),
      m_xorState(*traceSession(), applyXorEvent, {}, 256), m_canvas(new Arc4Canvas),
      m_table(new wb::ui::TraceTable)
{
    m_cipher = new QComboBox;
    m_cipher->addItem(tr("ARC4"));
    m_cipher->addItem(tr("XOR with a repeating key"));
    m_cipher->setAccessibleName(tr("Cipher"));
    m_format = new QComboBox;
    m_format->addItem(tr("Text (UTF-8)"));
    m_format->addItem(tr("Hex bytes"));
    m_format->setAccessibleName(tr("Key and plaintext format"));
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
    top->addWidget(labelled(tr("Cipher:"), m_cipher, 0));
    top->addWidget(labelled(tr("Key:"), m_key));
    top->addWidget(labelled(tr("Plaintext:"), m_text));
    top->addWidget(labelled(tr("Typed as:"), m_format, 0));
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
    connect(m_cipher, &QComboBox::currentIndexChanged, this, &StreamPage::rerun);
    connect(m_format, &QComboBox::currentIndexChanged, this, &StreamPage::rerun);
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

bool StreamPage::setCipher(bool useXor, bool hex)
{
    const QSignalBlocker a(m_cipher), b(m_format);
    m_cipher->setCurrentIndex(useXor ? 1 : 0);
    m_format->setCurrentIndex(hex ? 1 : 0);
    return rerun();
}

bool StreamPage::showsXor() const
{
    return m_runXor;
}

QString StreamPage::errorText() const
{
    return m_error->text();
}

bool StreamPage::rerun()
{
    const bool useXor = m_cipher->currentIndex() == 1;
    const bool hex = m_format->currentIndex() == 1;
    m_table->setAccessibleName(useXor ? tr("XOR events") : tr("ARC4 events"));
    m_canvas->setAccessibleName(useXor ? tr("XOR bytes") : tr("ARC4 state"));
    auto fail = [this](const QString &why) {
        m_error->setText(why);
        m_error->show();
        return false;
    };
    QString why;
    const auto key = parseInput(m_key->text(), hex, &why);
    if (!key)
        return fail(tr("Bad hex in the key: %1").arg(why));
    auto text = parseInput(hex ? m_text->text() : m_text->text().left(kMaxPlaintext), hex, &why);
    if (!text)
        return fail(tr("Bad hex in the plaintext: %1").arg(why));
    if (text->size() > std::size_t(kMaxPlaintext))
        text->resize(kMaxPlaintext);
    try {
        auto trace = std::make_shared<wb::Trace>();
        if (useXor) {
            m_ciphertext = xorCipher(*key, *text, trace.get());
        } else {
            Arc4 rc4(*key, trace.get());
            m_ciphertext = rc4.process(*text);
        }
        m_error->clear();
        m_error->hide();
        m_runKey = m_key->text();
        m_runText = m_text->text();
        m_runXor = useXor;
        m_runHex = hex;
        // ARC4 opens on the first keystream byte (Home shows the key schedule from its
        // start), XOR on its first byte.
        const std::optional<std::size_t> first =
            useXor ? (trace->empty() ? std::nullopt : std::optional<std::size_t>(0))
                   : trace->findNext(events::Arc4Prga::kind, 0);
        traceSession()->show(std::move(trace), first ? qsizetype(*first + 1) : 0);
        return true;
    } catch (const CryptoError &e) {
        return fail(QString::fromUtf8(e.what()));
    }
}

std::vector<std::pair<std::string, std::string>> StreamPage::recordingSettings() const
{
    return {{"cipher", m_runXor ? "xor" : "arc4"},
            {"format", m_runHex ? "hex" : "text"},
            {"key", m_runKey.toStdString()},
            {"input", m_runText.toStdString()}};
}

bool StreamPage::applyRecordingSettings(
    const std::vector<std::pair<std::string, std::string>> &settings, QString *error)
{
    auto get = [&](const char *key) {
        return settingValue(settings, key);
    };
    const auto cipher = get("cipher"), format = get("format"), key = get("key"),
               input = get("input");
    if (!cipher || !format || !key || !input) {
        *error = tr("the recording does not name its cipher, input format, key and plaintext");
        return false;
    }
    if (*cipher != QLatin1String("arc4") && *cipher != QLatin1String("xor")) {
        *error = tr("the cipher '%1' is neither arc4 nor xor").arg(cipher->left(20));
        return false;
    }
    if (*format != QLatin1String("text") && *format != QLatin1String("hex")) {
        *error = tr("the input format '%1' is neither text nor hex").arg(format->left(20));
        return false;
    }
    const bool hex = *format == QLatin1String("hex");
    QString why;
    if (hex && (!parseInput(*key, true, &why) || !parseInput(*input, true, &why))) {
        *error = tr("the recording's key or plaintext is not valid hex: %1").arg(why);
        return false;
    }
    // The controls as the run had them; nothing is encrypted.
    {
        const QSignalBlocker a(m_cipher), b(m_format), c(m_key), d(m_text);
        m_cipher->setCurrentIndex(*cipher == QLatin1String("xor") ? 1 : 0);
        m_format->setCurrentIndex(hex ? 1 : 0);
        m_key->setText(*key);
        m_text->setText(*input);
    }
    m_runXor = *cipher == QLatin1String("xor");
    m_runHex = hex;
    m_runKey = *key;
    m_runText = *input;
    m_error->clear();
    m_error->hide();
    m_table->setAccessibleName(m_runXor ? tr("XOR events") : tr("ARC4 events"));
    m_canvas->setAccessibleName(m_runXor ? tr("XOR bytes") : tr("ARC4 state"));
    return true;
}

bool StreamPage::acceptsEvent(const wb::Event &event) const
{
    // A declared stream event with its fields; S always has its 256 entries.
    try {
        bool fits = true;
        const bool known = events::StreamEvents::visit(
            event, wb::Overloaded{[&](const events::Arc4Ksa &k) {
                                      fits = k.s.size() == 256 && k.i >= 0 && k.i < 256;
                                  },
                                  [&](const events::Arc4Prga &g) { fits = g.s.size() == 256; },
                                  [](const events::XorByte &) {
                                  }});
        return known && fits;
    } catch (const wb::EventFieldError &) {
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
    if (m_runXor) {
        XorState state = m_xorState.atCursor();
        QString why;
        const auto key = parseInput(m_runKey, m_runHex, &why);
        state.keyLength = key ? key->size() : 0;
        m_canvas->setXorState(state);
    } else {
        m_canvas->setState(stateAtCursor());
    }
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
