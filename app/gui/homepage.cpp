#include "homepage.h"

#include <QFrame>
#include <QGridLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QMouseEvent>
#include <QScrollArea>
#include <QVBoxLayout>

#include <functional>

namespace wb::shell {

namespace {

// A topic on the home page: a framed title and description that opens the topic on a click,
// Enter or Space. A frame rather than a push button, because a button's size ignores how
// tall its word-wrapped description becomes at a narrow width.
class TopicCard : public QFrame
{
public:
    TopicCard(const QString &title, const QString &description, bool enabled,
              std::function<void()> open)
        : m_open(std::move(open))
    {
        setObjectName("TopicCard");
        setFrameShape(QFrame::StyledPanel);
        setAutoFillBackground(true);
        setBackgroundRole(QPalette::Base);
        setCursor(enabled ? Qt::PointingHandCursor : Qt::ArrowCursor);
        setFocusPolicy(enabled ? Qt::StrongFocus : Qt::NoFocus);
        setEnabled(enabled);
        setAccessibleName(title);
        setAccessibleDescription(description);
        auto *box = new QVBoxLayout(this);
        box->setContentsMargins(14, 10, 14, 12);
        auto *head = new QLabel(QStringLiteral("<b>%1</b>").arg(title.toHtmlEscaped()));
        QFont hf = head->font();
        hf.setPointSizeF(hf.pointSizeF() * 1.25);
        head->setFont(hf);
        auto *body = new QLabel(description);
        body->setWordWrap(true);
        body->setAlignment(Qt::AlignTop | Qt::AlignLeft);
        for (auto *l : {head, body}) {
            l->setAttribute(Qt::WA_TransparentForMouseEvents);
            box->addWidget(l);
        }
        box->addStretch(1);
    }

protected:
    void mouseReleaseEvent(QMouseEvent *e) override
    {
        if (e->button() == Qt::LeftButton && rect().contains(e->position().toPoint()))
            m_open();
    }
    void keyPressEvent(QKeyEvent *e) override
    {
        if (e->key() == Qt::Key_Return || e->key() == Qt::Key_Enter || e->key() == Qt::Key_Space)
            m_open();
        else
            QFrame::keyPressEvent(e);
    }
    void focusInEvent(QFocusEvent *e) override
    {
        setBackgroundRole(QPalette::AlternateBase);
        QFrame::focusInEvent(e);
    }
    void focusOutEvent(QFocusEvent *e) override
    {
        setBackgroundRole(QPalette::Base);
        QFrame::focusOutEvent(e);
    }

private:
    std::function<void()> m_open;
};

} // namespace

HomePage::HomePage(const ModuleRegistry &registry, QWidget *parent) : QWidget(parent)
{
    auto *outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    auto *scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    outer->addWidget(scroll);

    auto *content = new QWidget;
    auto *col = new QVBoxLayout(content);
    col->setContentsMargins(32, 24, 32, 24);
    col->setSpacing(14);

    auto *title = new QLabel(tr("Internals Workbench"));
    QFont tf = title->font();
    tf.setPointSizeF(tf.pointSizeF() * 2.0);
    tf.setBold(true);
    title->setFont(tf);
    col->addWidget(title);

    auto *intro = new QLabel(
        tr("Every topic here runs a real implementation, written for this workbench, and "
           "records what it does as it does it. Step through that record forward and back, "
           "play it at any speed, and watch the state it builds: the padding a hash appends, "
           "the slots a list reserves, the thread a lock keeps waiting, the queue a message "
           "lands in. Each result is checked against a real reference on this machine."
           "<br><br><b>Keys:</b> Space play/pause · ←/→ step · Home/End jump · +/− speed · "
           "F11 presentation mode · F1 all shortcuts."));
    intro->setWordWrap(true);
    intro->setTextFormat(Qt::RichText);
    col->addWidget(intro);

    auto *grid = new QGridLayout;
    grid->setSpacing(12);
    int n = 0;
    for (const ModuleEntry &e : registry.entries()) {
        auto *card = new TopicCard(
            e.title, e.available() ? e.description : tr("Unavailable: %1").arg(e.error),
            e.available(), [this, id = e.id] { emit moduleChosen(id); });
        card->setToolTip(e.available() ? tr("Open %1").arg(e.title) : e.error);
        grid->addWidget(card, n / 2, n % 2);
        ++n;
    }
    if (n == 0) {
        auto *none = new QLabel(tr("No topic modules were found. The shell looks for plugins "
                                   "in a <i>plugins</i> folder next to the program."));
        none->setWordWrap(true);
        grid->addWidget(none, 0, 0);
    }
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
    col->addLayout(grid);
    col->addStretch(1);
    scroll->setWidget(content);
}

} // namespace wb::shell
