#include "common.h"

#include "workbench/ui/modulepage.h"

#include <QEvent>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLayout>
#include <QResizeEvent>
#include <QTableWidget>
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
        m_table->resizeRowsToContents();
    }

    QTableWidget *m_table;
    QList<int> m_weights;
    int m_minimum;
};

} // namespace

void shareColumns(QTableWidget *table, const QList<int> &weights, int minimum)
{
    new ColumnSharer(table, weights, minimum);
}

} // namespace wb::nova::ui
