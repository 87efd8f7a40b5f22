#include "common.h"

#include "workbench/ui/modulepage.h"
#include "workbench/ui/theme.h"
#include "workbench/ui/tracetable.h"

#include <QFontDatabase>
#include <QScrollBar>

namespace wb::crypto::ui {

QStringList coreSources(const QStringList &names)
{
    QStringList paths;
    for (const auto &n : names)
        paths << QStringLiteral(":/modules/crypto/%1").arg(n);
    return paths;
}

QString lesson(const QString &name)
{
    return wb::ui::readTextResource(QStringLiteral(":/modules/crypto/ui/lessons/%1.md").arg(name));
}

int eventTableMinimumWidth(const wb::ui::TraceTable *table)
{
    const QFontMetrics fm(table->font());
    return table->columnWidth(wb::ui::TraceModel::Step) +
           table->columnWidth(wb::ui::TraceModel::Kind) +
           fm.horizontalAdvance(QStringLiteral("DES initial permutation")) + 12 +
           table->verticalScrollBar()->sizeHint().width() + 2 * table->frameWidth();
}

void setupEventTable(wb::ui::TraceTable *table)
{
    table->hideColumn(wb::ui::TraceModel::Thread);
    table->setMinimumWidth(eventTableMinimumWidth(table));
}

QString requestedPart(const QString &view)
{
    const QString show = qEnvironmentVariable("WB_CRYPTO_SHOW");
    const QString prefix = view + QLatin1Char(':');
    return show.startsWith(prefix) ? show.mid(prefix.size()) : QString();
}

QString hexBytes(const Bytes &bytes, bool spaced)
{
    QString s;
    for (std::size_t i = 0; i < bytes.size(); ++i) {
        if (spaced && i)
            s += QLatin1Char(' ');
        s += QStringLiteral("%1").arg(bytes[i], 2, 16, QLatin1Char('0'));
    }
    return s;
}

QString hexWord(std::uint64_t value, int digits)
{
    return QStringLiteral("%1").arg(value, digits, 16, QLatin1Char('0'));
}

std::optional<Bytes> parseInput(const QString &text, bool hex, QString *why)
{
    if (!hex) {
        const QByteArray utf8 = text.toUtf8();
        return Bytes(utf8.begin(), utf8.end());
    }
    QString compact = text;
    compact.remove(QLatin1Char(' '));
    std::string reason;
    auto bytes = fromHex(compact.toStdString(), &reason);
    if (!bytes && why)
        *why = QString::fromStdString(reason);
    return bytes;
}

QFont monoFont(double scale)
{
    QFont f = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    if (scale != 1.0)
        f.setPointSizeF(f.pointSizeF() * scale);
    return f;
}

QColor messageColor()
{
    QColor c = wb::ui::stateColor("running");
    c.setAlpha(70);
    return c;
}
QColor paddingColor()
{
    QColor c = wb::ui::stateColor("waiting");
    c.setAlpha(90);
    return c;
}
QColor lengthColor()
{
    QColor c = wb::ui::stateColor("accent");
    c.setAlpha(90);
    return c;
}
QColor freshColor()
{
    QColor c = wb::ui::stateColor("blocked");
    c.setAlpha(90);
    return c;
}

} // namespace wb::crypto::ui
