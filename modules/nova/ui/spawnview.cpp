#include "spawnview.h"
#include "common.h"

#include "nova/core/events.h"
#include "nova/core/image_plan.h"
#include "nova/core/libvirt_xml.h"

#include "workbench/core/trace.h"
#include "workbench/core/typed_event.h"
#include "workbench/ui/responsive.h"
#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/theme.h"

#include <QCheckBox>
#include <QComboBox>
#include <QEvent>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QSpinBox>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextCursor>
#include <QTextDocument>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <map>

namespace wb::nova::ui {

namespace {

// What a line of the filter listing is, for its colour: taken again when the line is lit by
// the cursor or the palette changes.
enum LineKind { PlainLine, DefectLine, OtherLine };
constexpr int kLineKindRole = Qt::UserRole + 1;

QColor lineForeground(const QPalette &pal, int kind, bool atCursor)
{
    const QColor background = atCursor ? cursorBand(pal) : pal.color(QPalette::Base);
    switch (kind) {
    case DefectLine:
        return readable(wb::ui::stateColor("blocked"), background);
    case OtherLine:
        return fadedText(pal, background);
    default:
        return pal.color(QPalette::Text);
    }
}

QString colourStyle(const char *role)
{
    return QStringLiteral("color: %1").arg(wb::ui::stateColor(role).name());
}

// The instance of both briefs: instance-00000001 at 10.0.0.3 on 10.0.0.0/27.
const Ipv4Address kInstanceIp = *Ipv4Address::parse("10.0.0.3");
const Ipv4Network kProjectNet = *Ipv4Network::parse("10.0.0.0/27");

struct PacketPreset
{
    const char *title;
    const char *src;
    const char *dst;
    Proto proto;
    const char *sport;
    const char *dport;
    ConnState state;
};

// The tutorial's two walks first, then the cases that show the listing's defects.
const PacketPreset kPresets[] = {
    {"Inside: new SSH from 10.0.0.5", "10.0.0.5", "10.0.0.3", Proto::Tcp, "", "22",
     ConnState::New},
    {"Outside: new SSH from 192.168.1.20", "192.168.1.20", "10.0.0.3", Proto::Tcp, "", "22",
     ConnState::New},
    {"Outside, established connection", "192.168.1.20", "10.0.0.3", Proto::Tcp, "", "22",
     ConnState::Established},
    {"Ping from inside (ICMP echo)", "10.0.0.5", "10.0.0.3", Proto::Icmp, "", "", ConnState::New},
    {"DHCP reply from the gateway", "10.0.0.1", "10.0.0.3", Proto::Udp, "67", "68",
     ConnState::New},
    {"An INVALID packet from inside", "10.0.0.5", "10.0.0.3", Proto::Tcp, "", "22",
     ConnState::Invalid},
    {"To another address (10.0.0.9)", "10.0.0.5", "10.0.0.9", Proto::Tcp, "", "80",
     ConnState::New},
};

QTableWidgetItem *item(const QString &text)
{
    auto *i = new QTableWidgetItem(text);
    i->setToolTip(text);
    return i;
}

QTableWidget *makeTable(const QStringList &headers)
{
    auto *t = new QTableWidget(0, static_cast<int>(headers.size()));
    t->setHorizontalHeaderLabels(headers);
    t->verticalHeader()->hide();
    t->setEditTriggers(QAbstractItemView::NoEditTriggers);
    t->setSelectionBehavior(QAbstractItemView::SelectRows);
    t->setWordWrap(true);
    t->horizontalHeader()->setStretchLastSection(true);
    t->setTabKeyNavigation(false); // Tab moves on to the next control, arrows within
    return t;
}

} // namespace

SpawnPage::SpawnPage(QWidget *parent)
    : SessionPage(std::make_shared<wb::ui::TraceSession>(), parent), m_tabs(new QTabWidget)
{
    m_tabs->setAccessibleName(tr("What the compute host builds"));
    m_tabs->addTab(buildXmlTab(), tr("libvirt XML"));
    m_tabs->addTab(buildRulesTab(), tr("iptables and the packet walk"));
    m_tabs->addTab(buildImageTab(), tr("Image preparation"));
    auto *col = new QVBoxLayout(this);
    col->setContentsMargins(4, 4, 4, 4);
    col->addWidget(m_tabs);

    connect(m_tabs, &QTabWidget::currentChanged, this, &SpawnPage::tabChanged);
    // Opens on the domain XML; the other two tabs are filled after the first paint (or as
    // soon as something needs them), so opening the page stays quick.
    renderXml();
    m_paletteBase = palette().color(QPalette::Base).rgba();
    QTimer::singleShot(0, this, &SpawnPage::ensureHiddenTabs);
}

void SpawnPage::ensureHiddenTabs()
{
    if (m_hiddenTabsReady)
        return;
    m_hiddenTabsReady = true;
    renderRules();
    renderImage();
    // The packet tab holds the tutorial's inside packet, shown walked to its verdict when
    // that tab is opened (Home replays it).
    walk();
}

SpawnPage::~SpawnPage() = default;

void SpawnPage::showTab(Tab tab)
{
    ensureHiddenTabs();
    m_tabs->setCurrentIndex(tab);
}

void SpawnPage::tabChanged(int index)
{
    ensureHiddenTabs();
    const auto &trace = index == XmlTab     ? m_xmlTrace
                        : index == RulesTab ? m_walkTrace
                                            : m_imageTrace;
    // A tab opens on its finished result: the whole XML, the walk's verdict, the plan.
    traceSession()->show(trace, index != ImageTab && trace ? qsizetype(trace->size()) : 0);
    if (index == XmlTab) // the wrapped meanings, once the table has its final width
        QTimer::singleShot(0, m_annotations, &QTableWidget::resizeRowsToContents);
    emit sourcesChanged();
    emit lessonChanged();
}

void SpawnPage::refresh()
{
    if (m_tabs->currentIndex() == RulesTab)
        redrawWalk();
    else if (m_tabs->currentIndex() == ImageTab)
        redrawImage();
    emit highlightsChanged();
}

// ---------------------------------------------------------------------------------------------
// libvirt XML

QWidget *SpawnPage::buildXmlTab()
{
    m_xml = new QPlainTextEdit;
    m_xml->setReadOnly(true);
    m_xml->setFont(monoFont(0.95));
    m_xml->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_xml->setAccessibleName(tr("Domain XML"));
    m_xml->setAccessibleDescription(tr("The libvirt domain XML that to_xml() renders for "
                                       "instance-00000001"));
    m_comments = new QCheckBox(tr("Show the template's two comments"));
    m_annotations = makeTable({tr("Element"), tr("Value"), tr("Meaning")});
    m_annotations->setAccessibleName(tr("What each part means"));
    m_annotations->setAccessibleDescription(
        tr("One row per element of the domain XML: its value and what it means"));
    // The element as wide as it needs; the value and its meaning share the rest, wrapped.
    shareColumns(m_annotations, {0, 3, 4});
    m_checks = new QLabel;
    m_checks->setTextFormat(Qt::RichText);
    m_xmlIp = new QLineEdit(QStringLiteral("10.0.0.3"));
    m_xmlIp->setAccessibleName(tr("Fixed IP"));
    m_xmlIp->setToolTip(tr("The fixed IP: an address of the project network 10.0.0.0/27 "
                           "that Nova would hand out (not .0, .1, .2 or .31)"));
    m_xmlMac = new QLineEdit(QStringLiteral("02:16:3e:17:35:39"));
    m_xmlMac->setAccessibleName(tr("MAC address"));
    m_xmlMac->setToolTip(tr("The instance's MAC: six hex pairs, unicast (the first octet "
                            "even)"));
    const int fieldWidth =
        QFontMetrics(m_xmlMac->font()).horizontalAdvance(QStringLiteral("02:16:3e:17:35:39 ")) +
        16;
    m_xmlIp->setMinimumWidth(fieldWidth);
    m_xmlMac->setMinimumWidth(fieldWidth);
    m_xmlWarning = new QLabel;
    m_xmlWarning->setStyleSheet(colourStyle("blocked"));
    m_xmlTitle = new QLabel;

    auto *address = new wb::ui::FlowLayout;
    address->addWidget(labelled(tr("Fixed IP:"), m_xmlIp));
    address->addWidget(labelled(tr("MAC:"), m_xmlMac));
    auto *left = new QWidget;
    auto *lcol = new QVBoxLayout(left);
    lcol->setContentsMargins(0, 0, 0, 0);
    lcol->addWidget(reflow(address));
    m_xmlWarningBox = reflow(m_xmlWarning);
    m_xmlWarningBox->hide();
    lcol->addWidget(m_xmlWarningBox);
    lcol->addWidget(reflow(m_xmlTitle));
    lcol->addWidget(m_xml, 1);
    lcol->addWidget(m_comments);
    left->setMinimumWidth(360);
    // The meanings and the cross-checks in two tabs: both need room to be read.
    auto *meanings = new QWidget;
    auto *mcol = new QVBoxLayout(meanings);
    mcol->setContentsMargins(4, 4, 4, 4);
    mcol->addWidget(reflow(new QLabel(tr("Click a row to find the element in the XML."))));
    mcol->addWidget(m_annotations, 1);
    auto *checks = new QWidget;
    auto *ccol = new QVBoxLayout(checks);
    ccol->addWidget(reflow(m_checks));
    ccol->addStretch(1);
    auto *right = new QTabWidget;
    right->setAccessibleName(tr("About the XML"));
    right->addTab(meanings, tr("What each part means"));
    right->addTab(checks, tr("Values that must agree"));
    right->setMinimumWidth(320);
    // Side by side when both fit, the explanations under the XML otherwise.
    auto *split = new wb::ui::AdaptiveSplit(left, right);
    split->setStretch(1, 1);

    connect(m_comments, &QCheckBox::toggled, this, &SpawnPage::renderXml);
    connect(m_xmlIp, &QLineEdit::textChanged, this, &SpawnPage::renderXml);
    connect(m_xmlMac, &QLineEdit::textChanged, this, &SpawnPage::renderXml);
    connect(m_annotations, &QTableWidget::cellClicked, this, [this](int row, int) {
        // Find the element's tag in the listing and select that line.
        QString tag = m_annotations->item(row, 0)->text().section(' ', 0, 0).section('/', -1);
        if (tag == QLatin1String("kernel,"))
            tag = QStringLiteral("kernel");
        const QTextDocument *doc = m_xml->document();
        for (QTextBlock b = doc->begin(); b.isValid(); b = b.next()) {
            if (b.text().contains(QLatin1Char('<') + tag)) {
                QTextCursor c(b);
                c.select(QTextCursor::LineUnderCursor);
                m_xml->setTextCursor(c);
                m_xml->centerCursor();
                break;
            }
        }
    });
    return split;
}

void SpawnPage::renderXml()
{
    DomainSpec spec; // the recorded instance-00000001, at the address and MAC chosen
    spec.withComments = m_comments->isChecked();
    // As the CLI refuses them, the view warns: the XML is still shown, so the reader sees
    // what would have been handed to libvirt.
    QStringList warnings;
    const auto ip = Ipv4Address::parse(m_xmlIp->text().trimmed().toStdString());
    const auto mac = MacAddress::parse(m_xmlMac->text().trimmed().toStdString());
    NetworkCreateRequest req;
    req.fixedRange = kProjectNet;
    req.networkSize = static_cast<std::uint32_t>(kProjectNet.size());
    const Network network = createNetworks(req, NetworkManagerKind::Vlan).front();
    if (!ip)
        warnings << tr("The fixed IP is not an IPv4 address; the XML keeps %1.").arg(qs(spec.ip));
    else if (!kProjectNet.contains(*ip))
        warnings << tr("%1 is not inside the project network %2; Nova only hands out its "
                       "own addresses.")
                        .arg(qs(ip->toString()), qs(kProjectNet.toString()));
    else if (const std::string why = fixedIpProblem(network, *ip); !why.empty())
        warnings << qs(why) + QLatin1Char('.');
    if (ip)
        spec.ip = ip->toString();
    if (!mac)
        warnings << tr("The MAC is not six hex pairs; the XML keeps %1.").arg(qs(spec.mac));
    else if (const std::string why = macProblem(*mac); !why.empty())
        warnings << tr("%1; `virsh create` would fail.").arg(qs(why));
    if (mac)
        spec.mac = mac->toString();
    m_xmlWarning->setText(warnings.isEmpty()
                              ? QString()
                              : QStringLiteral("⚠ ") + warnings.join(QStringLiteral("\n⚠ ")));
    m_xmlWarningBox->setVisible(!warnings.isEmpty());
    m_xmlTitle->setText(tr("<b>to_xml()</b> for instance-00000001 (%1, %2, m1.tiny):")
                            .arg(qs(spec.ip), qs(spec.mac)));
    m_xmlTrace = std::make_shared<wb::Trace>();
    m_xml->setPlainText(qs(toDomainXml(spec, m_xmlTrace.get())));
    const auto notes = annotateDomain(spec);
    m_annotations->setRowCount(static_cast<int>(notes.size()));
    for (int r = 0; r < static_cast<int>(notes.size()); ++r) {
        const auto &n = notes[static_cast<std::size_t>(r)];
        m_annotations->setItem(r, 0, item(qs(n.element)));
        m_annotations->setItem(r, 1, item(qs(n.value)));
        m_annotations->setItem(r, 2, item(qs(n.meaning)));
    }
    m_annotations->resizeRowsToContents();

    // The three cross-checks, computed rather than asserted.
    auto ok = [](bool good) {
        return good ? QStringLiteral("<span style='color:%1'>✔</span>")
                          .arg(wb::ui::stateColor("running").name())
                    : QStringLiteral("<span style='color:%1'>✘</span>")
                          .arg(wb::ui::stateColor("blocked").name());
    };
    const auto net = Ipv4Address::parse(spec.projectNet);
    const auto mask = Ipv4Address::parse(spec.projectMask);
    int prefix = 0;
    if (mask)
        for (std::uint32_t m = mask->value; m & 0x80000000u; m <<= 1)
            ++prefix;
    const QString cidr =
        net ? QStringLiteral("%1/%2").arg(qs(net->toString())).arg(prefix) : QString();
    const std::string rules =
        buildRuleset(RulesetSpec::recorded(1, kInstanceIp, kProjectNet)).text();
    const bool sameNet = rules.find("-s " + cidr.toStdString()) != std::string::npos;
    const auto hostMac = *MacAddress::parse(kRecordedHostMac);
    const std::string ra = linkLocalV6(hostMac);
    const auto specMac = MacAddress::parse(spec.mac);
    const bool novaPrefix = specMac && specMac->bytes[0] == kInstanceMacPrefix[0] &&
                            specMac->bytes[1] == kInstanceMacPrefix[1] &&
                            specMac->bytes[2] == kInstanceMacPrefix[2];
    m_checks->setText(
        tr("%1 PROJNET %2 with PROJMASK %3 is <b>%4</b>, the same network as <code>-s %4</code> "
           "in the instance's iptables rules.<br>"
           "%5 RASERVER <b>%6</b> is the link-local address of the host bridge's MAC %7 "
           "(flip bit 0x02 of the first byte, insert ff:fe): %8.<br>"
           "%9 The instance MAC %10 starts with 02:16:3e, the prefix Nova gave generated MACs "
           "(0x02: locally administered).")
            .arg(ok(sameNet), qs(spec.projectNet), qs(spec.projectMask), cidr,
                 ok(ra == spec.raServer), qs(spec.raServer), QLatin1String(kRecordedHostMac),
                 qs(ra))
            .arg(ok(novaPrefix), qs(spec.mac)) +
        tr("<br>%1 Every filter parameter keeps to the characters libvirt allows in a value "
           "(letters, digits, '_', '.', ':'). The 2011 template wrote <code>%2</code>: "
           "today's libvirt schema refuses the '/' (<code>virt-xml-validate</code> fails) and "
           "its parser silently drops that parameter, so the filter would run without "
           "RASERVER. Here it is written without /%3; the filter needs only the address.")
            .arg(ok(isLibvirtFilterValue(spec.ip) && isLibvirtFilterValue(spec.dhcpServer) &&
                    isLibvirtFilterValue(spec.raServer) && isLibvirtFilterValue(spec.projectNet) &&
                    isLibvirtFilterValue(spec.projectMask)),
                 qs(raServerParameter2011(spec)).toHtmlEscaped())
            .arg(spec.raServerPrefix));
    if (m_tabs->currentIndex() == XmlTab)
        tabChanged(XmlTab);
}

QString SpawnPage::domainXml() const
{
    return m_xml->toPlainText();
}

void SpawnPage::setXmlAddress(const QString &ip, const QString &mac)
{
    m_xmlIp->setText(ip);
    m_xmlMac->setText(mac);
    renderXml();
}

QString SpawnPage::xmlWarning() const
{
    return m_xmlWarning->text();
}

// ---------------------------------------------------------------------------------------------
// iptables and the walk

QWidget *SpawnPage::buildRulesTab()
{
    QWidget *left = buildRulesListing();
    // The packet above its walk when they sit beside the table; side by side when they go
    // below it.
    auto *right = new wb::ui::AdaptiveSplit(buildPacketForm(), buildWalkPanel());
    right->setStretch(1, 1);
    auto *split = new wb::ui::AdaptiveSplit(left, right);
    split->setStretch(3, 2);
    choosePreset(0);
    return split;
}

QWidget *SpawnPage::buildRulesListing()
{
    m_recorded = new QRadioButton(tr("As recorded (⚠ defect, ✘ refused)"));
    m_recorded->setToolTip(tr("The listing as printed: iptables-restore refuses its ICMP rule "
                              "and loads none of it"));
    m_loadable = new QRadioButton(tr("ICMP rule loadable"));
    m_loadable->setToolTip(tr("The listing with its ICMP rule as meant (all ICMP from the "
                              "project network), so that it loads and the DHCP defects can be "
                              "walked"));
    m_corrected = new QRadioButton(tr("Corrected"));
    m_recorded->setChecked(true);
    m_listing = new QListWidget;
    m_listing->setFont(monoFont(0.95));
    m_listing->setSelectionMode(QAbstractItemView::NoSelection);
    // A long rule wraps rather than hiding its target past the right edge.
    m_listing->setWordWrap(true);
    m_listing->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_listing->setResizeMode(QListView::Adjust);
    m_listing->setAccessibleName(tr("Filter table"));
    m_listing->setAccessibleDescription(
        tr("The instance's filter rules in iptables-save form; the rule being matched at the "
           "cursor is bold, defects are marked with a warning sign"));
    m_defects = new QTextBrowser;
    m_defects->setAccessibleName(tr("About this table"));
    m_defects->setMinimumHeight(QFontMetrics(m_defects->font()).height() * 5);

    auto *which = new wb::ui::FlowLayout;
    which->addWidget(m_recorded);
    which->addWidget(m_loadable);
    which->addWidget(m_corrected);
    auto *left = new QWidget;
    auto *lcol = new QVBoxLayout(left);
    lcol->setContentsMargins(0, 0, 0, 0);
    lcol->addWidget(reflow(new QLabel(tr("<b>Filter table</b> of instance-00000001, in "
                                         "iptables-save form:"))));
    lcol->addWidget(reflow(which));
    lcol->addWidget(m_listing, 3);
    lcol->addWidget(m_defects, 2);
    m_listing->setMinimumHeight(QFontMetrics(m_listing->font()).height() * 8);
    left->setMinimumWidth(320);
    for (QRadioButton *b : {m_recorded, m_loadable, m_corrected})
        connect(b, &QRadioButton::toggled, this, [this](bool on) {
            if (!on)
                return; // the button switched off; the one switched on redraws
            renderRules();
            walk();
        });
    return left;
}

QWidget *SpawnPage::buildPacketForm()
{
    m_preset = new QComboBox;
    for (const auto &p : kPresets)
        m_preset->addItem(tr(p.title));
    m_src = new QLineEdit;
    m_dst = new QLineEdit;
    m_sport = new QLineEdit;
    m_dport = new QLineEdit;
    m_sport->setPlaceholderText(tr("any"));
    m_dport->setPlaceholderText(tr("any"));
    m_sport->setToolTip(tr("Source port (empty: any)"));
    m_dport->setToolTip(tr("Destination port (empty: any)"));
    m_proto = new QComboBox;
    for (auto p : {Proto::Tcp, Proto::Udp, Proto::Icmp})
        m_proto->addItem(qs(protoName(p)));
    m_state = new QComboBox;
    for (auto s : {ConnState::New, ConnState::Established, ConnState::Related, ConnState::Invalid})
        m_state->addItem(qs(connStateName(s)));
    m_icmpType = new QSpinBox;
    m_icmpType->setRange(0, 255);
    m_icmpType->setValue(8);
    m_icmpType->setToolTip(tr("ICMP type: 8 is echo request (ping), 0 echo reply, 3 "
                              "destination unreachable, 13 timestamp request"));
    m_icmpCode = new QSpinBox;
    m_icmpCode->setRange(0, 255);
    m_icmpCode->setValue(0);
    m_icmpCode->setToolTip(tr("ICMP code: 0 for echo; with type 3, 3 is port unreachable"));
    auto *walkButton = new QPushButton(tr("Walk this packet"));
    m_walkMessage = new QLabel;
    m_walkMessage->setWordWrap(true);
    m_walkMessage->setStyleSheet(colourStyle("blocked"));
    m_preset->setAccessibleName(tr("Packet preset"));
    m_src->setAccessibleName(tr("Source address"));
    m_dst->setAccessibleName(tr("Destination address"));
    m_proto->setAccessibleName(tr("Protocol"));
    m_sport->setAccessibleName(tr("Source port"));
    m_dport->setAccessibleName(tr("Destination port"));
    m_icmpType->setAccessibleName(tr("ICMP type"));
    m_icmpCode->setAccessibleName(tr("ICMP code"));
    m_state->setAccessibleName(tr("Connection state"));
    m_state->setToolTip(tr("The connection tracking state of the packet"));
    // The preset names are long: the combo box may be narrower than the longest one.
    m_preset->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    m_preset->setMinimumContentsLength(14);
    m_preset->setToolTip(tr("A packet of the tutorial, or one that shows a defect of the "
                            "listing"));

    auto *form = new QFormLayout;
    form->addRow(tr("Preset:"), m_preset);
    form->addRow(tr("Source:"), m_src);
    form->addRow(tr("Destination:"), m_dst);
    form->addRow(tr("Protocol:"), m_proto);
    // Two fields to a row where they belong together: the ports, ICMP's type and code.
    auto pair = [](QWidget *a, const QString &between, QWidget *b) {
        auto *row = new QHBoxLayout;
        row->addWidget(a, 1);
        row->addWidget(new QLabel(between));
        row->addWidget(b, 1);
        return row;
    };
    form->addRow(tr("Ports:"), pair(m_sport, tr("→"), m_dport));
    form->addRow(tr("ICMP type:"), pair(m_icmpType, tr("code:"), m_icmpCode));
    form->addRow(tr("State:"), m_state);
    auto *packetBox = new QGroupBox(tr("The packet"));
    auto *pcol = new QVBoxLayout(packetBox);
    pcol->addLayout(form);
    pcol->addWidget(walkButton);
    pcol->addWidget(reflow(m_walkMessage));
    pcol->addStretch(1);

    connect(m_preset, &QComboBox::currentIndexChanged, this, [this](int i) {
        choosePreset(i);
        walk();
    });
    connect(walkButton, &QPushButton::clicked, this, &SpawnPage::walk);
    const auto fieldsFor = [this](const QString &proto) {
        const bool icmp = proto == QLatin1String("icmp");
        m_icmpType->setEnabled(icmp);
        m_icmpCode->setEnabled(icmp);
        m_sport->setEnabled(!icmp);
        m_dport->setEnabled(!icmp);
    };
    connect(m_proto, &QComboBox::currentTextChanged, this, fieldsFor);
    fieldsFor(m_proto->currentText());
    return packetBox;
}

QWidget *SpawnPage::buildWalkPanel()
{
    m_breadcrumb = new QLabel;
    m_breadcrumb->setWordWrap(true);
    m_walkLog = new QListWidget;
    m_walkLog->setWordWrap(true);
    m_verdict = new QLabel;
    QFont big = m_verdict->font();
    big.setPointSizeF(big.pointSizeF() * 1.3);
    big.setBold(true);
    m_verdict->setFont(big);
    m_verdict->setWordWrap(true);

    m_walkLog->setAccessibleName(tr("The walk"));
    m_walkLog->setAccessibleDescription(
        tr("The packet's way through the chains up to the cursor: each chain entered, each "
           "rule tried and whether it matched, and the verdict"));
    auto *walkBox = new QGroupBox(tr("The walk at the cursor"));
    walkBox->setToolTip(tr("Step through the walk with the transport bar"));
    auto *wcol = new QVBoxLayout(walkBox);
    wcol->addWidget(reflow(m_breadcrumb));
    wcol->addWidget(m_walkLog, 1);
    wcol->addWidget(reflow(m_verdict));
    m_walkLog->setMinimumHeight(QFontMetrics(m_walkLog->font()).height() * 6);

    return walkBox;
}

QStringList SpawnPage::presets() const
{
    QStringList names;
    for (const auto &p : kPresets)
        names << tr(p.title);
    return names;
}

void SpawnPage::choosePreset(int index)
{
    if (index < 0 || index >= static_cast<int>(std::size(kPresets)))
        return;
    const PacketPreset &p = kPresets[index];
    const QSignalBlocker block(m_preset);
    m_preset->setCurrentIndex(index);
    m_src->setText(QLatin1String(p.src));
    m_dst->setText(QLatin1String(p.dst));
    m_proto->setCurrentText(qs(protoName(p.proto)));
    m_sport->setText(QLatin1String(p.sport));
    m_dport->setText(QLatin1String(p.dport));
    m_state->setCurrentText(qs(connStateName(p.state)));
    m_icmpType->setValue(8);
    m_icmpCode->setValue(0);
}

void SpawnPage::setCorrected(bool corrected)
{
    setRules(corrected ? Rules::Corrected : Rules::Recorded);
}

void SpawnPage::setRules(Rules rules)
{
    ensureHiddenTabs();
    (rules == Rules::Corrected          ? m_corrected
     : rules == Rules::RecordedLoadable ? m_loadable
                                        : m_recorded)
        ->setChecked(true);
}

void SpawnPage::setIcmp(int type, int code)
{
    m_proto->setCurrentText(qs(protoName(Proto::Icmp)));
    m_icmpType->setValue(type);
    m_icmpCode->setValue(code);
}

Ruleset SpawnPage::currentRules() const
{
    RulesetSpec spec =
        RulesetSpec::recorded(1, kInstanceIp, kProjectNet, m_corrected->isChecked());
    if (m_loadable->isChecked())
        for (auto &g : spec.groupRules)
            if (g.proto == Proto::Icmp)
                g.fromPort = g.toPort = -1; // any type, any code: "all ICMP", as meant
    return buildRuleset(spec);
}

void SpawnPage::renderRules()
{
    const Ruleset rules = currentRules();
    const bool recorded = !m_corrected->isChecked();
    const auto defects = recorded
                             ? listingDefects(RulesetSpec::recorded(1, kInstanceIp, kProjectNet))
                             : std::vector<ListingDefect>{};
    const RulesetLoad load = loadRuleset(rules);
    m_listing->clear();
    m_ruleLine.clear();
    const QStringList lines = qs(rules.text()).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
    std::vector<int> ruleOfLine(static_cast<std::size_t>(lines.size()), -1);
    for (std::size_t k = 0; k < rules.rules.size(); ++k) {
        const int line = rules.lineOf(k) - 1;
        m_ruleLine.push_back(line);
        if (line >= 0 && line < lines.size())
            ruleOfLine[static_cast<std::size_t>(line)] = static_cast<int>(k);
    }
    for (int i = 0; i < lines.size(); ++i) {
        auto *it = new QListWidgetItem(lines[i]);
        const int ruleIndex = ruleOfLine[static_cast<std::size_t>(i)];
        if (!load.loaded && i + 1 == load.failedLine) {
            it->setText(QStringLiteral("✘ ") + lines[i]);
            it->setData(kLineKindRole, DefectLine);
            it->setToolTip(tr("iptables-restore stops here (line %1): %2. Nothing of the "
                              "table is loaded.")
                               .arg(load.failedLine)
                               .arg(qs(load.error)));
        } else if (ruleIndex >= 0) {
            QStringList problems;
            if (m_recorded->isChecked())
                for (const auto &d : defects)
                    if (qs(d.rule) == lines[i])
                        problems << qs(d.problem);
            if (m_loadable->isChecked())
                for (const auto &d : defects)
                    if (d.id != "icmp-type-range" && qs(d.rule) == lines[i])
                        problems << qs(d.problem);
            const QString note = qs(rules.rules[static_cast<std::size_t>(ruleIndex)].note);
            if (!problems.isEmpty()) {
                it->setText(QStringLiteral("⚠ ") + lines[i]);
                it->setData(kLineKindRole, DefectLine);
                it->setToolTip(problems.join(QLatin1Char('\n')));
            } else {
                it->setText(QStringLiteral("  ") + lines[i]);
                it->setToolTip(note);
            }
        } else {
            it->setText(QStringLiteral("  ") + lines[i]);
            it->setData(kLineKindRole, OtherLine);
        }
        it->setForeground(lineForeground(palette(), it->data(kLineKindRole).toInt(), false));
        m_listing->addItem(it);
    }
    QString html;
    if (m_recorded->isChecked()) {
        html = tr("<b>This table does not load.</b> <code>iptables-restore</code> reads a "
                  "table all or nothing and commits it only if every line parses; at line "
                  "%1 it stops with <i>%2</i> (an ICMP code is 8-bit, 65535 is not one) and "
                  "exits 1. None of the rules above reach the kernel: the host keeps the "
                  "filter table it had (a fresh host: FORWARD empty, policy ACCEPT), so "
                  "every packet to the instance is forwarded unfiltered. Walk one to see it; "
                  "choose <i>ICMP rule loadable</i> to walk the rules as the tutorial meant "
                  "them.<br>")
                   .arg(load.failedLine)
                   .arg(qs(load.error).toHtmlEscaped());
        html += tr("<b>%1 defects in the recorded listing:</b>").arg(defects.size());
        html += QStringLiteral("<ul style='margin-left:-20px'>");
        for (const auto &d : defects)
            html += QStringLiteral("<li>%1 <i>Fix:</i> %2</li>")
                        .arg(qs(d.problem).toHtmlEscaped(), qs(d.fix).toHtmlEscaped());
        html += QStringLiteral("</ul>");
    } else if (m_loadable->isChecked()) {
        html = tr("<b>The listing with its ICMP rule as meant</b> (all ICMP from the project "
                  "network), so the table loads; the DHCP rule keeps its three defects:");
        html += QStringLiteral("<ul style='margin-left:-20px'>");
        for (const auto &d : defects)
            if (d.id != "icmp-type-range")
                html += QStringLiteral("<li>%1</li>").arg(qs(d.problem).toHtmlEscaped());
        html += QStringLiteral("</ul>");
    } else {
        html = tr("<b>Corrected:</b> the DHCP rule has a target (ACCEPT), the gateway 10.0.0.1 "
                  "as its source, and comes before the security-group jump; the ICMP rule "
                  "accepts all ICMP from the project network. The table loads with "
                  "<code>iptables-restore</code>.");
    }
    m_defects->setHtml(html);
}

bool SpawnPage::walk()
{
    ensureHiddenTabs();
    Packet p;
    QString problem;
    auto port = [&](QLineEdit *e, std::optional<int> &out, const QString &what) {
        const QString t = e->text().trimmed();
        if (t.isEmpty())
            return;
        bool ok = false;
        const int v = t.toInt(&ok);
        if (!ok || v < 0 || v > 65535)
            problem = tr("%1 must be a number from 0 to 65535 (or empty for any).").arg(what);
        else
            out = v;
    };
    const auto src = Ipv4Address::parse(m_src->text().trimmed().toStdString());
    const auto dst = Ipv4Address::parse(m_dst->text().trimmed().toStdString());
    if (!src)
        problem = tr("The source is not an IPv4 address (four numbers 0-255, e.g. 10.0.0.5).");
    else if (!dst)
        problem = tr("The destination is not an IPv4 address (e.g. 10.0.0.3).");
    else {
        p.src = *src;
        p.dst = *dst;
        p.proto = parseProto(m_proto->currentText().toStdString()).value_or(Proto::Tcp);
        p.state = parseConnState(m_state->currentText().toStdString()).value_or(ConnState::New);
        p.icmpType = m_icmpType->value();
        p.icmpCode = m_icmpCode->value();
        if (p.proto != Proto::Icmp) {
            port(m_sport, p.sport, tr("The source port"));
            port(m_dport, p.dport, tr("The destination port"));
        }
    }
    m_walkMessage->setText(problem);
    m_walkMessage->parentWidget()->setVisible(!problem.isEmpty()); // its ReflowBox
    if (!problem.isEmpty())
        return false;
    m_walkTrace = std::make_shared<wb::Trace>();
    walkPacket(currentRules(), p, m_walkTrace.get());
    if (m_tabs->currentIndex() == RulesTab) {
        traceSession()->show(m_walkTrace, 0);
        if (isVisible())
            controller()->play(); // watch it go, rule by rule
    } else {
        redrawWalk();
    }
    return true;
}

QString SpawnPage::walkMessage() const
{
    return m_walkMessage->text();
}

void SpawnPage::redrawWalk()
{
    const wb::Trace *t = m_walkTrace.get();
    const qsizetype cursor = m_tabs->currentIndex() == RulesTab ? controller()->position() : 0;
    const Ruleset rules = currentRules();
    const WalkState walk =
        t ? walkStateAt(*t, static_cast<std::size_t>(std::max<qsizetype>(0, cursor)))
          : WalkState{};
    m_walkLog->clear();
    for (const WalkEntry &entry : walk.log)
        m_walkLog->addItem(walkLogItem(entry, rules));
    if (m_walkLog->count())
        m_walkLog->scrollToBottom();
    const int currentLine = listingLine(walk, rules);
    for (int i = 0; i < m_listing->count(); ++i) {
        QListWidgetItem *it = m_listing->item(i);
        const bool here = i == currentLine;
        it->setBackground(here ? QBrush(cursorBand(palette())) : QBrush());
        it->setForeground(lineForeground(palette(), it->data(kLineKindRole).toInt(), here));
        QFont f = it->font();
        f.setBold(here);
        it->setFont(f);
    }
    if (currentLine >= 0)
        m_listing->scrollToItem(m_listing->item(currentLine));
    QStringList stack;
    for (const auto &chain : walk.chains)
        stack << qs(chain);
    m_breadcrumb->setText(stack.isEmpty()
                              ? tr("Chains: (not entered yet: step forward ▶)")
                              : tr("Chains: <b>%1</b>").arg(stack.join(QStringLiteral(" → "))));
    // The packet as a person reads it: the walk's last event, its verdict, says.
    std::optional<events::Verdict> last;
    if (t && t->size())
        last = wb::as<events::Verdict>(t->at(t->size() - 1));
    const QString packet = last ? qs(last->packet) : QString();
    if (!walk.verdict) {
        m_verdict->setText(tr("Packet: %1").arg(packet));
        m_verdict->setStyleSheet(QString());
    } else {
        const QString verdict = qs(walk.verdict->verdict);
        m_verdict->setText(tr("%1: %2").arg(verdict, packet));
        m_verdict->setStyleSheet(
            colourStyle(verdict == QLatin1String("ACCEPT") ? "running" : "blocked"));
    }
}

QListWidgetItem *SpawnPage::walkLogItem(const WalkEntry &entry, const Ruleset &rules) const
{
    return std::visit(
        Overloaded{
            [&](const events::Load &l) {
                auto *it = new QListWidgetItem(
                    tr("✘ iptables-restore: %1 at line %2; the table is not loaded. The host "
                       "keeps its previous filter table: FORWARD empty, policy %3.")
                        .arg(qs(l.error))
                        .arg(l.line)
                        .arg(qs(std::string(verdictName(rules.forwardPolicy)))));
                it->setForeground(wb::ui::stateColor("blocked"));
                return it;
            },
            [&](const events::Chain &c) {
                return new QListWidgetItem(tr("→ enter chain %1").arg(qs(c.chain)));
            },
            [&](const events::Rule &r) {
                const QString action = qs(r.action);
                auto *it = new QListWidgetItem(
                    tr("%1 #%2  %3\n    %4 %5")
                        .arg(qs(r.chain))
                        .arg(r.ruleNumber)
                        .arg(r.matched ? tr("matches") : tr("no match"))
                        .arg(r.matched ? QStringLiteral("→ %1").arg(action) : QStringLiteral("·"),
                             qs(r.reason)));
                it->setForeground(r.matched
                                      ? wb::ui::stateColor("accent")
                                      : fadedText(palette(), palette().color(QPalette::Base)));
                return it;
            },
            [&](const WalkReturn &r) { return new QListWidgetItem(qs(r.label)); },
            [&](const events::Verdict &v) {
                return new QListWidgetItem(
                    tr("verdict: %1 (decided by %2)").arg(qs(v.verdict), qs(v.decidedBy)));
            },
        },
        entry);
}

int SpawnPage::listingLine(const WalkState &walk, const Ruleset &rules) const
{
    // The line iptables-restore refused, or the listing line of the rule being matched.
    if (walk.refusedLine)
        return static_cast<int>(*walk.refusedLine) - 1;
    if (!walk.rule)
        return -1;
    std::int64_t seen = 0;
    for (std::size_t k = 0; k < rules.rules.size() && k < m_ruleLine.size(); ++k)
        if (rules.rules[k].chain == walk.rule->chain && ++seen == walk.rule->ruleNumber)
            return m_ruleLine[k];
    return -1;
}

QString SpawnPage::verdictAtCursor() const
{
    const wb::Trace *t = m_walkTrace.get();
    if (!t)
        return {};
    const WalkState walk = walkStateAt(
        *t, static_cast<std::size_t>(std::max<qsizetype>(0, controller()->position())));
    return walk.verdict ? qs(walk.verdict->verdict) : QString();
}

QString SpawnPage::currentRuleText() const
{
    for (int i = 0; i < m_listing->count(); ++i)
        if (m_listing->item(i)->font().bold())
            return m_listing->item(i)->text().mid(2);
    return {};
}

QStringList SpawnPage::chainStack() const
{
    const QString s = m_breadcrumb->text();
    if (!s.contains(QLatin1String("<b>")))
        return {};
    return s.section(QLatin1String("<b>"), 1)
        .section(QLatin1String("</b>"), 0, 0)
        .split(QStringLiteral(" → "));
}

// ---------------------------------------------------------------------------------------------
// Image preparation

QWidget *SpawnPage::buildImageTab()
{
    m_sshKey = new QLineEdit(QStringLiteral("ssh-rsa AAAAB3NzaC1yc2E... test"));
    m_sshKey->setAccessibleName(tr("SSH key"));
    m_sshKey->setToolTip(tr("The public key inject_data() writes into the image's "
                            "/root/.ssh/authorized_keys"));
    m_sshKey->setMinimumWidth(QFontMetrics(m_sshKey->font()).horizontalAdvance(m_sshKey->text()) +
                              24);
    m_neverUp = new QCheckBox(tr("qemu-nbd's device never shows up"));
    m_busy = new QSpinBox;
    m_busy->setRange(0, NbdPool::kDevices);
    m_busy->setAccessibleName(tr("Busy nbd devices"));
    m_busy->setToolTip(tr("nbd devices other instances hold already (of /dev/nbd0-15)"));
    m_imageTable = makeTable(
        {tr("#"), tr("Phase"), tr("Command"), tr("Root"), tr("What it does"), tr("Pitfall")});
    m_imageTable->horizontalHeaderItem(2)->setToolTip(tr("The command as it would run"));
    m_imageTable->setAccessibleName(tr("Image preparation plan"));
    m_imageTable->setAccessibleDescription(
        tr("The steps _create_image() and inject_data() would run, in order: the command, "
           "whether it needs root, what it does and what can go wrong"));
    // The number, phase and root columns as wide as their contents; the command and the
    // prose share the rest, wrapped.
    shareColumns(m_imageTable, {0, 0, 4, 0, 4, 3}, 70);
    m_imageStatus = new QLabel;

    auto *options = new wb::ui::FlowLayout;
    options->addWidget(labelled(tr("SSH key:"), m_sshKey));
    options->addWidget(labelled(tr("Busy nbd devices:"), m_busy));
    options->addWidget(m_neverUp);
    auto *w = new QWidget;
    auto *col = new QVBoxLayout(w);
    col->addWidget(reflow(new QLabel(tr("<b>_create_image()</b> and <b>disk.inject_data()</b> "
                                        "for instance-00000001, as a plan: what the 2011 "
                                        "driver would run on the compute host. <i>Nothing "
                                        "here is executed.</i>"))));
    col->addWidget(reflow(options));
    col->addWidget(m_imageTable, 1);
    col->addWidget(reflow(m_imageStatus));
    connect(m_sshKey, &QLineEdit::textChanged, this, &SpawnPage::renderImage);
    connect(m_neverUp, &QCheckBox::toggled, this, &SpawnPage::renderImage);
    connect(m_busy, &QSpinBox::valueChanged, this, &SpawnPage::renderImage);
    return w;
}

void SpawnPage::renderImage()
{
    ImagePlanSpec spec;
    spec.sshKey = m_sshKey->text().toStdString();
    if (m_neverUp->isChecked())
        spec.pidAppearsAfterPolls.reset();
    NbdPool pool;
    for (int i = 0; i < m_busy->value(); ++i)
        pool.allocate();
    m_imageTrace = std::make_shared<wb::Trace>();
    const ImagePlan plan = planImagePreparation(spec, pool, m_imageTrace.get());
    m_imageTable->setRowCount(static_cast<int>(plan.steps.size()));
    for (int r = 0; r < static_cast<int>(plan.steps.size()); ++r) {
        const ImageStep &s = plan.steps[static_cast<std::size_t>(r)];
        QStringList argv;
        for (const auto &a : s.argv)
            argv << qs(a);
        m_imageTable->setItem(r, 0, item(QString::number(r + 1)));
        m_imageTable->setItem(r, 1, item(qs(s.phase)));
        auto *cmd = item(argv.isEmpty() ? tr("(inside the driver)") : argv.join(QLatin1Char(' ')));
        cmd->setFont(monoFont(0.9));
        m_imageTable->setItem(r, 2, cmd);
        m_imageTable->setItem(r, 3, item(s.root ? tr("sudo") : QString()));
        m_imageTable->setItem(r, 4, item(qs(s.description)));
        auto *pit = item(qs(s.pitfall));
        pit->setForeground(wb::ui::stateColor("waiting"));
        m_imageTable->setItem(r, 5, pit);
    }
    m_imageTable->resizeRowsToContents();
    m_imageStatus->setText(
        plan.ok ? tr("The image is ready and %1 is free again; spawn() "
                     "then starts the domain with createXML().")
                      .arg(plan.nbdDevice ? qs(NbdPool::path(*plan.nbdDevice)) : QString())
                : tr("<b>The spawn fails:</b> %1. The instance would go to "
                     "vm_state error.")
                      .arg(qs(plan.error)));
    m_imageStatus->setStyleSheet(plan.ok ? QString() : colourStyle("blocked"));
    if (m_tabs->currentIndex() == ImageTab)
        traceSession()->show(m_imageTrace, 0);
}

void SpawnPage::redrawImage()
{
    const qsizetype cursor = controller()->position();
    m_imageTable->clearSelection();
    if (cursor > 0 && cursor <= m_imageTable->rowCount()) {
        m_imageTable->selectRow(static_cast<int>(cursor - 1));
        m_imageTable->scrollToItem(m_imageTable->item(static_cast<int>(cursor - 1), 0));
    }
}

void SpawnPage::changeEvent(QEvent *event)
{
    SessionPage::changeEvent(event);
    // Only when the colours changed (not when the page merely moved into a parent).
    const QRgb base = palette().color(QPalette::Base).rgba();
    if (event->type() != QEvent::PaletteChange || m_recolouring || base == m_paletteBase)
        return;
    m_paletteBase = base;
    // Everything coloured when it was filled in takes the new palette's colours; the cursor
    // stays where it was.
    m_recolouring = true;
    const qsizetype position = controller()->position();
    m_xmlWarning->setStyleSheet(colourStyle("blocked"));
    m_walkMessage->setStyleSheet(colourStyle("blocked"));
    if (!m_imageStatus->styleSheet().isEmpty())
        m_imageStatus->setStyleSheet(colourStyle("blocked"));
    renderXml();
    if (m_hiddenTabsReady) {
        renderRules();
        for (int r = 0; r < m_imageTable->rowCount(); ++r)
            if (QTableWidgetItem *pit = m_imageTable->item(r, 5))
                pit->setForeground(wb::ui::stateColor("waiting"));
    }
    controller()->seek(position);
    requestRefresh();
    m_recolouring = false;
}

// ---- recordings ------------------------------------------------------------------------------

namespace {
const char *const kTabIds[] = {"xml", "rules", "image"};
const char *const kRulesIds[] = {"recorded", "loadable", "corrected"};
} // namespace

std::vector<std::pair<std::string, std::string>> SpawnPage::recordingSettings() const
{
    const auto text = [](const QString &t) {
        return t.toStdString();
    };
    const auto flag = [](bool b) {
        return std::string(b ? "true" : "false");
    };
    const int rules = m_corrected->isChecked() ? 2 : m_loadable->isChecked() ? 1 : 0;
    return {{"tab", kTabIds[std::clamp(m_tabs->currentIndex(), 0, 2)]},
            {"ip", text(m_xmlIp->text())},
            {"mac", text(m_xmlMac->text())},
            {"comments", flag(m_comments->isChecked())},
            {"rules", kRulesIds[rules]},
            {"preset", std::to_string(m_preset->currentIndex())},
            {"src", text(m_src->text())},
            {"dst", text(m_dst->text())},
            {"proto", text(m_proto->currentText())},
            {"sport", text(m_sport->text())},
            {"dport", text(m_dport->text())},
            {"state", text(m_state->currentText())},
            {"icmp-type", std::to_string(m_icmpType->value())},
            {"icmp-code", std::to_string(m_icmpCode->value())},
            {"ssh-key", text(m_sshKey->text())},
            {"never-up", flag(m_neverUp->isChecked())},
            {"busy", std::to_string(m_busy->value())}};
}

bool SpawnPage::applyRecordingSettings(
    const std::vector<std::pair<std::string, std::string>> &settings, QString *error)
{
    std::map<std::string, QString> given;
    for (const auto &[k, v] : settings)
        given[k] = QString::fromStdString(v);
    QString badKey;
    const auto choice = [&](const char *key, const char *const(&ids)[3], int fallback) {
        if (!given.count(key))
            return fallback;
        for (int i = 0; i < 3; ++i)
            if (given[key] == QLatin1String(ids[i]))
                return i;
        badKey = QString::fromLatin1(key);
        return fallback;
    };
    const auto number = [&](const char *key, int lo, int hi, int fallback) {
        if (!given.count(key))
            return fallback;
        bool ok = false;
        const int v = given[key].toInt(&ok);
        if (!ok || v < lo || v > hi)
            badKey = QString::fromLatin1(key);
        return ok ? std::clamp(v, lo, hi) : fallback;
    };
    const auto flag = [&](const char *key, bool fallback) {
        if (!given.count(key))
            return fallback;
        if (given[key] != QLatin1String("true") && given[key] != QLatin1String("false"))
            badKey = QString::fromLatin1(key);
        return given[key] == QLatin1String("true");
    };
    const auto item = [&](const char *key, QComboBox *box) {
        const int i = given.count(key) ? box->findText(given[key]) : box->currentIndex();
        if (i < 0)
            badKey = QString::fromLatin1(key);
        return std::max(0, i);
    };
    const int tab = choice("tab", kTabIds, XmlTab);
    const int rules = choice("rules", kRulesIds, 0);
    const int preset = number("preset", 0, m_preset->count() - 1, m_preset->currentIndex());
    const int proto = item("proto", m_proto), state = item("state", m_state);
    const int icmpType = number("icmp-type", 0, 255, m_icmpType->value());
    const int icmpCode = number("icmp-code", 0, 255, m_icmpCode->value());
    const int busy = number("busy", m_busy->minimum(), m_busy->maximum(), m_busy->value());
    const bool comments = flag("comments", m_comments->isChecked());
    const bool neverUp = flag("never-up", m_neverUp->isChecked());
    for (const auto &[key, value] : given)
        if (value.size() > 4096)
            badKey = QString::fromStdString(key);
    if (!badKey.isEmpty()) {
        *error = tr("the recording's setting %1 ('%2') is not one the spawn view takes")
                     .arg(badKey.left(60), given[badKey.toStdString()].left(60));
        return false;
    }

    // The inputs as recorded, every tab filled from them (the walk is not played: the
    // recording's steps replace it).
    const QSignalBlocker b0(m_tabs), b1(m_xmlIp), b2(m_xmlMac), b3(m_comments), b4(m_recorded),
        b5(m_loadable), b6(m_corrected), b7(m_preset), b8(m_proto), b9(m_state), b10(m_icmpType),
        b11(m_icmpCode), b12(m_sshKey), b13(m_neverUp), b14(m_busy);
    m_tabs->setCurrentIndex(XmlTab);
    const auto text = [&](QLineEdit *e, const char *key) {
        if (given.count(key))
            e->setText(given[key]);
    };
    text(m_xmlIp, "ip");
    text(m_xmlMac, "mac");
    m_comments->setChecked(comments);
    (rules == 2 ? m_corrected : rules == 1 ? m_loadable : m_recorded)->setChecked(true);
    m_preset->setCurrentIndex(preset);
    text(m_src, "src");
    text(m_dst, "dst");
    m_proto->setCurrentIndex(proto);
    text(m_sport, "sport");
    text(m_dport, "dport");
    m_state->setCurrentIndex(state);
    m_icmpType->setValue(icmpType);
    m_icmpCode->setValue(icmpCode);
    text(m_sshKey, "ssh-key");
    m_neverUp->setChecked(neverUp);
    m_busy->setValue(busy);
    m_hiddenTabsReady = true;
    renderXml();
    renderRules();
    renderImage();
    walk();
    m_tabs->setCurrentIndex(tab);
    emit sourcesChanged();
    emit lessonChanged();
    return true;
}

bool SpawnPage::acceptsEvent(const wb::Event &event) const
{
    try {
        return events::CoreEvents::visit(event, [](const auto &) {});
    } catch (const wb::EventFieldError &) {
        return false;
    }
}

bool SpawnPage::showRecording(const wb::Recording &recording, QString *error)
{
    if (!SessionPage::showRecording(recording, error))
        return false;
    // The tab's steps are the recording's (the page never appends to a trace it shows).
    auto shown = std::const_pointer_cast<wb::Trace>(recording.trace);
    switch (m_tabs->currentIndex()) {
    case XmlTab:
        m_xmlTrace = std::move(shown);
        break;
    case RulesTab:
        m_walkTrace = std::move(shown);
        break;
    default:
        m_imageTrace = std::move(shown);
        break;
    }
    requestRefresh();
    return true;
}

int SpawnPage::imageSteps() const
{
    return m_imageTable->rowCount();
}

QString SpawnPage::lessonMarkdown() const
{
    return lesson("spawn");
}

QStringList SpawnPage::sourceFiles() const
{
    switch (m_tabs->currentIndex()) {
    case XmlTab:
        return coreSources({"core/src/libvirt_xml.cpp"});
    case ImageTab:
        return coreSources({"core/src/image_plan.cpp"});
    default:
        return coreSources({"core/src/iptables.cpp"});
    }
}

} // namespace wb::nova::ui
