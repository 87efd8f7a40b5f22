#include "rsaview.h"
#include "common.h"

#include "crypto/core/events.h"

#include "workbench/core/trace.h"
#include "workbench/ui/responsive.h"
#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/tracetable.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSplitter>
#include <QTabWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <map>

namespace wb::crypto::ui {

namespace {

// A key smaller than this cannot hold an OAEP-SHA256 block (k >= 66 bytes).
constexpr std::size_t kPaddingKeyBits = 1024;
// The largest number a recording may hand the lab, in bytes (an 8192-bit key's).
constexpr std::size_t kLargestNumber = 1024;

const QStringList kNumberBases = {"auto", "decimal", "hex"};
// The settings a recording of the lab holds, all of them needed to show it.
constexpr const char *kSettingKeys[] = {"tab",        "key",        "e",     "d_from",
                                        "numbers",    "message",    "crt",   "padding_text",
                                        "malleate_m", "malleate_s", "parts", "unfolded"};

// A section's tab: its controls above its view.
QWidget *sectionTab(QLayout *controls, QWidget *view)
{
    auto *tab = new QWidget;
    auto *column = new QVBoxLayout(tab);
    column->addLayout(controls);
    column->addWidget(view, 1);
    return tab;
}

// "keygen,modexp,malleate": the parts of a lab trace, in its order.
std::string partList(const std::vector<RsaLabSpan> &spans)
{
    std::string parts;
    for (const RsaLabSpan &s : spans)
        parts += (parts.empty() ? "" : ",") + std::string(rsaLabPartName(s.part));
    return parts;
}

QString partName(int section)
{
    return QString::fromLatin1(rsaLabPartName(RsaLabPart(section)));
}

// Runs `body` with a scratch trace and copies its events into `into`, leaving out the squares
// and multiplies (they are the exponentiation tab's subject; here they would drown the rest).
template <typename F> auto withoutSteps(wb::Trace &into, F body)
{
    wb::Trace scratch;
    auto result = body(&scratch);
    for (std::size_t i = 0; i < scratch.size(); ++i) {
        const wb::Event &e = scratch.at(i);
        if (!wb::as<events::ModexpSquare>(e) && !wb::as<events::ModexpMultiply>(e))
            into.append(e);
    }
    return result;
}

void markOperation(wb::Trace &trace, const char *op, const QString &title)
{
    wb::record(&trace, RsaLabOp{op}, title.toStdString());
}

// A part's run begins with its marker.
std::unique_ptr<wb::Trace> startRun(RsaLabPart part, std::size_t keyBits, const QString &title)
{
    auto run = std::make_unique<wb::Trace>();
    wb::record(run.get(),
               RsaLabPartBegin{std::string(rsaLabPartName(part)), std::int64_t(keyBits)},
               title.toStdString());
    return run;
}

std::optional<BigInt> parseNumber(const QString &text)
{
    return BigInt::fromDecimal(text.trimmed().toStdString());
}

// Where the cursor opens in `span` of `trace`: `leftAt` events into it when the learner left
// it there, else the first square of the exponentiations, or the part's end for the others.
qsizetype openingPosition(const wb::Trace &trace, const RsaLabSpan &span, qsizetype leftAt)
{
    const auto length = qsizetype(span.end - span.begin);
    if (leftAt > 0)
        return qsizetype(span.begin) + std::min(leftAt, length);
    if (span.part == RsaLabPart::Modexp) {
        const auto first = trace.findNext(events::ModexpSquare::kind, span.begin);
        if (first && *first < span.end)
            return qsizetype(*first + 1);
    }
    return qsizetype(span.end);
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Construction

RsaPage::RsaPage(QWidget *parent)
    : SessionPage(std::make_shared<wb::ui::TraceSession>(), parent),
      m_state(std::make_unique<wb::ui::SessionState<RsaLabState>>(*traceSession(), applyRsaEvent,
                                                                  RsaLabState{}, 64)),
      m_table(new wb::ui::TraceTable)
{
    for (int section = 0; section < SectionCount; ++section)
        m_views[section] = new RsaPartView(RsaLabPart(section));
    m_tabs = new QTabWidget;
    m_tabs->setAccessibleName(tr("RSA parts"));
    m_tabs->addTab(view(KeyGen), tr("Key generation"));
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
    return sectionTab(r, view(Modexp));
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
    return sectionTab(r, view(Padding));
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
    return sectionTab(r, view(Malleate));
}

void RsaPage::connectControls()
{
    m_poll.setInterval(150);
    connect(&m_poll, &QTimer::timeout, this, &RsaPage::pollGeneration);
    for (RsaPartView *v : m_views)
        connect(v, &QTextBrowser::anchorClicked, this, &RsaPage::toggleFold);
    // The tab follows the cursor, drawn or not (a hidden page draws when shown).
    connect(traceSession(), &wb::ui::TraceSession::positionChanged, this, &RsaPage::followCursor);
    connect(traceSession(), &wb::ui::TraceSession::traceReplaced, this, &RsaPage::followCursor);
    connect(m_tabs, &QTabWidget::currentChanged, this, &RsaPage::onTabPicked);
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
    connect(m_message, &QLineEdit::textChanged, this, [this] { rerun(Modexp); });
    connect(m_crt, &QCheckBox::toggled, this, [this] { rerun(Modexp); });
    connect(m_padText, &QLineEdit::textChanged, this, [this] { rerun(Padding); });
    connect(m_again, &QPushButton::clicked, this, [this] { rerun(Padding); });
    connect(m_mallM, &QLineEdit::textChanged, this, [this] { rerun(Malleate); });
    connect(m_mallS, &QLineEdit::textChanged, this, [this] { rerun(Malleate); });
}

void RsaPage::openRequestedPart()
{
    // Screenshot hook: "keygen", "modexp", "padding", "malleate", optionally ":<bits>" for a
    // key made on the spot and "@<position>" for the cursor ("modexp:2048@40").
    QString part = requestedPart(QStringLiteral("rsa"));
    if (part.isEmpty())
        return;
    qsizetype at = -1;
    if (const int i = int(part.indexOf(QLatin1Char('@'))); i >= 0) {
        at = part.mid(i + 1).toLongLong();
        part.truncate(i);
    }
    const QStringList bits = part.split(QLatin1Char(':'));
    if (bits.size() > 1 && bits[1].toInt() > 0) {
        const int n = bits[1].toInt();
        m_size->setCurrentIndex(m_size->findData(n));
        const BigInt e = n <= 16 ? BigInt(17) : BigInt(65537);
        m_exponent->setCurrentText(QString::fromStdString(e.toDecimal()));
        m_dFrom->setCurrentIndex(m_dFrom->findData(int(PrivateExponent::Lambda)));
        const auto run =
            startRun(RsaLabPart::KeyGen, std::size_t(n), tr("A new %1-bit key").arg(n));
        adoptKey(generateRsaKey(std::size_t(n), run.get(), e), *run,
                 tr("a new %1-bit key").arg(n));
    }
    if (const auto s = rsaLabPartNamed(bits[0].toStdString()))
        showSection(Section(*s));
    if (at >= 0)
        controller()->seek(at);
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
// The lab's trace and its parts

std::shared_ptr<const wb::Trace> RsaPage::labTrace() const
{
    return traceSession()->sharedTrace();
}

const std::vector<RsaLabSpan> &RsaPage::spans() const
{
    if (m_spansOf != traceSession()->generation()) {
        m_spansOf = traceSession()->generation();
        m_spans = labTrace() ? rsaLabSpans(*labTrace()) : std::vector<RsaLabSpan>{};
    }
    return m_spans;
}

std::optional<RsaLabSpan> RsaPage::span(Section section) const
{
    return rsaLabSpan(spans(), RsaLabPart(section));
}

qsizetype RsaPage::sectionLength(Section section) const
{
    const auto s = span(section);
    return s ? qsizetype(s->end - s->begin) : 0;
}

qsizetype RsaPage::openingPosition(Section section) const
{
    const auto s = span(section);
    return s ? ui::openingPosition(*labTrace(), *s, m_leftAt[section]) : -1;
}

void RsaPage::showLab(std::shared_ptr<wb::Trace> lab, Section at)
{
    // The cursor opens in `at`'s part, or at the end of the key when it has none.
    const std::vector<RsaLabSpan> parts = rsaLabSpans(*lab);
    qsizetype position = 0;
    if (const auto s = rsaLabSpan(parts, RsaLabPart(at)))
        position = ui::openingPosition(*lab, *s, m_leftAt[at]);
    else if (const auto key = rsaLabSpan(parts, RsaLabPart::KeyGen))
        position = qsizetype(key->end);
    traceSession()->show(std::move(lab), position);
    if (Section(m_state->atCursor().part) != at) {
        // `at` has no run (its input is wrong): its tab stays, with its message.
        m_holdTab = Held{traceSession()->generation(), traceSession()->position()};
        setTab(at);
        redraw();
    }
}

void RsaPage::adoptRun(Section section, const wb::Trace &run)
{
    const wb::Trace none;
    const auto lab = labTrace();
    m_leftAt[section] = -1;
    showLab(withRsaLabRun(lab ? *lab : none, run), section);
}

void RsaPage::dropRun(Section section)
{
    const auto lab = labTrace();
    if (!lab)
        return;
    showLab(withoutRsaLabPart(*lab, RsaLabPart(section)), section);
}

// ---------------------------------------------------------------------------------------------
// The tabs follow the cursor

void RsaPage::followCursor()
{
    const Held now{traceSession()->generation(), traceSession()->position()};
    if (m_holdTab && *m_holdTab == now)
        return;
    m_holdTab.reset();
    setTab(Section(m_state->atCursor().part));
}

void RsaPage::setTab(Section section)
{
    if (section == m_shown && m_tabs->currentIndex() == section)
        return;
    m_following = true;
    m_tabs->setCurrentIndex(section);
    m_following = false;
    m_shown = section;
    showError(section, m_errors[section]);
}

void RsaPage::onTabPicked(int index)
{
    if (m_following || index < 0)
        return;
    const Section from = m_shown, to = Section(index);
    // Where the learner leaves `from`, to come back to.
    const qsizetype position = traceSession()->position();
    if (const auto s = span(from); s && Section(m_state->atCursor().part) == from)
        m_leftAt[from] = position - qsizetype(s->begin);
    m_shown = to;
    showError(to, m_errors[to]);
    if (!span(to)) {
        // The padding part is made when its tab is first shown (it may need a key of its own).
        if (to == Padding && !m_recorded && m_errors[to].isEmpty()) {
            rerun(Padding);
            return;
        }
        m_holdTab = Held{traceSession()->generation(), position};
        requestRefresh();
        return;
    }
    controller()->seek(openingPosition(to));
    requestRefresh();
}

void RsaPage::showSection(Section section)
{
    m_tabs->setCurrentIndex(section); // onTabPicked, when it changes
}

RsaPage::Section RsaPage::currentSection() const
{
    return m_shown;
}

const RsaLabState &RsaPage::stateAtCursor()
{
    return m_state->atCursor();
}

void RsaPage::refresh()
{
    followCursor();
    redraw();
}

void RsaPage::changeEvent(QEvent *event)
{
    SessionPage::changeEvent(event);
    // The drawing is rich text with the palette's colours written into it: made again.
    if (event->type() == QEvent::PaletteChange)
        redraw();
    // Another font (presentation mode) moves every row: once the views have taken it, they
    // scroll to the latest step again.
    if (event->type() == QEvent::FontChange)
        QTimer::singleShot(0, this, [this] {
            m_drawn = {};
            redraw();
        });
}

RsaLabInputs RsaPage::inputs() const
{
    return {m_padText->text(), m_mallM->text(), m_mallS->text()};
}

void RsaPage::redraw()
{
    if (!labTrace())
        return;
    const Drawn now{traceSession()->generation(), traceSession()->position(), m_shown};
    const bool moved = !(now == m_drawn);
    m_drawn = now;
    const RsaLabState &s = m_state->atCursor();
    if (Section(s.part) == m_shown)
        view(m_shown)->draw(s, m_numberStyle, inputs(), moved);
    else if (m_errors[m_shown].isEmpty())
        view(m_shown)->drawNote(tr("This lab's trace holds no run of this part."));
    else
        view(m_shown)->drawNote(tr("Nothing to step through: the input above needs a fix."));
    emit highlightsChanged();
}

QString RsaPage::shownHtml()
{
    followCursor();
    redraw();
    return view(m_shown)->toHtml();
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
    m_errors[section] = text;
    if (section != m_shown)
        return;
    m_error->setText(text);
    m_error->setVisible(!text.isEmpty());
}

void RsaPage::setNumberBase(NumberBase base)
{
    m_numberStyle.base = base;
    {
        const QSignalBlocker block(m_numbers);
        m_numbers->setCurrentIndex(m_numbers->findData(int(base)));
    }
    redraw();
}

QString RsaPage::shownNumber(const Bytes &bigEndian) const
{
    return m_numberStyle.number(bigEndian);
}

void RsaPage::toggleFold(const QUrl &link)
{
    const QString id = link.path();
    if (link.scheme() == QLatin1String("unfold"))
        m_numberStyle.unfolded.insert(id);
    else if (link.scheme() == QLatin1String("fold"))
        m_numberStyle.unfolded.remove(id);
    else
        return;
    redraw();
}

QString RsaPage::shownKeyNumber(const QString &name)
{
    followCursor();
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

void RsaPage::showKeyStatus()
{
    m_status->setText(tr("Using %1: n has %2 bits, k = %3 bytes.")
                          .arg(m_keyHow)
                          .arg(m_key.bits())
                          .arg(m_key.byteLength()));
    m_status->setToolTip(m_recorded ? tr("A recorded run: nothing was computed again to show "
                                         "it. Change an input or make a key to run the lab.")
                                    : QString());
}

void RsaPage::useTutorialKey()
{
    {
        const QSignalBlocker a(m_size), b(m_exponent), c(m_dFrom);
        m_size->setCurrentIndex(0);
        m_exponent->setCurrentText(QStringLiteral("17"));
        m_dFrom->setCurrentIndex(m_dFrom->findData(int(PrivateExponent::Phi)));
    }
    const auto run = startRun(RsaLabPart::KeyGen, 12, tr("The textbook key"));
    adoptKey(rsaKeyFromPrimes(61, 53, 17, PrivateExponent::Phi, run.get()), *run,
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
    m_liveTrace =
        startRun(RsaLabPart::KeyGen, std::size_t(bits), tr("A new %1-bit key").arg(bits));
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
    adoptKey(*key, *trace, tr("a new %1-bit key").arg(key->bits()));
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

void RsaPage::adoptKey(const RsaPrivateKey &key, const wb::Trace &keyRun, const QString &how)
{
    m_recorded = false;
    m_key = key;
    m_keyHow = how;
    showKeyStatus();
    showError(KeyGen, {});
    // A new key starts a new lab: every part that was run is run again with it, the padding
    // part only if it had been made (it may need a key of its own).
    const bool padding = span(Padding) || m_shown == Padding;
    auto lab = withRsaLabRun(wb::Trace(), keyRun);
    for (const Section section : {Modexp, Padding, Malleate}) {
        m_leftAt[section] = -1;
        if (section == Padding && !padding)
            continue;
        if (const auto run = runPart(section))
            lab = withRsaLabRun(*lab, *run);
    }
    m_leftAt[KeyGen] = -1;
    // The key's part opens at its end: the finished key, with every step behind it.
    showLab(std::move(lab), m_shown);
    emit keyChanged();
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
// Running the parts

bool RsaPage::setModexpInput(const QString &number, bool useCrt)
{
    const QSignalBlocker a(m_message), b(m_crt);
    m_message->setText(number);
    m_crt->setChecked(useCrt);
    return rerun(Modexp);
}

bool RsaPage::setPaddingMessage(const QString &text)
{
    const QSignalBlocker block(m_padText);
    m_padText->setText(text);
    return rerun(Padding);
}

bool RsaPage::setMalleability(const QString &m, const QString &s)
{
    const QSignalBlocker a(m_mallM), b(m_mallS);
    m_mallM->setText(m);
    m_mallS->setText(s);
    return rerun(Malleate);
}

std::unique_ptr<wb::Trace> RsaPage::runPart(Section section)
{
    switch (section) {
    case Modexp:
        return runModexp();
    case Padding:
        return runPadding();
    case Malleate:
        return runMalleate();
    default:
        return nullptr;
    }
}

bool RsaPage::rerun(Section section)
{
    leaveRecording();
    const auto run = runPart(section);
    if (!run) {
        dropRun(section);
        return false;
    }
    adoptRun(section, *run);
    return true;
}

std::unique_ptr<wb::Trace> RsaPage::runModexp()
{
    const auto m = parseNumber(m_message->text());
    if (!m || *m >= m_key.n) {
        showError(Modexp,
                  !m ? tr("The message must be a decimal number, got '%1'.").arg(m_message->text())
                     : tr("The message must be smaller than n = %1.")
                           .arg(shownNumber(m_key.n.toBytes())));
        return nullptr;
    }
    showError(Modexp, {});
    auto run = startRun(RsaLabPart::Modexp, m_key.bits(), tr("Exponentiation"));
    markOperation(*run, "encrypt", tr("Encrypt m = %1").arg(shownNumber(m->toBytes())));
    const BigInt c = rsaPublicOp(m_key.publicKey(), *m, run.get());
    markOperation(*run, "decrypt",
                  (m_crt->isChecked() ? tr("Decrypt c = %1 with the CRT")
                                      : tr("Decrypt c = %1 in one exponentiation"))
                      .arg(shownNumber(c.toBytes())));
    rsaPrivateOp(m_key, c, run.get(), m_crt->isChecked());
    return run;
}

std::unique_ptr<wb::Trace> RsaPage::runPadding()
{
    const RsaPrivateKey &key = paddingKey();
    const QByteArray utf8 = m_padText->text().toUtf8();
    const Bytes msg(utf8.begin(), utf8.end());
    auto run = startRun(RsaLabPart::Padding, key.bits(), tr("Textbook vs padded"));
    try {
        for (int n = 1; n <= 2; ++n) {
            markOperation(*run, "textbook", tr("Textbook encryption #%1").arg(n));
            withoutSteps(*run,
                         [&](wb::Trace *t) { return textbookEncrypt(key.publicKey(), msg, t); });
        }
        for (int n = 1; n <= 2; ++n) {
            markOperation(*run, "oaep", tr("OAEP encryption #%1").arg(n));
            withoutSteps(*run, [&](wb::Trace *t) { return oaepEncrypt(key.publicKey(), msg, t); });
        }
        markOperation(*run, "sign", tr("PKCS#1 v1.5 signature"));
        withoutSteps(*run, [&](wb::Trace *t) { return pkcs1v15Sign(key, msg, t); });
    } catch (const CryptoError &e) {
        showError(Padding, QString::fromUtf8(e.what()));
        return nullptr;
    }
    showError(Padding, {});
    return run;
}

std::unique_ptr<wb::Trace> RsaPage::runMalleate()
{
    const auto m = parseNumber(m_mallM->text());
    const auto s = parseNumber(m_mallS->text());
    if (!m || !s || *m >= m_key.n || s->isZero() || *s >= m_key.n) {
        showError(Malleate,
                  tr("m and s must be decimal numbers with m < n and 0 < s < n (n = %1).")
                      .arg(shownNumber(m_key.n.toBytes())));
        return nullptr;
    }
    showError(Malleate, {});
    auto run = startRun(RsaLabPart::Malleate, m_key.bits(), tr("Malleability"));
    const RsaPublicKey pub = m_key.publicKey();
    markOperation(*run, "encrypt", tr("The owner's message is encrypted"));
    const BigInt c = withoutSteps(*run, [&](wb::Trace *t) { return rsaPublicOp(pub, *m, t); });
    markOperation(*run, "malleate", tr("The attacker multiplies in s^e"));
    const BigInt cPrime = malleate(pub, c, *s, run.get());
    markOperation(*run, "decrypt", tr("The owner decrypts the changed ciphertext"));
    withoutSteps(*run, [&](wb::Trace *t) { return rsaPrivateOp(m_key, cPrime, t); });
    return run;
}

// ---------------------------------------------------------------------------------------------
// Recordings

std::vector<std::pair<std::string, std::string>> RsaPage::recordingSettings() const
{
    const auto text = [](const QString &s) {
        return s.toStdString();
    };
    const std::string parts = partList(spans());
    QStringList unfolded(m_numberStyle.unfolded.begin(), m_numberStyle.unfolded.end());
    unfolded.sort();
    const bool phi = m_dFrom->currentData().toInt() == int(PrivateExponent::Phi);
    return {
        {"tab", text(partName(m_shown))},
        {"key", m_keyHow == tutorialKeyName() ? "textbook" : std::to_string(m_key.bits())},
        {"e", text(m_exponent->currentText())},
        {"d_from", phi ? "phi" : "lambda"},
        {"numbers", text(kNumberBases[int(m_numberStyle.base)])},
        {"message", text(m_message->text())},
        {"crt", m_crt->isChecked() ? "yes" : "no"},
        {"padding_text", text(m_padText->text())},
        {"malleate_m", text(m_mallM->text())},
        {"malleate_s", text(m_mallS->text())},
        {"parts", parts},
        {"unfolded", text(unfolded.join(QLatin1Char(',')))},
    };
}

bool RsaPage::applyRecordingSettings(
    const std::vector<std::pair<std::string, std::string>> &settings, QString *error)
{
    const std::map<std::string, std::string> given(settings.begin(), settings.end());
    for (const char *key : kSettingKeys)
        if (!given.contains(key)) {
            *error = tr("the recording has no setting %1, which the RSA lab needs")
                         .arg(QString::fromLatin1(key));
            return false;
        }
    const auto get = [&](const char *key) {
        return QString::fromStdString(given.at(key));
    };
    const auto refuse = [&](const char *key, const QString &value) {
        *error = tr("the recording's setting %1 = \"%2\" is not one the RSA lab knows")
                     .arg(QString::fromLatin1(key), value.left(40));
        return false;
    };
    // Everything is checked before anything changes.
    const QString tab = get("tab"), key = get("key"), e = get("e"), dFrom = get("d_from"),
                  numbers = get("numbers"), crt = get("crt"), parts = get("parts"),
                  folds = get("unfolded");
    const auto shown = rsaLabPartNamed(tab.toStdString());
    if (!shown)
        return refuse("tab", tab);
    const int bits = key == QLatin1String("textbook") ? 0 : key.toInt();
    if (key != QLatin1String("textbook") && (bits <= 0 || m_size->findData(bits) < 0))
        return refuse("key", key);
    if (m_exponent->findText(e) < 0)
        return refuse("e", e);
    if (dFrom != QLatin1String("phi") && dFrom != QLatin1String("lambda"))
        return refuse("d_from", dFrom);
    const auto base = kNumberBases.indexOf(numbers);
    if (base < 0)
        return refuse("numbers", numbers);
    if (crt != QLatin1String("yes") && crt != QLatin1String("no"))
        return refuse("crt", crt);
    for (const QString &p : parts.split(QLatin1Char(','), Qt::SkipEmptyParts))
        if (!rsaLabPartNamed(p.toStdString()))
            return refuse("parts", parts);
    const QStringList unfolded = folds.split(QLatin1Char(','), Qt::SkipEmptyParts);
    const QStringList foldable = {"n", "e", "m", "c", "s", "se", "cprime", "out", "ms"};
    for (const QString &id : unfolded)
        if (!foldable.contains(id))
            return refuse("unfolded", folds);

    // A recording is data: a key being made is dropped, nothing is run.
    cancelGeneration();
    m_recorded = true;
    {
        const QSignalBlocker a(m_size), b(m_exponent), c(m_dFrom), d(m_numbers), f(m_message),
            g(m_crt), h(m_padText), i(m_mallM), j(m_mallS);
        showKeySize(bits);
        m_exponent->setCurrentText(e);
        m_dFrom->setCurrentIndex(m_dFrom->findData(
            int(dFrom == QLatin1String("phi") ? PrivateExponent::Phi : PrivateExponent::Lambda)));
        m_numbers->setCurrentIndex(int(base));
        m_message->setText(get("message"));
        m_crt->setChecked(crt == QLatin1String("yes"));
        m_padText->setText(get("padding_text"));
        m_mallM->setText(get("malleate_m"));
        m_mallS->setText(get("malleate_s"));
    }
    m_keyHow = bits ? tr("a new %1-bit key").arg(bits) : tutorialKeyName();
    m_numberStyle = {NumberBase(base), QSet<QString>(unfolded.begin(), unfolded.end())};
    m_leftAt.fill(-1);
    for (int s = 0; s < SectionCount; ++s)
        showError(Section(s), {});
    setTab(Section(*shown));
    return true;
}

bool RsaPage::showRecording(const wb::Recording &recording, QString *error)
{
    // The parts the settings name are the parts the trace holds, in its order.
    if (recording.trace) {
        const std::string parts = partList(rsaLabSpans(*recording.trace));
        if (recording.setting("parts", parts) != parts) {
            *error = tr("the recording's trace holds the parts %1, its settings name %2")
                         .arg(QString::fromStdString(parts),
                              QString::fromStdString(recording.setting("parts")).left(60));
            return false;
        }
    }
    if (!SessionPage::showRecording(recording, error))
        return false;
    // The recorded key, from its numbers (nothing is computed): the learner's next run of a
    // part uses it.
    if (const auto keyPart = span(KeyGen)) {
        const RsaKeyNumbers &k = m_state->at(qsizetype(keyPart->end)).key;
        if (k.known) {
            const auto num = [](const Bytes &b) {
                return BigInt::fromBytes(b);
            };
            m_key = {num(k.n), num(k.e),  num(k.d),  num(k.p),
                     num(k.q), num(k.dp), num(k.dq), num(k.qinv)};
        }
    }
    m_bigKey.reset();
    showKeyStatus();
    return true;
}

void RsaPage::leaveRecording()
{
    if (!m_recorded)
        return;
    m_recorded = false;
    showKeyStatus();
}

bool RsaPage::acceptsEvent(const wb::Event &event) const
{
    // A declared event with its fields, with numbers of a size the lab draws and an
    // exponentiation window it can divide by.
    const auto fit = [](std::initializer_list<const Bytes *> numbers) {
        return std::all_of(numbers.begin(), numbers.end(),
                           [](const Bytes *b) { return b->size() <= kLargestNumber; });
    };
    try {
        if (const auto part = wb::as<RsaLabPartBegin>(event))
            return rsaLabPartNamed(part->part) && part->keyBits >= 0 &&
                   part->keyBits <= std::int64_t(8 * kLargestNumber);
        if (wb::as<RsaLabOp>(event))
            return true;
        bool fits = true;
        const bool known = events::RsaEvents::visit(
            event, wb::Overloaded{[&](const events::ModexpBegin &b) {
                                      fits = b.window >= 1 && b.window <= 16 &&
                                             fit({&b.base, &b.exponent, &b.modulus}) &&
                                             !BigInt::fromBytes(b.modulus).isZero();
                                  },
                                  [&](const events::RsaKey &k) {
                                      fits = fit({&k.p, &k.q, &k.n, &k.phi, &k.lambda, &k.e, &k.d,
                                                  &k.dp, &k.dq, &k.qinv}) &&
                                             !BigInt::fromBytes(k.n).isZero();
                                  },
                                  [&](const events::ModexpSquare &s) { fits = fit({&s.value}); },
                                  [&](const events::ModexpMultiply &m) { fits = fit({&m.value}); },
                                  [](const auto &) {
                                  }});
        return known && fits;
    } catch (const wb::EventFieldError &) {
        return false;
    }
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
