#include "launchview.h"
#include "common.h"

#include "nova/core/events.h"

#include "workbench/core/trace.h"
#include "workbench/core/typed_event.h"
#include "workbench/ui/responsive.h"
#include "workbench/ui/stepcontroller.h"
#include "workbench/ui/theme.h"

#include <QComboBox>
#include <QDateTime>
#include <QEvent>
#include <QHeaderView>
#include <QJsonDocument>
#include <QLabel>
#include <QPainter>
#include <QPushButton>
#include <QSpinBox>
#include <QSplitter>
#include <QTabWidget>
#include <QTableWidget>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

namespace wb::nova::ui {

namespace {

QString code(const QString &s)
{
    return QStringLiteral("<code>%1</code>").arg(s.toHtmlEscaped());
}

// The sentence a local step gets, by method.
QString localMeaning(const QString &method, const QString &who)
{
    static const std::map<QString, QString> meanings{
        {"run_instances", QObject::tr("The API server (EC2 API, port 8773) checks what the "
                                      "request names: the key pair, the instance type and the "
                                      "image. Then it hands the request to the cloud "
                                      "controller, a class in the same nova-api process (a "
                                      "method call in Nova; an rpc.call here, to show the "
                                      "hop).")},
        {"authorize", QObject::tr("The cloud controller checks the user's permissions: the "
                                  "user must be a member of the project.")},
        {"check_quota", QObject::tr("create() first checks the quota: how many instances of "
                                    "this type the project may run.")},
        {"ensure_default_security_group",
         QObject::tr("The project's security group 'default' is created if it does not exist "
                     "yet; its rules become the nova-sg chain on the compute host.")},
        {"create_instance", QObject::tr("The instance is written to the database with a "
                                        "generated MAC (prefix 02:16:3e) and host name: in "
                                        "2011.1 state_description 'scheduling', power_state 0 "
                                        "(NOSTATE); from Diablo (2011.3) vm_state building, "
                                        "task_state scheduling.")},
        {"schedule", QObject::tr("The scheduler picks the host that will run the instance. "
                                 "The chance scheduler of the tutorial's run takes a random "
                                 "host that is up.")},
        {"NoValidHost", QObject::tr("The scheduler found no host that can take the instance; "
                                    "the instance goes to vm_state error (Diablo's model; in "
                                    "2011.1 nothing updated the row, which stayed "
                                    "'scheduling').")},
        {"run_instance", QObject::tr("Step 4: the compute worker on the chosen host takes the "
                                     "message off its own queue and starts run_instance(): is "
                                     "the instance already running, is there room on the host.")},
        {"already_running", QObject::tr("The instance runs already: nothing to do.")},
        {"rejected", QObject::tr("The host has no room for the instance (the chance and zone "
                                 "schedulers do not look at capacity): the instance goes to "
                                 "error. This refusal is the simulation's own rule: Nova "
                                 "2011's compute worker never checked capacity, so the host "
                                 "overcommitted or the spawn failed, and nothing "
                                 "rescheduled.")},
        {"allocate_fixed_ip", QObject::tr("Step 6: the network controller takes the request "
                                          "off its queue and leases the next free address of "
                                          "the project's network (VlanManager: .0 network, .1 "
                                          "gateway, .2 VPN, instances from .3). Nova 2011.1 "
                                          "sent it to network.<network_host>, the host running "
                                          "the project's network; the simulation's single "
                                          "controller consumes the bare topic 'network'.")},
        {"allocate_fixed_ip failed", QObject::tr("The call failed: the exception came back as "
                                                 "a RemoteError and the instance goes to error.")},
        {"fixed_ip", QObject::tr("Step 8: the reply reaches the compute worker, which was "
                                 "blocked in rpc.call since step 5. The instance has its fixed "
                                 "IP.")},
        {"setup_compute_network", QObject::tr("The compute host makes sure the project's VLAN "
                                              "interface and bridge exist (vlan100, br100).")},
        {"block_device_mapping", QObject::tr("Volumes to attach would be mapped here; this "
                                             "launch has none.")},
        {"to_xml", QObject::tr("The libvirt driver renders the domain XML (see the Spawn view).")},
        {"apply_ruleset", QObject::tr("The iptables firewall driver writes the instance's "
                                      "filter chains (see the Spawn view's packet walk).")},
        {"_create_image", QObject::tr("The instance directory gets libvirt.xml, kernel, ramdisk "
                                      "and disk; the SSH key goes into the image through "
                                      "qemu-nbd (a plan here, never run).")},
        {"createXML", QObject::tr("libvirt starts the domain: the instance boots. vm_state "
                                  "becomes active (in 2011.1: state_description 'running', "
                                  "power_state 1).")},
    };
    auto it = meanings.find(method);
    if (it != meanings.end())
        return it->second;
    return QObject::tr("%1 works on its own.").arg(who);
}

QString prettyBody(const std::string &body)
{
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(body));
    if (doc.isNull())
        return qs(body);
    return QString::fromUtf8(doc.toJson(QJsonDocument::Indented)).trimmed();
}

QString who(const std::string &component)
{
    if (component == "user")
        return QObject::tr("the user (euca-run-instances)");
    if (component == "cloud")
        return QObject::tr("the cloud controller");
    if (component == "api")
        return QObject::tr("the API server");
    if (component == "network")
        return QObject::tr("the network controller");
    if (component.rfind("compute.", 0) == 0)
        return QObject::tr("the compute worker %1").arg(qs(component));
    return QObject::tr("the %1").arg(qs(component));
}

} // namespace

namespace {

QString stepTitle(const QString &title)
{
    return QStringLiteral("<p><b>%1</b></p>").arg(title);
}

QString shortId(const std::string &msgId)
{
    return code(qs(msgId).left(8) + "…");
}

// A cast or a call: published to `nova`, delivered to the queue bound with the key.
template <class Message> QString explainPublish(const Message &m)
{
    const bool call = std::is_same_v<Message, events::Call>;
    const QString kind = qs(Message::kind);
    const QString method = qs(m.method), key = qs(m.routingKey);
    QString html = stepTitle(QObject::tr("Step %1: rpc.%2 %3").arg(m.n).arg(kind, method));
    html += QObject::tr("<p>%1 publishes %2 to the topic exchange %3 with routing key %4. "
                        "The queue %4 is bound to %3 with that key, so %5 receives it.</p>")
                .arg(who(m.from), code(method), code("nova"), code(key), who(m.to));
    if (call)
        html += QObject::tr("<p>A <b>call</b> waits for the answer: the caller added "
                            "<code>_msg_id</code> %1, declared a direct exchange and an "
                            "exclusive queue with that name, and blocks until the reply "
                            "arrives there.</p>")
                    .arg(shortId(m.msgId));
    else
        html += QObject::tr("<p>A <b>cast</b> is fire and forget: the sender goes on at once "
                            "and nobody answers.</p>");
    if (m.n == 1 && m.from == "user")
        html += QObject::tr("<p>This is <code>euca-run-instances -k test -t m1.tiny "
                            "ami-tiny</code> arriving at the API server.</p>");
    else if (m.n == 2)
        html += QObject::tr("<p>The args name <code>topic: compute</code>: the topic the "
                            "scheduler forwards the request to once it has picked a "
                            "host.</p>");
    else if (m.n == 3)
        html += QObject::tr("<p><code>db.queue_get_for(context, topic, host)</code> gave "
                            "the host-specific topic %1: only that host's compute worker "
                            "consumes it.</p>")
                    .arg(code(key));
    else if (m.n == 5)
        html += QObject::tr("<p>The compute worker needs a fixed IP before it can build "
                            "the instance. Steps 5–8 are the four legs of this call: "
                            "request published, consumed, reply published, reply "
                            "consumed.</p>");
    return html;
}

QString explainReply(const events::Reply &r)
{
    return stepTitle(QObject::tr("Step %1: reply to %2").arg(r.n).arg(qs(r.method))) +
           QObject::tr("<p>%1 publishes the return value of %2 to the direct exchange "
                       "named after the call's <code>_msg_id</code> (%3), not to "
                       "<code>nova</code>: only the waiting caller's queue is bound to it. "
                       "A failure would carry the exception's type and text, raised in "
                       "the caller as RemoteError.</p>")
               .arg(who(r.from), code(qs(r.method)), shortId(r.msgId));
}

QString explainLocal(const events::Local &l)
{
    const QString method = qs(l.method);
    QString html = stepTitle(QObject::tr("Step %1: %2 — %3").arg(l.n).arg(method, who(l.from)));
    html += QStringLiteral("<p>%1</p>").arg(localMeaning(method, who(l.from)));
    if (!l.detail.empty())
        html += QStringLiteral("<p>%1</p>").arg(code(qs(l.detail)));
    return html;
}

QString explainState(const events::State &s)
{
    return stepTitle(QObject::tr("State: %1 / %2").arg(qs(s.vmState), qs(s.taskState))) +
           QObject::tr("<p>%1 is now in vm_state %2 with task_state %3 (%4).</p>")
               .arg(qs(s.instance), code(qs(s.vmState)), code(qs(s.taskState)),
                    qs(s.why.value_or(std::string())));
}

// The JSON an event carries as it went over the wire ("" for none).
std::string bodyOf(const wb::Event &e)
{
    using namespace events;
    std::string body;
    EventSet<Cast, Call, Reply, ComponentError>::visit(e, [&](const auto &m) {
        if constexpr (requires { m.body.value_or(std::string()); })
            body = m.body.value_or(std::string());
        else
            body = m.body;
    });
    return body;
}

} // namespace

QString explainLaunchEvent(const wb::Event &e)
{
    using namespace events;
    QString html;
    const bool known = EventSet<Cast, Call, Reply, Local, State>::visit(
        e, Overloaded{
               [&](const Cast &c) { html = explainPublish(c); },
               [&](const Call &c) { html = explainPublish(c); },
               [&](const Reply &r) { html = explainReply(r); },
               [&](const Local &l) { html = explainLocal(l); },
               [&](const State &s) { html = explainState(s); },
           });
    if (!known)
        html =
            stepTitle(qs(e.kind)) + QStringLiteral("<p>%1</p>").arg(qs(e.label).toHtmlEscaped());
    if (const std::string body = bodyOf(e); !body.empty())
        html += QObject::tr("<p>On the wire (the JSON body):</p><pre>%1</pre>")
                    .arg(prettyBody(body).toHtmlEscaped());
    return html;
}

// ---------------------------------------------------------------------------------------------
// State machine

StateMachineView::StateMachineView(QWidget *parent) : QWidget(parent)
{
    setToolTip(tr("vm_state and task_state as Diablo (2011.3) records them; 2011.1 kept a "
                  "state_description and a power_state instead"));
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
}

void StateMachineView::setHistory(std::vector<StateChange> history)
{
    m_history = std::move(history);
    update();
}

QString StateMachineView::litState() const
{
    if (m_history.empty())
        return {};
    const auto &s = m_history.back();
    return QStringLiteral("%1/%2").arg(qs(vmStateName(s.vmState)), qs(taskStateName(s.taskState)));
}

QString StateMachineView::title() const
{
    return m_history.empty() ? tr("Instance state: not created yet")
                             : tr("Instance state at the cursor");
}

StateMachineView::Geometry StateMachineView::geometry(double w) const
{
    const QFontMetricsF fm(font());
    QFont bold = font();
    bold.setBold(true);
    const QFontMetricsF bfm(bold);
    const double lh = fm.height();
    Geometry g;
    g.boxHeight = lh + 6;
    g.gap = std::max(7.0, lh * 0.45);
    const QRectF titleBox =
        bfm.boundingRect(QRectF(8, 4, w - 16, 10 * lh), Qt::TextWordWrap, title());
    g.title = QRectF(8, 4, w - 16, titleBox.height());
    const double cw = std::min(
        w - 16,
        std::max(260.0, bfm.horizontalAdvance(QStringLiteral("block_device_mapping")) + 60));
    const double cx = (w - cw) / 2;
    g.headingsStacked = bfm.horizontalAdvance(tr("vm_state building")) +
                            fm.horizontalAdvance(tr("task_state")) + 28 >
                        cw;
    g.headingHeight = g.headingsStacked ? 2 * lh : lh;
    g.container = QRectF(cx, g.title.bottom() + 8, cw,
                         g.headingHeight + 8 + 4 * g.boxHeight + 3 * g.gap + 8);
    const double endY = g.container.bottom() + g.gap + 12;
    const double ew = (cw - 12) / 2;
    g.active = QRectF(cx, endY, ew, g.boxHeight + 4);
    g.error = QRectF(cx + ew + 12, endY, ew, g.boxHeight + 4);
    g.notesStacked = fm.horizontalAdvance(tr("launched_at set")) +
                         fm.horizontalAdvance(tr("any step can fail")) + 16 >
                     cw;
    g.height = g.active.bottom() + 4 + (g.notesStacked ? 2 : 1) * lh + 6;
    return g;
}

QSize StateMachineView::minimumSizeHint() const
{
    QFont bold = font();
    bold.setBold(true);
    const QFontMetricsF bfm(bold);
    // The longest task state in its box, and the two end states side by side.
    const double width =
        std::max(bfm.horizontalAdvance(QStringLiteral("block_device_mapping")) + 40 + 16 + 12,
                 2 * (bfm.horizontalAdvance(tr("active · none")) + 14) + 12 + 16);
    return {static_cast<int>(std::ceil(width)),
            static_cast<int>(std::ceil(geometry(width).height))};
}

QSize StateMachineView::sizeHint() const
{
    const int w = std::max(300, minimumSizeHint().width());
    return {w, static_cast<int>(std::ceil(geometry(w).height))};
}

void StateMachineView::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    const QPalette pal = palette();
    const QColor text = pal.color(QPalette::Text);
    const QColor base = pal.color(QPalette::Base);
    const QColor faded = fadedText(pal, base);
    const QColor lines = lineColor(pal, base);
    const QColor accent = wb::ui::stateColor("accent");
    const QColor good = wb::ui::stateColor("running");
    const QColor bad = wb::ui::stateColor("blocked");
    const QFontMetrics fm(font());
    QFont bold = font();
    bold.setBold(true);

    const bool any = !m_history.empty();
    const StateChange now =
        any ? m_history.back() : StateChange{VmState::Building, TaskState::Scheduling};
    auto visited = [&](VmState v, TaskState t) {
        for (const auto &s : m_history)
            if (s.vmState == v && s.taskState == t)
                return true;
        return false;
    };
    auto box = [&](const QRectF &r, const QString &name, bool lit, bool passed, const QColor &c) {
        // Lit: filled, its name bold; passed: a solid outline on a tint; not reached: a dashed
        // outline.
        p.setPen(QPen(lit || passed ? c : lines, lit ? 2.2 : 1.2,
                      lit || passed ? Qt::SolidLine : Qt::DashLine));
        p.setBrush(lit ? c : passed ? blend(c, base, 40 / 255.0) : QColor(Qt::transparent));
        p.drawRoundedRect(r, 5, 5);
        p.setBrush(Qt::NoBrush);
        p.setFont(lit ? bold : font());
        p.setPen(lit ? inkOn(c) : (passed ? text : faded));
        p.drawText(r, Qt::AlignCenter, name);
    };
    auto arrow = [&](QPointF a, QPointF b, const QColor &c) {
        p.setPen(QPen(c, 1.4));
        p.drawLine(a, b);
        const QLineF l(b, a);
        const double ang = std::atan2(-l.dy(), l.dx());
        const double s = 7;
        QPolygonF head;
        head << b << b + QPointF(std::sin(ang + M_PI / 3) * s, std::cos(ang + M_PI / 3) * s)
             << b + QPointF(std::sin(ang + M_PI - M_PI / 3) * s,
                            std::cos(ang + M_PI - M_PI / 3) * s);
        p.setPen(Qt::NoPen);
        p.setBrush(c);
        p.drawPolygon(head);
        p.setBrush(Qt::NoBrush);
    };

    const Geometry g = geometry(width());
    const double lh = fm.height();
    p.setFont(bold);
    p.setPen(text);
    p.drawText(g.title, Qt::AlignLeft | Qt::TextWordWrap, title());

    // "building" holds the four task states of the launch.
    const QRectF &container = g.container;
    const double cx = container.left(), cw = container.width();
    const bool building = any && now.vmState == VmState::Building;
    p.setPen(QPen(building ? accent : lines, building ? 2 : 1, Qt::DashLine));
    p.drawRoundedRect(container, 8, 8);
    p.setFont(bold);
    p.setPen(building ? accent : faded);
    const QRectF heading(container.left() + 8, container.top() + 3, cw - 16, lh);
    p.drawText(heading, Qt::AlignLeft, tr("vm_state building"));
    p.setFont(font());
    p.setPen(faded);
    p.drawText(g.headingsStacked ? heading.translated(0, lh) : heading, Qt::AlignRight,
               g.headingsStacked ? tr("task_state:") : tr("task_state"));
    const TaskState tasks[] = {TaskState::Scheduling, TaskState::Networking,
                               TaskState::BlockDeviceMapping, TaskState::Spawning};
    const double bw = cw - 40;
    double y = container.top() + g.headingHeight + 8;
    for (int i = 0; i < 4; ++i) {
        const QRectF r(cx + 20, y, bw, g.boxHeight);
        const bool lit = building && now.taskState == tasks[i];
        box(r, qs(taskStateName(tasks[i])), lit, visited(VmState::Building, tasks[i]), accent);
        if (i < 3)
            arrow(QPointF(r.center().x(), r.bottom() + 1),
                  QPointF(r.center().x(), r.bottom() + g.gap - 1),
                  visited(VmState::Building, tasks[i + 1]) ? accent : lines);
        y += g.boxHeight + g.gap;
    }

    // The two ends: active (launched_at set) or error; task_state none in both.
    const QRectF &active = g.active, &error = g.error;
    const bool isActive = any && now.vmState == VmState::Active;
    const bool isError = any && now.vmState == VmState::Error;
    arrow(QPointF(active.center().x(), container.bottom()),
          QPointF(active.center().x(), active.top() - 1), isActive ? good : lines);
    arrow(QPointF(error.center().x(), container.bottom()),
          QPointF(error.center().x(), error.top() - 1), isError ? bad : lines);
    box(active, tr("active · none"), isActive, false, good);
    box(error, tr("error · none"), isError, false, bad);
    p.setPen(faded);
    p.setFont(font());
    const QRectF notes(cx, active.bottom() + 2, cw, lh);
    p.drawText(notes, Qt::AlignLeft, tr("launched_at set"));
    p.drawText(g.notesStacked ? notes.translated(0, lh) : notes, Qt::AlignRight,
               tr("any step can fail"));
}

// ---------------------------------------------------------------------------------------------
// Page

LaunchPage::LaunchPage(QWidget *parent)
    : SessionPage(std::make_shared<wb::ui::TraceSession>(), parent), m_run(new LaunchRun(this)),
      m_state(*traceSession(), applyLaunchEvent), m_diagram(new SequenceDiagram),
      m_states(new StateMachineView), m_explain(new QTextBrowser), m_instances(new QTableWidget),
      m_scheduler(new QComboBox), m_hosts(new QSpinBox), m_seed(new QSpinBox),
      m_launch(new QPushButton(tr("Launch instance"))), m_status(new QLabel)
{
    for (auto k : {SchedulerKind::Chance, SchedulerKind::Zone, SchedulerKind::Simple})
        m_scheduler->addItem(qs(schedulerName(k)), static_cast<int>(k));
    m_scheduler->setToolTip(tr("chance: a random host that is up; zone: a random up host in "
                               "the requested zone; simple: the least loaded host"));
    m_hosts->setRange(1, 64); // as many as `workbench-cli nova launch --hosts` takes
    m_hosts->setValue(3);
    m_hosts->setToolTip(tr("Compute hosts host1 … hostN, 16 cores and 32 GiB each"));
    m_seed->setRange(0, 1000000);
    m_seed->setValue(1);
    m_seed->setToolTip(tr("Seeds the scheduler's choice and the generated MAC addresses"));
    m_launch->setDefault(true);
    m_launch->setToolTip(tr("euca-run-instances -k test -t m1.tiny ami-tiny: one more instance "
                            "on the same deployment"));
    m_status->setWordWrap(true);

    m_scheduler->setAccessibleName(tr("Scheduler"));
    m_hosts->setAccessibleName(tr("Compute hosts"));
    m_seed->setAccessibleName(tr("Seed"));
    m_launch->setAccessibleName(tr("Launch instance"));
    m_diagram->setAccessibleName(tr("Launch sequence diagram"));
    m_diagram->setAccessibleDescription(
        tr("One lifeline per Nova component and the exchange nova; one row per message or "
           "step of the launch up to the cursor, the current one highlighted"));
    m_states->setAccessibleName(tr("Instance state"));
    m_states->setAccessibleDescription(
        tr("The instance's vm_state and task_state at the cursor: scheduling, networking, "
           "block_device_mapping, spawning inside building, then active or error"));
    m_explain->setAccessibleName(tr("What this step does"));
    m_instances->setAccessibleName(tr("euca-describe-instances"));
    m_instances->setAccessibleDescription(
        tr("The instances as euca-describe-instances lists them at the cursor"));

    // The controls wrap onto a second line when the page is narrow; each label stays with
    // its field.
    auto *controlsRow = new ReflowBox;
    auto *controlsCol = new QVBoxLayout(controlsRow);
    controlsCol->setContentsMargins(0, 0, 0, 0);
    auto *controls = new wb::ui::FlowLayout;
    controlsCol->addLayout(controls);
    controlsCol->addWidget(m_status);
    controls->addWidget(labelled(tr("Scheduler:"), m_scheduler));
    controls->addWidget(labelled(tr("Hosts:"), m_hosts));
    controls->addWidget(labelled(tr("Seed:"), m_seed));
    controls->addWidget(m_launch);

    m_explain->setOpenLinks(false);

    const QStringList headers{tr("Instance"),   tr("Image"), tr("State"), tr("Public IP"),
                              tr("Private IP"), tr("Key"),   tr("Type"),  tr("Launched"),
                              tr("Zone"),       tr("Host")};
    m_instances->setColumnCount(headers.size());
    m_instances->setHorizontalHeaderLabels(headers);
    m_instances->verticalHeader()->hide();
    m_instances->setTabKeyNavigation(false); // Tab moves on to the next control, arrows within
    m_instances->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_instances->setSelectionMode(QAbstractItemView::NoSelection);
    m_instances->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_instances->horizontalHeader()->setStretchLastSection(true);
    m_instances->setFont(monoFont(0.95));
    m_instances->setToolTip(tr("euca-describe-instances at the cursor: rows appear when the "
                               "cloud controller creates the instance; the state follows "
                               "task_state until the instance runs"));
    // Under the drawing, which keeps the whole width: what the step at the cursor does and
    // the instances as the user would list them at that moment, in two tabs, with the state
    // machine beside them (below them when the page is too narrow for both).
    m_details = new QTabWidget;
    m_details->setAccessibleName(tr("Step details"));
    m_details->addTab(m_explain, tr("What this step does"));
    m_details->addTab(m_instances, tr("euca-describe-instances"));
    m_details->setTabToolTip(1, m_instances->toolTip());
    m_details->setMinimumWidth(280);
    m_details->setMinimumHeight(QFontMetrics(font()).height() * 8);
    auto *bottom = new wb::ui::AdaptiveSplit(m_details, m_states);
    bottom->setStretch(3, 1);

    auto *split = new QSplitter(Qt::Vertical);
    split->addWidget(m_diagram);
    split->addWidget(bottom);
    split->setStretchFactor(0, 3);
    split->setStretchFactor(1, 2);
    split->setSizes({420, 260});
    split->setChildrenCollapsible(false);

    auto *col = new QVBoxLayout(this);
    col->addWidget(controlsRow);
    col->addWidget(split, 1);

    connect(m_diagram, &SequenceDiagram::rowClicked, this,
            [this](qsizetype seq) { controller()->seek(seq + 1); });
    connect(m_launch, &QPushButton::clicked, this, &LaunchPage::launch);
    connect(m_run, &LaunchRun::launchFinished, this, &LaunchPage::launchFinished);
    for (QSpinBox *s : {m_hosts, m_seed})
        connect(s, &QSpinBox::valueChanged, this, [this] {
            if (!(settingsFromControls().hosts == m_run->settings().hosts &&
                  settingsFromControls().seed == m_run->settings().seed))
                m_status->setText(tr("Settings changed: the next launch starts a new deployment "
                                     "(the table starts over)."));
        });
    connect(m_scheduler, &QComboBox::currentIndexChanged, this, [this] {
        m_status->setText(tr("Settings changed: the next launch starts a new deployment "
                             "(the table starts over)."));
    });

    // The opening example: one launch with the tutorial's settings, on the worker thread
    // like any other (the page shows at once), then shown from its end.
    connect(traceSession(), &wb::ui::TraceSession::traceReplaced, this,
            [this] { m_shownLaunch = -2; });
    // A turn of the event loop later: a page made to show a recording has it by then, and
    // then starts nothing (a recording runs no component).
    QMetaObject::invokeMethod(this, &LaunchPage::startOpeningLaunch, Qt::QueuedConnection);
}

void LaunchPage::startOpeningLaunch()
{
    if (traceSession()->trace() || m_run->ready() || m_run->busy())
        return;
    QString error;
    if (m_run->reset(settingsFromControls(), &error)) {
        m_opening = m_run->launch();
        m_launch->setEnabled(!m_opening);
        if (m_opening)
            traceSession()->follow(m_run->trace());
        else
            traceSession()->show(m_run->trace());
    } else {
        m_status->setText(tr("The components could not start: %1").arg(error));
    }
}

LaunchPage::~LaunchPage()
{
    shutdown();
}

void LaunchPage::shutdown()
{
    traceSession()->finishFollowing();
    controller()->pause();
    m_run->shutdown();
}

LaunchSettings LaunchPage::settingsFromControls() const
{
    LaunchSettings s;
    s.scheduler = static_cast<SchedulerKind>(m_scheduler->currentData().toInt());
    s.hosts = m_hosts->value();
    s.seed = static_cast<quint64>(m_seed->value());
    return s;
}

void LaunchPage::setSettings(const LaunchSettings &s)
{
    m_scheduler->setCurrentIndex(m_scheduler->findData(static_cast<int>(s.scheduler)));
    m_hosts->setValue(s.hosts);
    m_seed->setValue(static_cast<int>(s.seed));
}

bool LaunchPage::launch()
{
    if (m_run->busy())
        return false;
    const LaunchSettings want = settingsFromControls();
    const LaunchSettings &have = m_run->settings();
    if (want.scheduler != have.scheduler || want.hosts != have.hosts || want.seed != have.seed ||
        !m_run->ready()) {
        QString error;
        if (!m_run->reset(want, &error)) {
            m_status->setText(tr("The components could not start: %1").arg(error));
            return false;
        }
    }
    if (!m_run->launch())
        return false;
    m_launch->setEnabled(false);
    m_status->setText(tr("Launching: the components are talking over the embedded broker…"));
    traceSession()->follow(m_run->trace());
    controller()->seek(m_run->busyBegin());
    return true;
}

void LaunchPage::launchFinished(int index)
{
    traceSession()->finishFollowing();
    m_launch->setEnabled(true);
    const LaunchRecord &r = m_run->launches()[static_cast<std::size_t>(index)];
    const QString name = r.instanceId > 0 ? qs(ec2InstanceId(r.instanceId)) : QString();
    if (r.error.isEmpty())
        m_outcome = tr("%1 is running on %2 with %3. Press ▶ (or Space) to watch it "
                       "again step by step.")
                        .arg(name, qs(r.instance.host),
                             r.instance.fixedIp ? qs(r.instance.fixedIp->toString()) : QString());
    else
        m_outcome = name.isEmpty() ? tr("Refused: %1").arg(r.error)
                                   : tr("%1 failed: %2").arg(name, r.error);
    m_status->setText(m_outcome);
    if (std::exchange(m_opening, false)) {
        controller()->toEnd();
    } else { // watch the new launch from its first event
        controller()->seek(r.begin);
        if (isVisible())
            controller()->play();
    }
    m_shownLaunch = -2;
    requestRefresh();
}

void LaunchPage::showLaunch(int index)
{
    const auto [begin, end] = m_run->rangeOf(index);
    if (index == m_shownLaunch && end == m_shownEnd)
        return;
    SequenceModel model;
    if (const wb::Trace *t = traceSession()->trace()) {
        model.build(*t, begin, end);
        m_shownLaunch = index;
        m_shownEnd = end;
    }
    m_diagram->setModel(std::move(model));
}

void LaunchPage::refresh()
{
    const qsizetype cursor = traceSession()->position();
    const int index = m_run->launchAt(cursor);
    showLaunch(index);
    m_diagram->setCursor(cursor);

    const LaunchState &state = m_state.atCursor();
    m_states->setHistory(state.history);

    const wb::Event *e = controller()->currentEvent();
    QString html;
    if (e)
        html = explainLaunchEvent(*e);
    else
        html = tr("<p><b>Before the launch.</b></p><p>The components are running and have "
                  "declared their queues on the exchange <code>nova</code>. Step forward (▶, "
                  "or the Right key) to send euca-run-instances.</p>");
    if (index >= 0 &&
        index + 1 < static_cast<int>(m_run->launches().size()) + (m_run->busy() ? 1 : 0))
        html.prepend(tr("<p><i>Launch %1 of %2.</i></p>")
                         .arg(index + 1)
                         .arg(m_run->launches().size() + (m_run->busy() ? 1 : 0)));
    m_explain->setHtml(html);
    updateInstances(state);
    emit highlightsChanged();
}

void LaunchPage::updateInstances(const LaunchState &state)
{
    std::map<std::int64_t, const Instance *> known;
    for (const auto &l : m_run->launches())
        if (l.instanceId > 0)
            known[l.instanceId] = &l.instance;
    m_instances->setRowCount(static_cast<int>(state.instances.size()));
    int row = 0;
    for (const auto &[id, r] : state.instances) {
        const Instance fallback;
        const Instance &inst = known.count(id) ? *known[id] : fallback;
        QString launched;
        // launched_at as the trace recorded it (a recording has no database to ask).
        const auto launchedAt = r.launchedAtNs ? r.launchedAtNs : inst.launchedAtNs;
        if (r.active && launchedAt)
            launched = QDateTime::fromMSecsSinceEpoch(*launchedAt / 1000000)
                           .toString(QStringLiteral("yyyy-MM-dd hh:mm:ss.zzz"));
        const QString ip = qs(r.fixedIp);
        const QStringList cells{qs(ec2InstanceId(id)),
                                qs(inst.imageId),
                                qs(r.state),
                                ip,
                                ip,
                                qs(inst.keyName),
                                qs(inst.type.name),
                                launched,
                                qs(inst.availabilityZone),
                                qs(r.host)};
        for (int c = 0; c < cells.size(); ++c) {
            auto *item = new QTableWidgetItem(cells[c]);
            if (c == 2)
                item->setForeground(r.state == "running" ? wb::ui::stateColor("running")
                                    : r.state == "error" ? wb::ui::stateColor("blocked")
                                                         : wb::ui::stateColor("waiting"));
            m_instances->setItem(row, c, item);
        }
        ++row;
    }
}

void LaunchPage::changeEvent(QEvent *event)
{
    ModulePage::changeEvent(event);
    if (event->type() == QEvent::PaletteChange) // the states' colours follow the palette
        updateInstances(m_state.atCursor());
}

// ---- recordings ------------------------------------------------------------------------------

wb::Recording LaunchPage::recording() const
{
    wb::Recording r = SessionPage::recording();
    if (r.trace && traceSession()->isLive()) {
        // The components still record: keep what the page was told about.
        auto copy = std::make_shared<wb::Trace>();
        const auto n =
            std::min(static_cast<std::size_t>(traceSession()->count()), r.trace->size());
        for (std::size_t i = 0; i < n; ++i)
            copy->appendRecorded(r.trace->at(i));
        r.trace = std::move(copy);
        r.cursor = std::min<std::uint64_t>(r.cursor, n);
    }
    return r;
}

std::vector<std::pair<std::string, std::string>> LaunchPage::recordingSettings() const
{
    const LaunchSettings &s = m_run->settings();
    std::string launches;
    for (const LaunchRecord &l : m_run->launches())
        launches +=
            (launches.empty() ? "" : ",") + std::to_string(l.begin) + "-" + std::to_string(l.end);
    std::vector<std::pair<std::string, std::string>> out{
        {"scheduler", std::string(schedulerName(s.scheduler))},
        {"hosts", std::to_string(s.hosts)},
        {"seed", std::to_string(s.seed)},
        {"broker", "embedded"},
        {"launches", launches}};
    if (!m_outcome.isEmpty())
        out.emplace_back("outcome", m_outcome.toStdString());
    return out;
}

bool LaunchPage::acceptsEvent(const wb::Event &event) const
{
    try {
        return events::NovaEvents::visit(event, [](const auto &) {});
    } catch (const wb::EventFieldError &) {
        return false;
    }
}

bool LaunchPage::showRecording(const wb::Recording &recording, QString *error)
{
    m_incoming = recording.trace.get();
    const bool shown = SessionPage::showRecording(recording, error);
    m_incoming = nullptr;
    return shown;
}

QString LaunchPage::outcomeOf(const LaunchRecord &r, const wb::Trace &trace) const
{
    if (r.instanceId <= 0)
        return tr("Refused: the API server refused the request before an instance existed.");
    const QString name = qs(ec2InstanceId(r.instanceId));
    const LaunchState state = launchStateAt(trace, static_cast<std::size_t>(r.end));
    const auto it = state.instances.find(r.instanceId);
    if (it == state.instances.end() || !it->second.active)
        return tr("%1 failed: see its last steps.").arg(name);
    return tr("%1 is running on %2 with %3. Press ▶ (or Space) to watch it again step by step.")
        .arg(name, qs(it->second.host), qs(it->second.fixedIp));
}

bool LaunchPage::applyRecordingSettings(
    const std::vector<std::pair<std::string, std::string>> &settings, QString *error)
{
    std::map<std::string, std::string> given;
    for (const auto &[k, v] : settings)
        given[k] = v;
    const auto bad = [&](const char *key) {
        *error = tr("the recording's setting %1 ('%2') is not one the launch view takes")
                     .arg(QString::fromLatin1(key), QString::fromStdString(given[key]).left(60));
        return false;
    };
    const auto number = [&](const char *key, long long lo, long long hi,
                            long long fallback) -> std::optional<long long> {
        if (!given.count(key))
            return fallback;
        bool ok = false;
        const long long v = QString::fromStdString(given[key]).toLongLong(&ok);
        if (!ok || v < lo || v > hi)
            return std::nullopt;
        return v;
    };
    LaunchSettings s;
    if (given.count("scheduler")) {
        const auto kind = parseSchedulerName(given["scheduler"]);
        if (!kind)
            return bad("scheduler");
        s.scheduler = *kind;
    }
    const auto hosts = number("hosts", m_hosts->minimum(), m_hosts->maximum(), 3);
    if (!hosts)
        return bad("hosts");
    const auto seed = number("seed", m_seed->minimum(), m_seed->maximum(), 1);
    if (!seed)
        return bad("seed");
    s.hosts = static_cast<int>(*hosts);
    s.seed = static_cast<quint64>(*seed);
    if (given.count("broker") && given["broker"] != "embedded" && given["broker"] != "rabbitmq")
        return bad("broker");

    // The launches: ranges of the trace, in order, none past its end.
    const qsizetype size = m_incoming ? static_cast<qsizetype>(m_incoming->size()) : 0;
    std::vector<LaunchRecord> launches;
    for (const QString &part :
         QString::fromStdString(given["launches"]).split(',', Qt::SkipEmptyParts)) {
        const QStringList be = part.split('-');
        bool ok1 = false, ok2 = false;
        LaunchRecord r;
        r.begin = be.size() == 2 ? be[0].toLongLong(&ok1) : 0;
        r.end = be.size() == 2 ? be[1].toLongLong(&ok2) : 0;
        const qsizetype previous = launches.empty() ? 0 : launches.back().end;
        if (!ok1 || !ok2 || r.begin < previous || r.end < r.begin || r.end > size ||
            launches.size() >= 10000)
            return bad("launches");
        r.finished = true;
        launches.push_back(r);
    }
    if (!m_incoming)
        return bad("launches");
    if (launches.empty()) { // none had finished: the whole trace as one
        LaunchRecord whole;
        whole.end = size;
        whole.finished = true;
        launches.push_back(whole);
    }
    for (LaunchRecord &r : launches)
        for (qsizetype i = r.begin; i < r.end && r.instanceId < 0; ++i)
            if (const auto st = wb::as<events::State>(m_incoming->at(static_cast<std::size_t>(i))))
                if (const auto id = instanceIdFromName(st->instance))
                    r.instanceId = *id;

    // Taken: the deployment stops (off this thread) and the controls show the recorded run.
    traceSession()->finishFollowing();
    m_opening = false;
    m_run->showRecorded(s, launches);
    {
        const QSignalBlocker b1(m_scheduler), b2(m_hosts), b3(m_seed);
        setSettings(s);
    }
    m_outcome = given.count("outcome") ? QString::fromStdString(given["outcome"]).left(400)
                                       : outcomeOf(launches.back(), *m_incoming);
    m_status->setText(m_outcome);
    m_launch->setEnabled(true);
    return true;
}

QString LaunchPage::explanation() const
{
    return m_explain->toPlainText();
}

QString LaunchPage::lessonMarkdown() const
{
    return lesson("launch");
}

QStringList LaunchPage::sourceFiles() const
{
    // One file per component, as Nova is split; every leg and local step records the line of
    // the component that did it.
    return coreSources(
        {"core/src/launch_api.cpp", "core/src/launch_scheduler.cpp", "core/src/launch_compute.cpp",
         "core/src/launch_network.cpp", "core/src/launch_actor.cpp", "core/src/launch.cpp",
         "core/src/launch_deployment.cpp", "core/src/launch_db.cpp", "core/src/rpc.cpp",
         "core/src/instance.cpp", "core/src/scheduler.cpp", "core/src/network.cpp"});
}

QList<wb::ui::SourceHighlight> LaunchPage::sourceHighlights() const
{
    // The event's own line, labelled with the tutorial's step number in the margin.
    QList<wb::ui::SourceHighlight> marks = ModulePage::sourceHighlights();
    if (const wb::Event *e = controller()->currentEvent(); e && !marks.isEmpty())
        events::StepEvents::visit(*e, [&](const auto &step) {
            if (step.n > 0)
                marks.first().label = QString::number(step.n);
        });
    return marks;
}

} // namespace wb::nova::ui
