#include "rsaview.h"
#include "common.h"
#include "richtext.h"

#include "crypto/core/events.h"
#include "crypto/core/hash.h"

#include "workbench/core/trace.h"
#include "workbench/ui/responsive.h"
#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/theme.h"
#include "workbench/ui/tracetable.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QTabWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>
#include <map>

namespace wb::crypto::ui {

namespace {

// Auto shows a number in decimal up to this many digits (about 128 bits), else in hex.
constexpr std::size_t kAutoDecimalDigits = 40;
// Exponents up to this many bits are drawn bit by bit.
constexpr std::size_t kDrawnExponentBits = 256;
// A key smaller than this cannot hold an OAEP-SHA256 block (k >= 66 bytes).
constexpr std::size_t kPaddingKeyBits = 1024;

QString fromStd(const std::string &s)
{
    return QString::fromStdString(s);
}

// Digits in groups of `group` counted from the right, so long numbers wrap at the spaces.
QString grouped(const QString &digits, int group)
{
    if (digits.size() <= 12)
        return digits;
    QString out;
    const int lead = int(digits.size()) % group;
    for (int i = 0; i < int(digits.size()); ++i) {
        if (i && (i - lead) % group == 0)
            out += QLatin1Char(' ');
        out += digits[i];
    }
    return out;
}

// Bytes in hex with one colour per segment; runs of more than 12 equal bytes are shortened to
// "ff ff ff … ff (202 bytes)" so a 2048-bit block stays readable.
struct Segment
{
    Bytes bytes;
    QColor color;
};
QString coloredBytes(const std::vector<Segment> &segments)
{
    QStringList parts;
    for (const Segment &seg : segments) {
        const Bytes &b = seg.bytes;
        if (b.empty())
            continue;
        const bool run =
            b.size() > 12 && std::all_of(b.begin(), b.end(), [&](auto x) { return x == b[0]; });
        const QString text = run ? QStringLiteral("%1 %1 %1 … %1 (%2 bytes)")
                                       .arg(hexBytes(Bytes{b[0]}))
                                       .arg(b.size())
                                 : hexBytes(b);
        parts << shaded(text, seg.color);
    }
    return monospace(parts.join(QLatin1Char(' ')));
}

Bytes slice(const Bytes &b, std::size_t from, std::size_t count)
{
    from = std::min(from, b.size());
    count = std::min(count, b.size() - from);
    return Bytes(b.begin() + std::ptrdiff_t(from), b.begin() + std::ptrdiff_t(from + count));
}

QString shortHex(const Bytes &b)
{
    if (b.size() <= 24)
        return hexBytes(b);
    return hexBytes(slice(b, 0, 16)) + QStringLiteral(" … ") +
           hexBytes(slice(b, b.size() - 6, 6)) + QStringLiteral(" (%1 bytes)").arg(b.size());
}

// A long number on one line: its first 16 and last 8 hex digits.
QString compactHex(const Bytes &b)
{
    const QString hex = hexBytes(b, false);
    return QStringLiteral("<nobr>%1</nobr>")
        .arg(hex.size() <= 32 ? hex : hex.left(16) + QStringLiteral("…") + hex.right(8));
}

QString binary(const BigInt &x)
{
    if (x.isZero())
        return QStringLiteral("0");
    QString s;
    for (std::size_t i = x.bitLength(); i-- > 0;)
        s += x.bit(i) ? QLatin1Char('1') : QLatin1Char('0');
    return s;
}

// Marks the row of the current step; the view scrolls to it.
const QString kNowAnchor = QStringLiteral("<a name=\"now\"></a>");

QString note(const QString &text)
{
    return QStringLiteral("<p>%1</p>").arg(faded(text));
}

// A table whose rules keep 4.5:1 against the page in the palette in use.
QString tableStart()
{
    const QColor base = QApplication::palette().color(QPalette::Base);
    return QStringLiteral("<table cellspacing=\"0\" cellpadding=\"4\" border=\"1\" "
                          "style=\"border-collapse:collapse; border-color:%1\" width=\"100%\">")
        .arg(legibleOn(QApplication::palette().color(QPalette::Mid), base).name());
}

QString row(const QStringList &cells, const QString &background = {})
{
    QString r = background.isEmpty()
                    ? QStringLiteral("<tr>")
                    : QStringLiteral("<tr style=\"background-color:%1\">").arg(background);
    for (const QString &c : cells)
        r += QStringLiteral("<td valign=\"top\">%1</td>").arg(c);
    return r + QStringLiteral("</tr>");
}

QString headerRow(const QStringList &cells)
{
    QString r = QStringLiteral("<tr>");
    for (const QString &c : cells)
        r += QStringLiteral("<th align=\"left\">%1</th>").arg(c);
    return r + QStringLiteral("</tr>");
}

// What an exponentiation computes, in the lesson's letters.
QString runFormula(const ModexpRun &run)
{
    if (run.name == "public")
        return QObject::tr("c = m<sup>e</sup> mod n");
    if (run.name == "private")
        return QObject::tr("m = c<sup>d</sup> mod n");
    if (run.name == "crt_p")
        return QObject::tr("m<sub>p</sub> = c<sup>dP</sup> mod p");
    if (run.name == "crt_q")
        return QObject::tr("m<sub>q</sub> = c<sup>dQ</sup> mod q");
    return fromStd(run.name);
}

// A section's tab: its controls above its view.
QWidget *sectionTab(QLayout *controls, QWidget *view)
{
    auto *tab = new QWidget;
    auto *column = new QVBoxLayout(tab);
    column->addLayout(controls);
    column->addWidget(view, 1);
    return tab;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Construction

RsaPage::RsaPage(QWidget *parent) : ModulePage(parent), m_table(new wb::ui::TraceTable)
{
    buildLabs();
    m_tabs = new QTabWidget;
    m_tabs->setAccessibleName(tr("RSA parts"));
    m_tabs->addTab(m_labs[KeyGen].view, tr("Key generation"));
    m_tabs->addTab(buildModexpTab(), tr("Exponentiation"));
    m_tabs->addTab(buildPaddingTab(), tr("Textbook vs padded"));
    m_tabs->addTab(buildMalleateTab(), tr("Malleability"));

    setupEventTable(m_table);
    m_table->setAccessibleName(tr("RSA events"));
    m_table->setController(controller());
    // The numbers need the width; the event list sits below them.
    m_table->setMinimumHeight(90);
    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_tabs);
    split->addWidget(m_table);
    split->setStretchFactor(0, 4);
    split->setStretchFactor(1, 1);
    split->setSizes({600, 150});
    split->setChildrenCollapsible(false);

    auto *col = new QVBoxLayout(this);
    buildKeyControls(col);
    col->addWidget(m_error);
    col->addWidget(split, 1);

    connectControls();
    useTutorialKey();
    openRequestedPart();
}

void RsaPage::buildLabs()
{
    auto makeBrowser = [] {
        auto *b = new QTextBrowser;
        b->setOpenLinks(false);
        b->document()->setDocumentMargin(10);
        b->setLineWrapMode(QTextEdit::WidgetWidth);
        b->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff); // everything wraps
        return b;
    };
    for (std::size_t i = 0; i < m_labs.size(); ++i) {
        Lab &lab = m_labs[i];
        lab.session = std::make_shared<wb::ui::TraceSession>();
        lab.state = std::make_unique<wb::ui::SessionState<RsaLabState>>(
            *lab.session, applyRsaEvent, RsaLabState{}, 64);
        lab.view = makeBrowser();
        connect(lab.view, &QTextBrowser::anchorClicked, this, &RsaPage::toggleFold);
        // Only the section on show is drawn; another one is drawn when it is shown.
        const auto changed = [this, i] {
            if (Section(i) == m_shown)
                redraw();
            else
                m_labs[i].view->setHtml(QString());
        };
        connect(lab.session.get(), &wb::ui::TraceSession::traceReplaced, this, changed);
        connect(lab.session.get(), &wb::ui::TraceSession::positionChanged, this, changed);
    }
    m_labs[KeyGen].view->setAccessibleName(tr("Key generation"));
    m_labs[KeyGen].view->setAccessibleDescription(
        tr("The primes p and q, n, φ(n) or λ(n), e and d as the key is made, step by step"));
    m_labs[Modexp].view->setAccessibleName(tr("Exponentiation"));
    m_labs[Modexp].view->setAccessibleDescription(
        tr("Square-and-multiply, one exponent bit a row, for encryption and decryption"));
    m_labs[Padding].view->setAccessibleName(tr("Textbook and padded encryption"));
    m_labs[Padding].view->setAccessibleDescription(
        tr("The same message encrypted twice with textbook RSA and with OAEP, and the OAEP "
           "block's parts"));
    m_labs[Malleate].view->setAccessibleName(tr("Malleability"));
    m_labs[Malleate].view->setAccessibleDescription(
        tr("The owner's message and ciphertext, the attacker's change to the ciphertext, and "
           "what the owner decrypts; long numbers are folded, with a link to show them whole"));
}

void RsaPage::buildKeyControls(QVBoxLayout *column)
{
    // The key, shared by every tab.
    m_size = new QComboBox;
    m_size->addItem(tr("Textbook: p = 61, q = 53"), 0);
    for (int bits : {16, 32, 64, 128})
        m_size->addItem(tr("%1 bits (toy)").arg(bits), bits);
    m_size->addItem(tr("512 bits (broken)"), 512);
    m_size->addItem(tr("1024 bits (too small)"), 1024);
    m_size->addItem(tr("2048 bits"), 2048);
    m_size->addItem(tr("4096 bits (slow)"), 4096);
    m_size->setToolTip(
        tr("Toy sizes are for reading the numbers; 1024 bits was the tutorial's size, "
           "2048 is today's minimum"));
    m_exponent = new QComboBox;
    for (const char *e : {"65537", "17", "3"})
        m_exponent->addItem(QString::fromLatin1(e));
    m_exponent->setToolTip(tr("The public exponent e; 65537 is what everyone uses"));
    m_dFrom = new QComboBox;
    m_dFrom->addItem(tr("λ(n)"), int(PrivateExponent::Lambda));
    m_dFrom->addItem(tr("φ(n)"), int(PrivateExponent::Phi));
    m_dFrom->setToolTip(
        tr("d is the inverse of e modulo λ(n) = lcm(p−1, q−1) or φ(n) = (p−1)(q−1). "
           "Both decrypt alike; OpenSSL "
           "and FIPS 186-4 use λ, the textbook's d = 2753 comes from φ."));
    m_generate = new QPushButton(tr("New key"));
    m_cancel = new QPushButton(tr("Cancel"));
    m_cancel->setEnabled(false);
    m_busy = new QProgressBar;
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(120);
    m_busy->setVisible(false);
    m_status = new QLabel;
    m_status->setWordWrap(true);
    m_numbers = new QComboBox;
    m_numbers->addItem(tr("auto"), int(NumberBase::Auto));
    m_numbers->addItem(tr("decimal"), int(NumberBase::Decimal));
    m_numbers->addItem(tr("hex"), int(NumberBase::Hex));
    m_numbers->setToolTip(tr("auto: decimal up to about 128 bits, hex (0x…) above"));
    m_error = new QLabel;
    setErrorColor(m_error);
    m_error->setWordWrap(true);
    m_error->setVisible(false);

    m_size->setAccessibleName(tr("Key size"));
    m_exponent->setAccessibleName(tr("Public exponent e"));
    m_dFrom->setAccessibleName(tr("d inverts e modulo"));
    m_numbers->setAccessibleName(tr("Number base"));
    m_busy->setAccessibleName(tr("Key generation in progress"));
    // The key's controls wrap onto more lines on a narrow page.
    auto *keyRow = new wb::ui::FlowLayout;
    keyRow->addWidget(labelled(tr("Key:"), m_size, 0));
    keyRow->addWidget(labelled(tr("e:"), m_exponent, 0));
    keyRow->addWidget(labelled(tr("d inverts e mod"), m_dFrom, 0));
    keyRow->addWidget(m_generate);
    keyRow->addWidget(m_cancel);
    keyRow->addWidget(labelled(tr("Numbers:"), m_numbers, 0));
    auto *statusRow = new QHBoxLayout;
    statusRow->addWidget(m_busy);
    statusRow->addWidget(m_status, 1);
    column->addLayout(keyRow);
    column->addLayout(statusRow);
}

QWidget *RsaPage::buildModexpTab()
{
    m_message = new QLineEdit(QStringLiteral("65"));
    m_message->setToolTip(tr("The message as a number m < n (decimal)"));
    m_message->setMaximumWidth(260);
    m_message->setAccessibleName(tr("Message m"));
    m_crt = new QCheckBox(tr("Decrypt with the CRT"));
    m_crt->setChecked(true);
    m_crt->setToolTip(tr("Chinese remainder theorem: two exponentiations modulo p and q with "
                         "half-size exponents dP, dQ, "
                         "then one recombination: about four times faster than c^d mod n"));
    auto *r = new wb::ui::FlowLayout;
    r->addWidget(labelled(tr("Message m (a number below n):"), m_message));
    r->addWidget(m_crt);
    return sectionTab(r, m_labs[Modexp].view);
}

QWidget *RsaPage::buildPaddingTab()
{
    m_padText = new QLineEdit(QStringLiteral("abcdefgh"));
    m_padText->setToolTip(tr("Any text; OAEP-SHA256 takes at most k − 66 bytes"));
    m_padText->setAccessibleName(tr("Message text"));
    m_again = new QPushButton(tr("Encrypt again"));
    m_again->setToolTip(
        tr("New OAEP seeds: the OAEP ciphertexts change, the textbook ones never do"));
    auto *r = new QHBoxLayout;
    r->addWidget(new QLabel(tr("Message (text):")));
    r->addWidget(m_padText, 1);
    r->addWidget(m_again);
    return sectionTab(r, m_labs[Padding].view);
}

QWidget *RsaPage::buildMalleateTab()
{
    m_mallM = new QLineEdit(QStringLiteral("65"));
    m_mallS = new QLineEdit(QStringLiteral("2"));
    m_mallM->setMaximumWidth(200);
    m_mallS->setMaximumWidth(200);
    m_mallM->setAccessibleName(tr("Owner's message m"));
    m_mallS->setAccessibleName(tr("Attacker's factor s"));
    auto *r = new wb::ui::FlowLayout;
    r->addWidget(labelled(tr("Owner's message m:"), m_mallM));
    r->addWidget(labelled(tr("Attacker's factor s:"), m_mallS));
    return sectionTab(r, m_labs[Malleate].view);
}

void RsaPage::connectControls()
{
    m_poll.setInterval(150);
    connect(&m_poll, &QTimer::timeout, this, &RsaPage::pollGeneration);
    connect(m_tabs, &QTabWidget::currentChanged, this,
            [this](int index) { showSection(Section(index)); });
    connect(m_size, &QComboBox::activated, this, [this] {
        const int bits = m_size->currentData().toInt();
        if (bits == 0) {
            useTutorialKey();
            return;
        }
        if (m_keyHow == tutorialKeyName()) {
            // Leaving the textbook numbers: back to what real keys use.
            m_exponent->setCurrentText(QStringLiteral("65537"));
            m_dFrom->setCurrentIndex(m_dFrom->findData(int(PrivateExponent::Lambda)));
        }
        startGeneration(bits);
    });
    connect(m_generate, &QPushButton::clicked, this, [this] {
        const int bits = m_size->currentData().toInt();
        if (bits == 0)
            useTutorialKey();
        else
            startGeneration(bits);
    });
    connect(m_cancel, &QPushButton::clicked, this, &RsaPage::cancelGeneration);
    connect(m_numbers, &QComboBox::currentIndexChanged, this,
            [this] { setNumberBase(NumberBase(m_numbers->currentData().toInt())); });
    connect(m_message, &QLineEdit::textChanged, this, [this] { rerunModexp(); });
    connect(m_crt, &QCheckBox::toggled, this, [this] { rerunModexp(); });
    connect(m_padText, &QLineEdit::textChanged, this, [this] { rerunPadding(); });
    connect(m_again, &QPushButton::clicked, this, [this] { rerunPadding(); });
    connect(m_mallM, &QLineEdit::textChanged, this, [this] { rerunMalleate(); });
    connect(m_mallS, &QLineEdit::textChanged, this, [this] { rerunMalleate(); });
}

void RsaPage::openRequestedPart()
{
    // Screenshot hook: "keygen", "modexp", "padding", "malleate", optionally ":<bits>" for a
    // key made on the spot and "@<position>" for the cursor ("modexp:2048@40").
    QString part = requestedPart(QStringLiteral("rsa"));
    if (!part.isEmpty()) {
        qsizetype at = -1;
        if (const int i = int(part.indexOf(QLatin1Char('@'))); i >= 0) {
            at = part.mid(i + 1).toLongLong();
            part.truncate(i);
        }
        const QStringList bits = part.split(QLatin1Char(':'));
        if (bits.size() > 1 && bits[1].toInt() > 0) {
            m_size->setCurrentIndex(m_size->findData(bits[1].toInt()));
            auto trace = std::make_shared<wb::Trace>();
            const int n = bits[1].toInt();
            const BigInt e = n <= 16 ? BigInt(17) : BigInt(65537);
            m_exponent->setCurrentText(QString::fromStdString(e.toDecimal()));
            m_dFrom->setCurrentIndex(m_dFrom->findData(int(PrivateExponent::Lambda)));
            adoptKey(generateRsaKey(std::size_t(n), trace.get(), e), trace,
                     tr("a new %1-bit key").arg(n));
        }
        const QStringList names = {"keygen", "modexp", "padding", "malleate"};
        if (const auto s = names.indexOf(bits[0]); s >= 0)
            showSection(Section(s));
        if (at >= 0)
            controller()->seek(at);
    }
}

RsaPage::~RsaPage()
{
    shutdown();
}

void RsaPage::shutdown()
{
    m_poll.stop();
    ++m_job; // a result still in flight is ignored
    if (m_worker.joinable())
        m_worker.join();
    for (auto &[job, thread] : m_abandoned)
        if (thread.joinable())
            thread.join();
    m_abandoned.clear();
    m_generating = false;
}

// ---------------------------------------------------------------------------------------------
// Sections and the transport

void RsaPage::showSection(Section section)
{
    if (m_tabs->currentIndex() != section) {
        m_tabs->setCurrentIndex(section); // comes back here through currentChanged
        return;
    }
    const bool changed = section != m_shown;
    m_shown = section;
    m_error->setText(m_labs[section].error);
    m_error->setVisible(!m_labs[section].error.isEmpty());
    if (section == Padding && !m_labs[Padding].session->trace())
        rerunPadding();
    // Through no controller first: the table starts over with the section's trace.
    m_table->setController(nullptr);
    m_table->setController(controller());
    if (changed)
        emit controllerChanged();
    redraw();
}

RsaPage::Section RsaPage::currentSection() const
{
    return m_shown;
}

void RsaPage::setSectionTrace(Section section, std::shared_ptr<wb::Trace> trace,
                              qsizetype position)
{
    m_labs[section].session->show(std::move(trace), position);
}

wb::ui::StepController *RsaPage::controller() const
{
    return m_labs[m_shown].session->controller();
}

const RsaLabState &RsaPage::stateAtCursor()
{
    return m_labs[m_shown].state->atCursor();
}

void RsaPage::changeEvent(QEvent *event)
{
    ModulePage::changeEvent(event);
    // The drawing is rich text with the palette's colours written into it: made again.
    if (event->type() == QEvent::PaletteChange)
        redraw();
}

void RsaPage::redraw()
{
    Lab &lab = m_labs[m_shown];
    if (!lab.session->trace())
        return;
    const RsaLabState &s = stateAtCursor();
    QString html;
    switch (m_shown) {
    case KeyGen:
        html = keyGenHtml(s);
        break;
    case Modexp:
        html = modexpHtml(s);
        break;
    case Padding:
        html = paddingHtml(s);
        break;
    default:
        html = malleateHtml(s);
        break;
    }
    // Follow the row the last step changed (marked with the anchor "now"); otherwise keep the
    // reader's place.
    const int scroll = lab.view->verticalScrollBar()->value();
    lab.view->setHtml(html);
    if (html.contains(kNowAnchor))
        lab.view->scrollToAnchor(QStringLiteral("now"));
    else
        lab.view->verticalScrollBar()->setValue(scroll);
    emit highlightsChanged();
}

QString RsaPage::shownHtml() const
{
    return m_labs[m_shown].view->toHtml();
}

QString RsaPage::errorText() const
{
    return m_error->isHidden() ? QString() : m_error->text();
}

QString RsaPage::statusText() const
{
    return m_status->text();
}

void RsaPage::showError(Section section, const QString &text)
{
    m_labs[section].error = text;
    if (section != m_shown)
        return;
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

void RsaPage::setNumberBase(NumberBase base)
{
    m_base = base;
    {
        const QSignalBlocker block(m_numbers);
        m_numbers->setCurrentIndex(m_numbers->findData(int(base)));
    }
    redraw();
}

QString RsaPage::shownNumber(const Bytes &bigEndian) const
{
    const BigInt x = BigInt::fromBytes(bigEndian);
    const std::string dec = x.toDecimal();
    const bool decimal = m_base == NumberBase::Decimal ||
                         (m_base == NumberBase::Auto && dec.size() <= kAutoDecimalDigits);
    if (decimal)
        return grouped(fromStd(dec), 3);
    return QStringLiteral("0x") + grouped(fromStd(x.toHex()), 8);
}

QString RsaPage::foldedNumber(const QString &id, const Bytes &bigEndian) const
{
    // A long number shows its first and last digits and how many lie between; a link
    // unfolds it (and folds it again), and the tooltip of the view explains the link.
    constexpr int kKeep = 12;
    const QString full = shownNumber(bigEndian);
    QString digits = full;
    digits.remove(QLatin1Char(' '));
    const bool hex = digits.startsWith(QLatin1String("0x"));
    if (hex)
        digits.remove(0, 2);
    if (digits.size() <= 4 * kKeep)
        return monospace(full);
    if (m_unfolded.contains(id))
        return monospace(full) + QStringLiteral(" <a href=\"fold:%1\">%2</a>").arg(id, tr("fold"));
    const QString shortForm = QStringLiteral("%1%2 …(%3 digits)… %4")
                                  .arg(hex ? QStringLiteral("0x") : QString(), digits.left(kKeep))
                                  .arg(digits.size())
                                  .arg(digits.right(kKeep));
    return monospace(shortForm) +
           QStringLiteral(" <a href=\"unfold:%1\">%2</a>").arg(id, tr("show all"));
}

void RsaPage::toggleFold(const QUrl &link)
{
    const QString id = link.path();
    if (link.scheme() == QLatin1String("unfold"))
        m_unfolded.insert(id);
    else if (link.scheme() == QLatin1String("fold"))
        m_unfolded.remove(id);
    else
        return;
    redraw();
}

QString RsaPage::shownKeyNumber(const QString &name)
{
    if (m_shown != KeyGen)
        return {};
    const RsaKeyNumbers &k = stateAtCursor().key;
    if (!k.known)
        return {};
    const std::map<QString, const Bytes *> fields = {
        {"p", &k.p}, {"q", &k.q}, {"n", &k.n},   {"phi", &k.phi}, {"lambda", &k.lambda},
        {"e", &k.e}, {"d", &k.d}, {"dp", &k.dp}, {"dq", &k.dq},   {"qinv", &k.qinv}};
    const auto it = fields.find(name);
    return it == fields.end() ? QString() : shownNumber(*it->second);
}

// ---------------------------------------------------------------------------------------------
// The key

void RsaPage::showKeySize(int bits)
{
    const QSignalBlocker block(m_size);
    m_size->setCurrentIndex(std::max(0, m_size->findData(bits)));
}

QString RsaPage::tutorialKeyName()
{
    return tr("the textbook key (n = 3233)");
}

void RsaPage::useTutorialKey()
{
    {
        const QSignalBlocker a(m_size), b(m_exponent), c(m_dFrom);
        m_size->setCurrentIndex(0);
        m_exponent->setCurrentText(QStringLiteral("17"));
        m_dFrom->setCurrentIndex(m_dFrom->findData(int(PrivateExponent::Phi)));
    }
    auto trace = std::make_shared<wb::Trace>();
    adoptKey(rsaKeyFromPrimes(61, 53, 17, PrivateExponent::Phi, trace.get()), trace,
             tutorialKeyName());
}

void RsaPage::startGeneration(int bits)
{
    if (m_generating)
        cancelGeneration();
    if (m_worker.joinable())
        m_worker.join(); // finished; its result was already taken or dropped
    BigInt e =
        BigInt::fromDecimal(m_exponent->currentText().toStdString()).value_or(BigInt(65537));
    if (e.bitLength() >= std::size_t(bits)) {
        // 65537 has 17 bits: a 16-bit modulus needs a smaller e.
        const QSignalBlocker block(m_exponent);
        m_exponent->setCurrentText(QStringLiteral("17"));
        e = BigInt(17);
    }
    const auto exponent = PrivateExponent(m_dFrom->currentData().toInt());
    showKeySize(bits);
    const int job = ++m_job;
    m_liveTrace = std::make_shared<wb::Trace>();
    m_polledEvents = m_polledCandidates = 0;
    setBusy(true);
    m_status->setText(tr("Generating a %1-bit key…").arg(bits));
    showError(KeyGen, {});
    m_worker = std::thread([this, job, bits, e, exponent, trace = m_liveTrace] {
        std::optional<RsaPrivateKey> key;
        QString error;
        try {
            key = generateRsaKey(std::size_t(bits), trace.get(), e, exponent);
        } catch (const std::exception &ex) {
            error = QString::fromUtf8(ex.what());
        }
        QMetaObject::invokeMethod(
            this, [this, job, key, trace, error] { finishGeneration(job, key, trace, error); },
            Qt::QueuedConnection);
    });
}

void RsaPage::cancelGeneration()
{
    if (!m_generating)
        return;
    // generateRsaKey has no way to stop early: let the worker finish on its own and drop
    // what it makes.
    m_abandoned.emplace_back(m_job, std::move(m_worker));
    ++m_job;
    setBusy(false);
    showKeySize(m_keyHow == tutorialKeyName() ? 0 : int(m_key.bits()));
    m_status->setText(tr("Cancelled: kept %1.").arg(m_keyHow));
}

void RsaPage::finishGeneration(int job, std::optional<RsaPrivateKey> key,
                               std::shared_ptr<wb::Trace> trace, const QString &error)
{
    for (auto it = m_abandoned.begin(); it != m_abandoned.end(); ++it)
        if (it->first == job) {
            it->second.join();
            m_abandoned.erase(it);
            return;
        }
    if (job != m_job)
        return;
    if (m_worker.joinable())
        m_worker.join();
    setBusy(false);
    if (!key) {
        showError(KeyGen, error);
        showKeySize(m_keyHow == tutorialKeyName() ? 0 : int(m_key.bits()));
        m_status->setText(tr("No new key: kept %1.").arg(m_keyHow));
        return;
    }
    adoptKey(*key, trace, tr("a new %1-bit key").arg(key->bits()));
}

void RsaPage::pollGeneration()
{
    if (!m_liveTrace)
        return;
    // The worker appends to the trace while this reads it; Trace allows that.
    const std::size_t n = m_liveTrace->size();
    for (; m_polledEvents < n; ++m_polledEvents)
        if (wb::as<events::RsaCandidate>(m_liveTrace->at(m_polledEvents)))
            ++m_polledCandidates;
    m_status->setText(tr("Generating: %1 candidates tested so far…").arg(m_polledCandidates));
}

void RsaPage::setBusy(bool busy)
{
    m_generating = busy;
    m_busy->setVisible(busy);
    m_cancel->setEnabled(busy);
    m_generate->setEnabled(!busy);
    if (busy)
        m_poll.start();
    else
        m_poll.stop();
}

void RsaPage::adoptKey(const RsaPrivateKey &key, std::shared_ptr<wb::Trace> trace,
                       const QString &how)
{
    m_key = key;
    m_keyHow = how;
    m_status->setText(tr("Using %1: n has %2 bits, k = %3 bytes.")
                          .arg(how)
                          .arg(key.bits())
                          .arg(key.byteLength()));
    showError(KeyGen, {});
    // The key generation trace opens at its end: the finished key, with every step behind it.
    const qsizetype end = qsizetype(trace->size());
    setSectionTrace(KeyGen, std::move(trace), end);
    rerunAll();
    emit keyChanged();
}

void RsaPage::rerunAll()
{
    rerunModexp();
    rerunMalleate();
    // The padding tab may need a 1024-bit key of its own: made when the tab is first shown.
    if (m_shown == Padding)
        rerunPadding();
    else
        setSectionTrace(Padding, nullptr, 0);
}

const RsaPrivateKey &RsaPage::paddingKey()
{
    if (m_key.bits() >= kPaddingKeyBits)
        return m_key;
    if (!m_bigKey)
        m_bigKey = generateRsaKey(kPaddingKeyBits); // a few tens of milliseconds
    return *m_bigKey;
}

// ---------------------------------------------------------------------------------------------
// Running the operations of each tab

namespace {

// Runs `body` with a scratch trace and copies its events into `into`, leaving out the squares
// and multiplies (they are the exponentiation tab's subject; here they would drown the rest).
template <typename F> auto withoutSteps(wb::Trace &into, F body)
{
    wb::Trace scratch;
    auto result = body(&scratch);
    for (std::size_t i = 0; i < scratch.size(); ++i) {
        const wb::Event &e = scratch.at(i);
        if (e.kind != events::ModexpSquare::kind && e.kind != events::ModexpMultiply::kind)
            into.append(e);
    }
    return result;
}

void markOperation(wb::Trace &trace, const char *op, const QString &title)
{
    wb::record(&trace, RsaLabOp{op}, title.toStdString());
}

std::optional<BigInt> parseNumber(const QString &text)
{
    return BigInt::fromDecimal(text.trimmed().toStdString());
}

} // namespace

bool RsaPage::setModexpInput(const QString &number, bool useCrt)
{
    const QSignalBlocker a(m_message), b(m_crt);
    m_message->setText(number);
    m_crt->setChecked(useCrt);
    return rerunModexp();
}

bool RsaPage::rerunModexp()
{
    const auto m = parseNumber(m_message->text());
    if (!m || *m >= m_key.n) {
        showError(Modexp,
                  !m ? tr("The message must be a decimal number, got '%1'.").arg(m_message->text())
                     : tr("The message must be smaller than n = %1.")
                           .arg(shownNumber(m_key.n.toBytes())));
        setSectionTrace(Modexp, nullptr, 0);
        return false;
    }
    showError(Modexp, {});
    auto trace = std::make_shared<wb::Trace>();
    markOperation(*trace, "encrypt", tr("Encrypt m = %1").arg(shownNumber(m->toBytes())));
    const BigInt c = rsaPublicOp(m_key.publicKey(), *m, trace.get());
    markOperation(*trace, "decrypt",
                  (m_crt->isChecked() ? tr("Decrypt c = %1 with the CRT")
                                      : tr("Decrypt c = %1 in one exponentiation"))
                      .arg(shownNumber(c.toBytes())));
    rsaPrivateOp(m_key, c, trace.get(), m_crt->isChecked());
    // Open on the first square of the encryption.
    const auto first = trace->findNext("modexp_square", 0);
    setSectionTrace(Modexp, std::move(trace), first ? qsizetype(*first + 1) : 0);
    return true;
}

bool RsaPage::setPaddingMessage(const QString &text)
{
    const QSignalBlocker block(m_padText);
    m_padText->setText(text);
    return rerunPadding();
}

bool RsaPage::rerunPadding()
{
    const RsaPrivateKey &key = paddingKey();
    const QByteArray utf8 = m_padText->text().toUtf8();
    const Bytes msg(utf8.begin(), utf8.end());
    auto trace = std::make_shared<wb::Trace>();
    try {
        for (int run = 1; run <= 2; ++run) {
            markOperation(*trace, "textbook", tr("Textbook encryption #%1").arg(run));
            withoutSteps(*trace,
                         [&](wb::Trace *t) { return textbookEncrypt(key.publicKey(), msg, t); });
        }
        for (int run = 1; run <= 2; ++run) {
            markOperation(*trace, "oaep", tr("OAEP encryption #%1").arg(run));
            withoutSteps(*trace,
                         [&](wb::Trace *t) { return oaepEncrypt(key.publicKey(), msg, t); });
        }
        markOperation(*trace, "sign", tr("PKCS#1 v1.5 signature"));
        withoutSteps(*trace, [&](wb::Trace *t) { return pkcs1v15Sign(key, msg, t); });
    } catch (const CryptoError &e) {
        showError(Padding, QString::fromUtf8(e.what()));
        setSectionTrace(Padding, nullptr, 0);
        return false;
    }
    showError(Padding, {});
    const qsizetype end = qsizetype(trace->size());
    setSectionTrace(Padding, std::move(trace), end);
    return true;
}

bool RsaPage::setMalleability(const QString &m, const QString &s)
{
    const QSignalBlocker a(m_mallM), b(m_mallS);
    m_mallM->setText(m);
    m_mallS->setText(s);
    return rerunMalleate();
}

bool RsaPage::rerunMalleate()
{
    const auto m = parseNumber(m_mallM->text());
    const auto s = parseNumber(m_mallS->text());
    if (!m || !s || *m >= m_key.n || s->isZero() || *s >= m_key.n) {
        showError(Malleate,
                  tr("m and s must be decimal numbers with m < n and 0 < s < n (n = %1).")
                      .arg(shownNumber(m_key.n.toBytes())));
        setSectionTrace(Malleate, nullptr, 0);
        return false;
    }
    showError(Malleate, {});
    auto trace = std::make_shared<wb::Trace>();
    const RsaPublicKey pub = m_key.publicKey();
    markOperation(*trace, "encrypt", tr("The owner's message is encrypted"));
    const BigInt c = withoutSteps(*trace, [&](wb::Trace *t) { return rsaPublicOp(pub, *m, t); });
    markOperation(*trace, "malleate", tr("The attacker multiplies in s^e"));
    const BigInt cPrime = malleate(pub, c, *s, trace.get());
    markOperation(*trace, "decrypt", tr("The owner decrypts the changed ciphertext"));
    withoutSteps(*trace, [&](wb::Trace *t) { return rsaPrivateOp(m_key, cPrime, t); });
    const qsizetype end = qsizetype(trace->size());
    setSectionTrace(Malleate, std::move(trace), end);
    return true;
}

// ---------------------------------------------------------------------------------------------
// What each tab shows at the cursor

QString RsaPage::keyGenHtml(const RsaLabState &s) const
{
    QString h;
    const QString fresh = opaqueColor(freshColor());
    if (s.bits > 0) {
        h += tr("<h3>Generating a %1-bit key, e = %2</h3>").arg(s.bits).arg(shownNumber(s.e));
        h += tr("<p>Each prime is a random %1-bit odd number with its top two bits set, so that "
                "p·q has "
                "exactly %2 bits. A candidate first meets the <b>sieve</b> (division by every "
                "prime below "
                "2000); survivors face <b>Miller–Rabin</b> with random bases. One round lets a "
                "composite "
                "through with probability at most ¼; 64 passed rounds leave at most "
                "4<sup>−64</sup>.</p>")
                 .arg(s.bits / 2)
                 .arg(s.bits);
        h += tableStart() +
             headerRow({tr("prime"), tr("candidates tested"), tr("small factor (sieve)"),
                        tr("Miller–Rabin found a witness"), tr("gcd(e, p−1) ≠ 1"), tr("found")});
        for (const auto &[name, search] : {std::pair{"p", &s.p}, std::pair{"q", &s.q}})
            h += row({QString::fromLatin1(name), QString::number(search->tested),
                      QString::number(search->smallFactor), QString::number(search->composite),
                      QString::number(search->eShares),
                      search->accepted.empty() ? faded(tr("not yet")) : verdict(true, tr("yes"))});
        h += QStringLiteral("</table>");
        if (!s.recentCandidates.empty() || s.testing.index > 0) {
            h += tr("<p><b>Latest candidates</b> (the newest last)</p>") + tableStart() +
                 headerRow({tr("#"), tr("candidate"), tr("verdict")});
            // The latest few: with the counts above, they fit on one screen.
            constexpr std::size_t kShown = 8;
            const std::size_t first =
                s.recentCandidates.size() - std::min(s.recentCandidates.size(), kShown);
            for (std::size_t i = first; i < s.recentCandidates.size(); ++i) {
                const RsaCandidate &c = s.recentCandidates[i];
                QString why;
                if (c.result == "small factor")
                    why = tr("divisible by %1").arg(c.factor);
                else if (c.result == "composite")
                    why = tr("composite: round %1 of Miller–Rabin found a witness")
                              .arg(c.roundsPassed + 1);
                else if (c.result == "probable prime")
                    why = verdict(true,
                                  c.roundsPassed
                                      ? tr("probable prime: passed %1 rounds").arg(c.roundsPassed)
                                      : tr("prime (below 2000: the sieve decides)"));
                else
                    why = tr("prime, but e divides p−1: e would have no inverse");
                const bool last =
                    i + 1 == s.recentCandidates.size() && s.lastKind == "rsa_candidate";
                h += row({(last ? kNowAnchor : QString()) +
                              QStringLiteral("%1 %2").arg(fromStd(c.prime)).arg(c.index),
                          monospace(s.bits > 128 ? compactHex(c.value) : shownNumber(c.value)),
                          why},
                         last ? fresh : QString());
            }
            if (s.testing.index > 0)
                h += row({kNowAnchor + QStringLiteral("%1 %2")
                                           .arg(fromStd(s.testing.prime))
                                           .arg(s.testing.index),
                          faded(tr("(under test)")),
                          tr("Miller–Rabin: %1 of 64 rounds passed so far (latest base a = %2)")
                              .arg(s.testing.roundsPassed)
                              .arg(s.bits > 128 ? compactHex(s.testing.lastBase)
                                                : shownNumber(s.testing.lastBase))},
                         fresh);
            h += QStringLiteral("</table>");
        }
    } else if (s.key.known) {
        h += tr("<h3>The textbook key</h3><p>The primes are given: p = 61, q = 53, e = 17, and d "
                "inverts e modulo φ(n), as in the classic textbook example (the tutorial itself "
                "used a random 1024-bit key). Pick a size above to watch a key being searched "
                "for.</p>");
    }
    if (!s.key.known) {
        if (s.bits > 0)
            h += note(tr("Step forward: the key appears when both primes are found."));
        return h;
    }
    const RsaKeyNumbers &k = s.key;
    const bool phi = k.exponent == "phi";
    h += (s.lastKind == "rsa_key" && s.bits > 0 ? kNowAnchor : QString()) +
         tr("<h3>The key: n has %1 bits</h3>").arg(k.bits);
    h += tableStart() + headerRow({tr("number"), tr("value"), tr("role")});
    auto num = [&](const Bytes &b) {
        return monospace(shownNumber(b));
    };
    h += row({tr("p"), num(k.p), tr("secret prime (the larger one)")});
    h += row({tr("q"), num(k.q), tr("secret prime")});
    h += row({tr("<b>n</b> = p·q"), num(k.n), tr("<b>public</b> modulus")});
    h +=
        row({tr("φ(n) = (p−1)(q−1)"), num(k.phi), tr("secret: knowing it means knowing p and q")});
    h += row({tr("λ(n) = lcm(p−1, q−1)"), num(k.lambda), tr("secret; divides φ(n)")});
    h += row({tr("<b>e</b>"), num(k.e), tr("<b>public</b> exponent")});
    h += row(
        {phi ? tr("<b>d</b> = e<sup>−1</sup> mod φ(n)") : tr("<b>d</b> = e<sup>−1</sup> mod λ(n)"),
         num(k.d),
         tr("<b>private</b> exponent: e·d ≡ 1, so (m<sup>e</sup>)<sup>d</sup> ≡ m (mod n)")},
        opaqueColor(lengthColor()));
    h += row({tr("dP = d mod (p−1)"), num(k.dp), tr("for the CRT: exponent modulo p")});
    h += row({tr("dQ = d mod (q−1)"), num(k.dq), tr("for the CRT: exponent modulo q")});
    h += row({tr("qInv = q<sup>−1</sup> mod p"), num(k.qinv), tr("for the CRT recombination")});
    h += QStringLiteral("</table>");
    // The checks a reader can redo by hand, with the numbers of this key.
    const BigInt e = BigInt::fromBytes(k.e), d = BigInt::fromBytes(k.d);
    const BigInt modulus = BigInt::fromBytes(phi ? k.phi : k.lambda);
    const DivMod ed = divMod(e * d, modulus);
    QString checks = tr("<p><b>Check:</b> e·d = %1 = %2 · %3 + <b>%4</b>.")
                         .arg(shownNumber((e * d).toBytes()), shownNumber(ed.quotient.toBytes()),
                              phi ? tr("φ(n)") : tr("λ(n)"), shownNumber(ed.remainder.toBytes()));
    if (phi) {
        if (const auto dl = modInverse(e, BigInt::fromBytes(k.lambda)))
            checks +=
                tr(" Modulo λ(n) = %1, d would be %2: a smaller exponent that decrypts alike.")
                    .arg(shownNumber(k.lambda), shownNumber(dl->toBytes()));
    }
    h += checks + QStringLiteral("</p>");
    h += tr("<p><b>Public key</b> = (n, e): publish it. <b>Private key</b> = d, kept with p, q, "
            "dP, dQ and "
            "qInv so that decryption can work modulo p and q separately (see the next tab).</p>");
    if (k.bits < 2048)
        h += note(
            k.bits < 512
                ? tr("A toy: a key this small is factored in an instant. It is here to be read.")
                : tr("Below today's minimum: use 2048 or 3072 bits for anything real."));
    return h;
}

QString RsaPage::runHtml(const ModexpRun &run, bool current) const
{
    QString h;
    const BigInt exponent = BigInt::fromBytes(run.exponent);
    const std::size_t bits = exponent.bitLength();
    h += QStringLiteral("<p><b>%1</b> = %2<sup>%3</sup> mod %4</p>")
             .arg(runFormula(run), monospace(shownNumber(run.base)),
                  monospace(shownNumber(run.exponent)), monospace(shownNumber(run.modulus)));
    const BigInt base = BigInt::fromBytes(run.base), modulus = BigInt::fromBytes(run.modulus);
    if (base >= modulus)
        h += tr("<p>The base is larger than the modulus, so it is reduced first: %1 mod %2 = "
                "%3.</p>")
                 .arg(shownNumber(run.base), shownNumber(run.modulus),
                      shownNumber((base % modulus).toBytes()));
    if (!run.secret)
        h += tr(
            "<p>The exponent is <b>public</b>: left to right, one bit at a time. Square for every "
            "bit; multiply by the base when the bit is 1.</p>");
    else if (run.window == 1)
        h += tr(
            "<p>The exponent is <b>secret</b>: for every bit, a squaring and then <i>always</i> a "
            "multiplication, by base<sup>1</sup> or by base<sup>0</sup> = 1, so the sequence of "
            "operations does not reveal the bits. That hides only the order of operations: "
            "real code also needs constant-time arithmetic and blinding.</p>");
    else
        h += tr("<p>The exponent is <b>secret</b>: fixed windows of %1 bits. Each window costs %1 "
                "squarings and <i>always</i> one multiplication by base<sup>digit</sup> from a "
                "table "
                "(even for digit 0), so the sequence of operations does not reveal the bits. That "
                "hides only the order of operations: which table entry is read still shows in the "
                "cache unless every entry is read, and real code also blinds the input.</p>")
                 .arg(run.window);
    // Which exponent bits are in: after the first multiplication the top window is in, and
    // each squaring brings in one more bit.
    const std::size_t windows =
        bits ? (bits + std::size_t(run.window) - 1) / std::size_t(run.window) : 0;
    const std::size_t topBits = bits - (windows ? (windows - 1) * std::size_t(run.window) : 0);
    const std::size_t consumed = run.multiplications ? std::min(bits, topBits + run.squarings) : 0;
    if (bits > 0 && bits <= kDrawnExponentBits) {
        QString drawn;
        for (std::size_t i = bits; i-- > 0;) {
            const std::size_t fromTop = bits - 1 - i;
            const QString bit = exponent.bit(i) ? QStringLiteral("1") : QStringLiteral("0");
            drawn += fromTop < consumed
                         ? shaded(QStringLiteral("<b>%1</b>").arg(bit), lengthColor())
                         : faded(bit);
            if (i && i % std::size_t(run.window) == 0 && run.window > 1)
                drawn += QLatin1Char(' ');
        }
        h += tr("<p>Exponent in binary: %1 &nbsp; (shaded: the bits already used)</p>")
                 .arg(monospace(drawn));
    } else if (bits > 0) {
        h += tr("<p>Exponent bits already in: %1 of %2.</p>").arg(consumed).arg(bits);
    }
    h += tableStart() + headerRow({tr("step"), tr("operation"), tr("exponent so far"),
                                   tr("value = base<sup>exponent so far</sup> mod modulus")});
    auto stepRow = [&](const ModexpStep &st, bool last) {
        QString op;
        if (st.square)
            op = tr("square");
        else if (st.index == 1 && !run.secret)
            op = tr("start: the top bit is 1, value = base");
        else if (st.digit == 0)
            op = tr("× base<sup>0</sup> = 1 (digit 0)");
        else
            op = tr("× base<sup>%1</sup>").arg(st.digit);
        const QString sofar =
            st.exponentSoFar.bitLength() <= 64
                ? monospace(binary(st.exponentSoFar)) +
                      faded(QStringLiteral(" = %1").arg(fromStd(st.exponentSoFar.toDecimal())))
                : tr("the top %1 bits").arg(st.exponentSoFar.bitLength());
        // Big values in full only on the current row; the others on one line each.
        const bool big = BigInt::fromBytes(st.value).toDecimal().size() > kAutoDecimalDigits;
        const QString value = big && !last ? compactHex(st.value) : shownNumber(st.value);
        return row({(last ? kNowAnchor : QString()) + QString::number(st.index), op, sofar,
                    monospace(value)},
                   last ? opaqueColor(freshColor()) : QString());
    };
    const bool all = run.stepCount <= run.recent.size();
    if (!all) {
        for (const ModexpStep &st : run.head)
            h += stepRow(st, false);
        const std::size_t hidden =
            run.stepCount - run.head.size() - std::min<std::size_t>(run.recent.size(), 10);
        h += row({QString(), faded(tr("… %1 more steps …").arg(hidden)), QString(), QString()});
    }
    const std::size_t from =
        all ? 0 : run.recent.size() - std::min<std::size_t>(run.recent.size(), 10);
    for (std::size_t i = from; i < run.recent.size(); ++i)
        h += stepRow(run.recent[i], current && i + 1 == run.recent.size());
    h += QStringLiteral("</table>");
    if (run.done)
        h += (current ? kNowAnchor : QString()) +
             tr("<p>Result: <b>%1</b> &nbsp; (%2 squarings, %3 multiplications)</p>")
                 .arg(monospace(shownNumber(run.result)))
                 .arg(run.squarings)
                 .arg(run.multiplications);
    return h;
}

QString RsaPage::modexpHtml(const RsaLabState &s) const
{
    QString h;
    const ModexpStep *now = currentModexpStep(s);
    for (std::size_t i = 0; i < s.operations.size(); ++i) {
        const RsaOperation &op = s.operations[i];
        h += QStringLiteral("<h3>%1</h3>").arg(fromStd(op.title).toHtmlEscaped());
        if (op.crt)
            h += tr("<p>With the CRT: m<sub>p</sub> = c<sup>dP</sup> mod p and m<sub>q</sub> = "
                    "c<sup>dQ</sup> "
                    "mod q, two exponentiations with numbers half as long, then one "
                    "recombination.</p>");
        for (std::size_t r = 0; r < op.modexps.size(); ++r) {
            const bool current = now && i + 1 == s.operations.size() && r + 1 == op.modexps.size();
            const bool justEnded = s.lastKind == "modexp_end" && i + 1 == s.operations.size() &&
                                   r + 1 == op.modexps.size();
            h += runHtml(op.modexps[r], current || justEnded);
        }
        if (op.crtCombined) {
            if (s.lastKind == "rsa_crt_combine")
                h += kNowAnchor;
            h += tr("<p><b>Recombine</b> (Garner): h = qInv·(m<sub>p</sub> − m<sub>q</sub>) mod p "
                    "= %1; "
                    "m = m<sub>q</sub> + h·q = <b>%2</b></p>")
                     .arg(monospace(shownNumber(op.h)), monospace(shownNumber(op.output)));
        }
    }
    if (s.operations.size() == 2 && !s.operations[0].modexps.empty() &&
        !s.operations[1].output.empty()) {
        const Bytes m = BigInt::fromBytes(s.operations[0].modexps[0].base).toBytes();
        h += s.operations[1].output == m
                 ? verdict(true, tr("Decryption gives the message back."))
                 : verdict(false, tr("Decryption does not give the message back."));
    }
    if (s.operations.empty())
        h += note(tr("Step forward to start the encryption."));
    return h;
}

QString RsaPage::paddingHtml(const RsaLabState &s) const
{
    const RsaOperation *textbook[2] = {}, *oaep[2] = {}, *sign = nullptr;
    int t = 0, o = 0;
    for (const RsaOperation &op : s.operations) {
        if (op.op == "textbook" && t < 2)
            textbook[t++] = &op;
        else if (op.op == "oaep" && o < 2)
            oaep[o++] = &op;
        else if (op.op == "sign")
            sign = &op;
    }
    const RsaPrivateKey &used = m_key.bits() >= kPaddingKeyBits || !m_bigKey ? m_key : *m_bigKey;
    QString h;
    const QByteArray msg = m_padText->text().toUtf8();
    h += tr("<h3>The same message, encrypted twice</h3>");
    h += tr("<p>Message “%1” (%2 bytes: %3). Key: %4 bits, so every ciphertext is k = %5 "
            "bytes.%6</p>")
             .arg(m_padText->text().toHtmlEscaped())
             .arg(msg.size())
             .arg(monospace(hexBytes(Bytes(msg.begin(), msg.end()))))
             .arg(used.bits())
             .arg(used.byteLength())
             .arg(m_key.bits() >= kPaddingKeyBits
                      ? QString()
                      : tr(" (The current key is too small for OAEP, which needs k ≥ 66 bytes: "
                           "this tab uses a 1024-bit key of its own.)"));
    auto cipher = [&](const RsaOperation *op) {
        return op && !op->output.empty()
                   ? monospace(shortHex(BigInt::fromBytes(op->output).toBytes(used.byteLength())))
                   : faded(tr("(not yet)"));
    };
    auto same = [&](const RsaOperation *const pair[2], const QString &yes, const QString &no) {
        if (!pair[0] || !pair[1] || pair[0]->output.empty() || pair[1]->output.empty())
            return QString();
        return pair[0]->output == pair[1]->output ? verdict(false, yes) : verdict(true, no);
    };
    h += tableStart() +
         headerRow({tr("scheme"), tr("1st ciphertext"), tr("2nd ciphertext"), tr("equal?")});
    h += row({tr("<b>Textbook</b><br>c = m<sup>e</sup> mod n"), cipher(textbook[0]),
              cipher(textbook[1]),
              same(textbook, tr("identical: anyone can test a guess of m by encrypting it"),
                   tr("different"))});
    h += row({tr("<b>OAEP</b> (SHA-256)<br>c = EM<sup>e</sup> mod n"), cipher(oaep[0]),
              cipher(oaep[1]),
              same(oaep, tr("identical"), tr("different: a fresh random seed every time"))});
    h += QStringLiteral("</table>");

    // The OAEP block of the latest OAEP encryption at the cursor.
    const RsaOperation *shown = oaep[1] && oaep[1]->oaepEncoded ? oaep[1] : oaep[0];
    if (shown && shown->oaepEncoded) {
        const RsaOperation &op = *shown;
        const std::size_t hashLen = op.lhash.size();
        const std::size_t ps = std::size_t(op.psLength);
        const Bytes message = slice(op.db, hashLen + ps + 1, op.db.size());
        h += tr("<h3>Inside %1 (RFC 8017 §7.1.1)</h3>").arg(fromStd(op.title).toHtmlEscaped());
        h += tableStart() + headerRow({tr("block"), tr("bytes"), tr("hex")});
        h += row({tr("lHash = SHA-256(label), label empty"), QString::number(hashLen),
                  coloredBytes({{op.lhash, lengthColor()}})});
        h += row({tr("DB = lHash ‖ PS ‖ 01 ‖ M<br>(PS: zero bytes filling up to k − 33)"),
                  QString::number(op.db.size()),
                  coloredBytes({{op.lhash, lengthColor()},
                                {slice(op.db, hashLen, ps), paddingColor()},
                                {slice(op.db, hashLen + ps, 1), freshColor()},
                                {message, messageColor()}})});
        h += row({tr("seed: 32 random bytes, new every time"), QString::number(op.seed.size()),
                  coloredBytes({{op.seed, freshColor()}})});
        h += row({tr("dbMask = MGF1(seed, |DB|)"), QString::number(op.dbMask.size()),
                  monospace(shortHex(op.dbMask))});
        h += row({tr("maskedDB = DB ⊕ dbMask"), QString::number(op.maskedDb.size()),
                  monospace(shortHex(op.maskedDb))});
        h += row({tr("seedMask = MGF1(maskedDB, 32)"), QString::number(op.seedMask.size()),
                  monospace(hexBytes(op.seedMask))});
        h += row({tr("maskedSeed = seed ⊕ seedMask"), QString::number(op.maskedSeed.size()),
                  monospace(hexBytes(op.maskedSeed))});
        h += row({tr("<b>EM</b> = 00 ‖ maskedSeed ‖ maskedDB"), QString::number(op.em.size()),
                  monospace(shortHex(op.em))},
                 opaqueColor(messageColor()));
        h += QStringLiteral("</table>");
        h += tr(
            "<p>Every byte of EM depends on the seed, and decryption checks lHash, the zeros and "
            "the 01 "
            "after unmasking: a changed ciphertext is rejected instead of decrypting to something "
            "related.</p>");
    }
    if (sign && sign->pkcs1Encoded) {
        const RsaOperation &op = *sign;
        const std::size_t k = op.em.size();
        const std::size_t infoLen = op.digestInfo.size();
        const std::size_t ffLen = k - 3 - infoLen;
        const std::size_t prefixLen = infoLen - op.digest.size();
        h += tr("<h3>PKCS#1 v1.5 signature with SHA-256 (RFC 8017 §8.2.1)</h3>");
        h += tableStart() + headerRow({tr("block"), tr("bytes"), tr("hex")});
        h += row({tr("H = SHA-256(message)"), QString::number(op.digest.size()),
                  coloredBytes({{op.digest, messageColor()}})});
        h += row({tr("DigestInfo = DER prefix naming SHA-256 ‖ H"), QString::number(infoLen),
                  coloredBytes({{slice(op.digestInfo, 0, prefixLen), lengthColor()},
                                {op.digest, messageColor()}})});
        h += row({tr("<b>EM</b> = 00 01 FF…FF 00 ‖ DigestInfo"), QString::number(k),
                  coloredBytes({{slice(op.em, 0, 2), freshColor()},
                                {slice(op.em, 2, ffLen), paddingColor()},
                                {slice(op.em, 2 + ffLen, 1), freshColor()},
                                {slice(op.em, 3 + ffLen, prefixLen), lengthColor()},
                                {op.digest, messageColor()}})},
                 QString());
        h += row({tr("<b>s</b> = EM<sup>d</sup> mod n"), QString::number(k),
                  op.output.empty()
                      ? faded(tr("(step on: the CRT exponentiations)"))
                      : monospace(shortHex(BigInt::fromBytes(op.output).toBytes(k)))});
        h += QStringLiteral("</table>");
        h += tr("<p>The verifier computes s<sup>e</sup> mod n and compares it with the block it "
                "builds "
                "itself from the message, byte for byte. The tutorial instead signed a raw MD5 "
                "digest: "
                "no structure to check, and MD5 collides.</p>");
    }
    return h;
}

QString RsaPage::malleateHtml(const RsaLabState &s) const
{
    const RsaOperation *enc = nullptr, *mall = nullptr, *dec = nullptr;
    for (const RsaOperation &op : s.operations) {
        if (op.op == "encrypt")
            enc = &op;
        else if (op.op == "malleate")
            mall = &op;
        else if (op.op == "decrypt")
            dec = &op;
    }
    const auto m = parseNumber(m_mallM->text()).value_or(BigInt());
    const auto sFactor = parseNumber(m_mallS->text()).value_or(BigInt(1));
    const RsaPublicKey pub = m_key.publicKey();
    QString h = tr("<h3>Textbook RSA is malleable</h3>"
                   "<p>Key: n = %1, e = %2. The attacker sees the public key and the ciphertext, "
                   "nothing else.</p>")
                    .arg(foldedNumber(QStringLiteral("n"), pub.n.toBytes()),
                         foldedNumber(QStringLiteral("e"), pub.e.toBytes()));
    h += tableStart() + headerRow({tr("who"), tr("does"), tr("value")});
    const QString now = opaqueColor(freshColor());
    auto latest = [&](const RsaOperation *op) {
        return !s.operations.empty() && op == &s.operations.back();
    };
    h += row({tr("owner"), tr("message m"), foldedNumber(QStringLiteral("m"), m.toBytes())});
    if (enc)
        h += row({tr("owner"), tr("c = m<sup>e</sup> mod n"),
                  enc->output.empty() ? faded(tr("(computing)"))
                                      : foldedNumber(QStringLiteral("c"), enc->output)},
                 latest(enc) ? now : QString());
    if (mall) {
        const BigInt sE = modPow(sFactor, pub.e, pub.n, ExponentKind::Public);
        h += row({tr("attacker"), tr("picks s, computes s<sup>e</sup> mod n"),
                  tr("s = %1, s<sup>e</sup> mod n = %2")
                      .arg(foldedNumber(QStringLiteral("s"), sFactor.toBytes()),
                           foldedNumber(QStringLiteral("se"), sE.toBytes()))});
        h += row({tr("attacker"), tr("c′ = c · s<sup>e</sup> mod n"),
                  mall->malleated ? foldedNumber(QStringLiteral("cprime"), mall->cPrime)
                                  : faded(tr("(computing)"))},
                 latest(mall) ? now : QString());
    }
    if (dec) {
        h += row({tr("owner"), tr("decrypts c′: c′<sup>d</sup> mod n"),
                  dec->output.empty() || !dec->crtCombined
                      ? faded(tr("(step on: CRT exponentiations)"))
                      : QStringLiteral("<b>%1</b>")
                            .arg(foldedNumber(QStringLiteral("out"), dec->output))},
                 latest(dec) ? now : QString());
        if (!dec->output.empty() && dec->crtCombined) {
            const BigInt expected = m * sFactor % pub.n;
            const bool ok = BigInt::fromBytes(dec->output) == expected;
            h +=
                row({QString(), tr("compare: m · s mod n"),
                     foldedNumber(QStringLiteral("ms"), expected.toBytes()) +
                         QStringLiteral(" &nbsp; ") +
                         (ok ? verdict(false,
                                       tr("equal: the attacker changed the plaintext predictably, "
                                          "without the private key"))
                             : verdict(true, tr("different")))});
        }
    }
    h += QStringLiteral("</table>");
    h += tr(
        "<p><b>Why:</b> c · s<sup>e</sup> = m<sup>e</sup> · s<sup>e</sup> = (m·s)<sup>e</sup> "
        "(mod n). "
        "Textbook RSA turns products into products. In a protocol that means an attacker can, for "
        "example, double an amount in an encrypted order, or ask a decryption service to decrypt "
        "c′ and divide the answer by s to get m.</p>"
        "<p><b>The fix:</b> OAEP (previous tab). Its encoded block has structure that decryption "
        "checks; c · s<sup>e</sup> decrypts to a block that fails the check, so it is "
        "rejected.</p>");
    return h;
}

QString RsaPage::lessonMarkdown() const
{
    return lesson("rsa");
}

QStringList RsaPage::sourceFiles() const
{
    return coreSources(
        {"core/rsa/rsa_key.cpp", "core/rsa/rsa_ops.cpp", "core/rsa/montgomery.cpp"});
}

} // namespace wb::crypto::ui
