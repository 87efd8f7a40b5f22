#include "common.h"
#include "sequencediagram.h"

#include "workbench/ui/modulepage.h"
#include "workbench/ui/plot.h"
#include "workbench/ui/theme.h"

#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLayout>
#include <QResizeEvent>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace wb::nova::ui {

QStringList coreSources(const QStringList &relativePaths)
{
    QStringList paths;
    for (const auto &p : relativePaths)
        paths << QStringLiteral(":/modules/nova/%1").arg(p);
    return paths;
}

QString lesson(const QString &name)
{
    return wb::ui::readTextResource(QStringLiteral(":/modules/nova/ui/lessons/%1.md").arg(name));
}

QFont monoFont(double scale)
{
    QFont f = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    if (scale != 1.0)
        f.setPointSizeF(f.pointSizeF() * scale);
    return f;
}

QColor readable(const QColor &color, const QColor &background)
{
    // A little above 4.5:1, so rounding the colour to 8 bits per channel never takes it under.
    return wb::ui::readableOn(color, background, 4.6);
}

QColor blend(const QColor &over, const QColor &under, double alpha)
{
    auto mix = [alpha](double a, double b) {
        return a * alpha + b * (1 - alpha);
    };
    return QColor::fromRgbF(static_cast<float>(mix(over.redF(), under.redF())),
                            static_cast<float>(mix(over.greenF(), under.greenF())),
                            static_cast<float>(mix(over.blueF(), under.blueF())));
}

QColor fadedText(const QPalette &pal, const QColor &background)
{
    // The placeholder colour may be translucent: what shows is its mix with the background.
    const QColor placeholder = pal.color(QPalette::PlaceholderText);
    return readable(blend(placeholder, background, placeholder.alphaF()), background);
}

QColor lineColor(const QPalette &pal, const QColor &background)
{
    return readable(pal.color(QPalette::Mid), background);
}

QColor inkOn(const QColor &fill)
{
    const QColor white(Qt::white), black(Qt::black);
    return wb::ui::contrastRatio(white, fill) >= wb::ui::contrastRatio(black, fill) ? white
                                                                                    : black;
}

QColor cursorBand(const QPalette &pal)
{
    return blend(wb::ui::stateColor("accent"), pal.color(QPalette::Base), 0.16);
}

QList<Ink> novaInks(const QPalette &pal)
{
    const QColor base = pal.color(QPalette::Base), window = pal.color(QPalette::Window);
    const QColor alternate = pal.color(QPalette::AlternateBase);
    const QColor text = pal.color(QPalette::Text), band = cursorBand(pal);
    QList<Ink> inks;
    auto add = [&](const QString &what, const QColor &c, const QColor &bg) {
        inks.append({what, c, bg});
    };
    // The launch's sequence diagram: arrows, labels and step badges on Base, the legend on
    // Window, the headers' subtitles and the lifelines.
    for (RowKind k : {RowKind::Call, RowKind::Cast, RowKind::Reply, RowKind::Driver}) {
        const QString name = rowKindName(k);
        add(name + " arrow and label", rowKindColor(k, pal), base);
        add(name + " in the legend", rowKindColor(k, pal), window);
        add(name + " badge number", inkOn(rowKindColor(k, pal)), rowKindColor(k, pal));
    }
    add("local work badge number", inkOn(lineColor(pal, base)), lineColor(pal, base));
    add("current badge number", inkOn(wb::ui::stateColor("accent")), wb::ui::stateColor("accent"));
    add("lifeline and outline", lineColor(pal, base), base);
    add("faded label", fadedText(pal, base), base);
    add("legend text", text, window);
    add("current row text", text, band);
    add("exchange lifeline and title", wb::ui::stateColor("accent"), base);
    // The state machine: lit boxes carry their name on their fill, passed ones on a tint.
    for (const char *role : {"accent", "running", "blocked"}) {
        const QColor c = wb::ui::stateColor(role);
        add(QStringLiteral("%1 state outline and arrow").arg(role), c, base);
        add(QStringLiteral("lit %1 state name").arg(role), inkOn(c), c);
        add(QStringLiteral("passed %1 state name").arg(role), text, blend(c, base, 40 / 255.0));
    }
    // Tables and labels: instance states, verdicts, warnings, matched and failed rules,
    // pitfalls, the changed lines of nova.conf, the schedulers' names.
    for (const char *role : {"running", "blocked", "waiting", "accent"}) {
        const QColor c = wb::ui::stateColor(role);
        add(QStringLiteral("%1 text on Base").arg(role), c, base);
        add(QStringLiteral("%1 text on AlternateBase").arg(role), c, alternate);
        add(QStringLiteral("%1 text on Window").arg(role), c, window);
        add(QStringLiteral("%1 text at the cursor").arg(role), readable(c, band), band);
    }
    add("text at the cursor", text, band);
    add("faded text at the cursor", fadedText(pal, band), band);
    add("faded text on AlternateBase", fadedText(pal, alternate), alternate);
    add("flagged value", text, blend(wb::ui::stateColor("blocked"), base, 0.22));
    for (int i = 0; i < 3; ++i) {
        add(QStringLiteral("scheduler %1 name and bar outline").arg(i), wb::ui::seriesColor(i),
            base);
        add(QStringLiteral("scheduler %1 name on AlternateBase").arg(i), wb::ui::seriesColor(i),
            alternate);
    }
    return inks;
}

namespace {

// Resizes the columns of the table whose viewport it watches.
class ColumnSharer : public QObject
{
public:
    ColumnSharer(QTableWidget *table, QList<int> weights, int minimum)
        : QObject(table), m_table(table), m_weights(std::move(weights)), m_minimum(minimum)
    {
        QHeaderView *h = table->horizontalHeader();
        h->setStretchLastSection(false);
        for (int c = 0; c < m_weights.size(); ++c)
            h->setSectionResizeMode(c, m_weights[c] ? QHeaderView::Interactive
                                                    : QHeaderView::ResizeToContents);
        table->setWordWrap(true);
        table->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
        table->viewport()->installEventFilter(this);
    }

    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (event->type() == QEvent::Resize && watched == m_table->viewport())
            share();
        return false;
    }

private:
    void share()
    {
        QHeaderView *h = m_table->horizontalHeader();
        int fixed = 0, total = 0;
        for (int c = 0; c < m_weights.size(); ++c) {
            if (m_weights[c])
                total += m_weights[c];
            else
                fixed += h->sectionSize(c);
        }
        if (!total)
            return;
        const int room = m_table->viewport()->width() - fixed;
        int used = 0, last = -1;
        for (int c = 0; c < m_weights.size(); ++c) {
            if (!m_weights[c])
                continue;
            const int w = std::max(m_minimum, room * m_weights[c] / total);
            h->resizeSection(c, w);
            used += w;
            last = c;
        }
        if (last >= 0 && used < room) // the rounding's leftover to the last shared column
            h->resizeSection(last, h->sectionSize(last) + room - used);
        // Measuring every wrapped row is the costly part: done once after a layout's run of
        // resizes, in an event of its own.
        if (!m_rowsPending) {
            m_rowsPending = true;
            QTimer::singleShot(0, this, [this] {
                m_rowsPending = false;
                m_table->resizeRowsToContents();
            });
        }
    }

    QTableWidget *m_table;
    bool m_rowsPending = false;
    QList<int> m_weights;
    int m_minimum;
};

} // namespace

void shareColumns(QTableWidget *table, const QList<int> &weights, int minimum)
{
    new ColumnSharer(table, weights, minimum);
}

} // namespace wb::nova::ui
