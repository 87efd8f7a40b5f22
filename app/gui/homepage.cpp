#include "homepage.h"

#include <QFontMetrics>
#include <QGridLayout>
#include <QLabel>
#include <QPushButton>
#include <QScrollArea>
#include <QVBoxLayout>

namespace wb::shell {

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

    auto *intro = new QLabel(tr(
        "Every topic here runs a real implementation, written for this workbench, and "
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
        auto *card = new QPushButton;
        card->setObjectName("TopicCard");
        card->setCursor(Qt::PointingHandCursor);
        card->setFocusPolicy(Qt::StrongFocus);
        auto *box = new QVBoxLayout(card);
        auto *head = new QLabel(QStringLiteral("<b>%1</b>").arg(e.title.toHtmlEscaped()));
        QFont hf = head->font();
        hf.setPointSizeF(hf.pointSizeF() * 1.25);
        head->setFont(hf);
        auto *body = new QLabel(e.available()
                                    ? e.description
                                    : tr("Unavailable: %1").arg(e.error));
        body->setWordWrap(true);
        body->setAlignment(Qt::AlignTop | Qt::AlignLeft);
        // Room for the title and five lines of description at any card width.
        card->setMinimumHeight(QFontMetrics(hf).lineSpacing() +
                               5 * QFontMetrics(body->font()).lineSpacing() + 32);
        for (auto *l : {head, body})
            l->setAttribute(Qt::WA_TransparentForMouseEvents);
        box->addWidget(head);
        box->addWidget(body, 1);
        card->setEnabled(e.available());
        card->setToolTip(e.available() ? tr("Open %1").arg(e.title) : e.error);
        connect(card, &QPushButton::clicked, this, [this, id = e.id] { emit moduleChosen(id); });
        grid->addWidget(card, n / 2, n % 2);
        ++n;
    }
    if (n == 0) {
        auto *none = new QLabel(tr("No topic modules were found. The shell looks for plugins "
                                   "in a <i>plugins</i> folder next to the program."));
        none->setWordWrap(true);
        grid->addWidget(none, 0, 0);
    }
    col->addLayout(grid);
    col->addStretch(1);
    scroll->setWidget(content);
}

} // namespace wb::shell
