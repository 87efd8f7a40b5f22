#include "streamview.h"
#include "common.h"

#include "crypto/core/arc4.h"

#include "workbench/ui/theme.h"
#include "workbench/ui/tracetable.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QSplitter>
#include <QVBoxLayout>

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

void Arc4Canvas::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const Arc4ReplayState &s = m_state;
    const QColor text = palette().color(QPalette::Text);
    const QColor faded = palette().color(QPalette::PlaceholderText);
    const QColor accent = wb::ui::stateColor("accent");
    const QFont mono = monoFont();
    const QFontMetrics fm(font()), mfm(mono);
    QFont bold = font();
    bold.setBold(true);
    bold.setPointSizeF(bold.pointSizeF() * 1.2);
    int y = 10;
    p.setFont(bold);
    p.setPen(text);
    using Phase = Arc4ReplayState::Phase;
    const QString title = s.phase == Phase::Start ? tr("Start: S = 0, 1, …, 255")
                          : s.phase == Phase::KeySchedule ? tr("Key schedule, step i = %1 of 256").arg(s.i)
                                                          : tr("Keystream byte %1").arg(s.keystream.size() - 1);
    const QString formula = s.phase == Phase::Start ? tr("Press → to run the key schedule.")
                            : s.phase == Phase::KeySchedule
                                ? tr("j = j + S[i] + key[i mod len] = %1 (key byte %2); swap S[%3] ↔ S[%1]")
                                      .arg(s.j).arg(hexWord(std::uint64_t(s.keyByte), 2)).arg(s.i)
                                : tr("i = %1; j = j + S[i] = %2; swap S[i] ↔ S[j]; k = S[(S[i] + S[j]) mod 256] = S[%3] = %4")
                                      .arg(s.i).arg(s.j).arg(s.t)
                                      .arg(hexWord(s.keystream.empty() ? 0 : s.keystream.back(), 2));
    p.drawText(12, y + QFontMetrics(bold).ascent(), title);
    y += QFontMetrics(bold).height() + 2;
    p.setFont(font());
    p.drawText(12, y + fm.ascent(), formula);
    y += fm.height() + 8;

    const int cell = std::max(18, std::min({(width() - 60) / 16, (height() - y - 150) / 16, 40}));
    const int left = 44;
    p.setFont(mono);
    for (int c = 0; c < 16; ++c) {
        p.setPen(faded);
        p.drawText(QRect(left + c * cell, y, cell, mfm.height()), Qt::AlignCenter, QStringLiteral("_%1").arg(c, 0, 16));
    }
    y += mfm.height();
    const int top = y;
    for (int n = 0; n < 256; ++n) {
        const QRect r(left + (n % 16) * cell, top + (n / 16) * cell, cell - 2, cell - 2);
        QColor fill = wb::ui::stateColor("spare");
        if (n == s.swapA || n == s.swapB)
            fill = freshColor();
        if (n == s.t)
            fill = lengthColor();
        p.fillRect(r, fill);
        if (n == s.i && s.phase != Phase::Start) {
            p.setPen(QPen(accent, 2.5));
            p.drawRect(r.adjusted(1, 1, -1, -1));
        }
        if (n == s.j && s.phase != Phase::Start) {
            p.setPen(QPen(wb::ui::stateColor("blocked"), 2.5, Qt::DashLine));
            p.drawRect(r.adjusted(3, 3, -3, -3));
        }
        p.setPen(text);
        p.drawText(r, Qt::AlignCenter, s.s.empty() ? hexWord(std::uint64_t(n), 2) : hexWord(s.s[std::size_t(n)], 2));
    }
    for (int row = 0; row < 16; ++row) {
        p.setPen(faded);
        p.drawText(QRect(4, top + row * cell, left - 8, cell), Qt::AlignRight | Qt::AlignVCenter, QStringLiteral("%1_").arg(row, 0, 16));
    }
    y = top + 16 * cell + 8;
    p.setFont(font());
    int lx = left;
    auto legend = [&](const QColor &c, const QString &t, bool outline = false, Qt::PenStyle style = Qt::SolidLine) {
        if (outline) {
            p.setPen(QPen(c, 2.5, style));
            p.drawRect(lx, y + 2, 14, fm.height() - 4);
        } else {
            p.fillRect(lx, y + 2, 14, fm.height() - 4, c);
        }
        p.setPen(text);
        p.drawText(lx + 18, y + fm.ascent(), t);
        lx += 18 + fm.horizontalAdvance(t) + 20;
    };
    legend(accent, tr("i"), true);
    legend(wb::ui::stateColor("blocked"), tr("j"), true, Qt::DashLine);
    legend(freshColor(), tr("the two entries just swapped"));
    legend(lengthColor(), tr("S[t]: the keystream byte"));
    y += fm.height() + 10;
    if (!s.keystream.empty()) {
        p.setFont(mono);
        const int labelW = fm.horizontalAdvance(tr("ciphertext ")) + 20;
        auto line = [&](const QString &label, const Bytes &b) {
            p.setFont(font());
            p.setPen(faded);
            p.drawText(12, y + mfm.ascent(), label);
            p.setFont(mono);
            p.setPen(text);
            p.drawText(12 + labelW, y + mfm.ascent(), hexBytes(b));
            y += mfm.height() + 4;
        };
        line(tr("plaintext"), s.in);
        line(tr("keystream ⊕"), s.keystream);
        line(tr("ciphertext"), s.out);
    }
}

StreamPage::StreamPage(QWidget *parent)
    : ModulePage(parent), m_controller(new wb::ui::StepController(this)), m_canvas(new Arc4Canvas),
      m_table(new wb::ui::TraceTable)
{
    m_key = new QLineEdit(QStringLiteral("01234567"));
    m_text = new QLineEdit(QStringLiteral("abcdefghijklmnop"));
    m_error = new QLabel;
    m_error->setStyleSheet(QStringLiteral("color: %1").arg(wb::ui::stateColor("blocked").name()));
    auto *top = new QHBoxLayout;
    top->addWidget(new QLabel(tr("Key (text):")));
    top->addWidget(m_key);
    top->addWidget(new QLabel(tr("Plaintext:")));
    top->addWidget(m_text, 1);
    top->addWidget(m_error);
    auto *split = new QSplitter(Qt::Horizontal);
    split->addWidget(m_canvas);
    split->addWidget(m_table);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 1);
    setupEventTable(m_table);
    auto *col = new QVBoxLayout(this);
    col->addLayout(top);
    col->addWidget(split, 1);
    m_table->setController(m_controller);
    connect(m_controller, &wb::ui::StepController::positionChanged, this, &StreamPage::redraw);
    connect(m_controller, &wb::ui::StepController::traceReplaced, this, &StreamPage::redraw);
    connect(m_key, &QLineEdit::textChanged, this, &StreamPage::rerun);
    connect(m_text, &QLineEdit::textChanged, this, &StreamPage::rerun);
    rerun();
}

StreamPage::~StreamPage()
{
    m_controller->setTrace(nullptr);
    m_replayer.reset();
}

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
        m_controller->setTrace(nullptr);
        m_replayer.reset();
        m_trace = trace;
        m_replayer = std::make_unique<wb::Replayer<Arc4ReplayState>>(*m_trace, Arc4ReplayState{}, applyArc4Event, 32);
    } catch (const CryptoError &e) {
        m_error->setText(QString::fromUtf8(e.what()));
        return false;
    }
    m_error->clear();
    // Open on the first keystream byte; Home shows the key schedule from its start.
    const auto first = m_trace->findNext("arc4_prga", 0);
    m_controller->setTrace(m_trace, first ? qsizetype(*first + 1) : 0);
    return true;
}

const Arc4ReplayState &StreamPage::stateAtCursor()
{
    return m_replayer->stateAt(static_cast<std::size_t>(m_controller->position()));
}

void StreamPage::redraw()
{
    if (!m_replayer)
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
