#include "common.h"

#include "workbench/ui/modulepage.h"
#include "workbench/ui/theme.h"
#include "workbench/ui/tracetable.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QPainter>
#include <QResizeEvent>
#include <QScrollBar>

#include <algorithm>

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

double fitScale(const QSize &available, const QSizeF &natural, double minimum, double maximum)
{
    if (natural.width() <= 0 || natural.height() <= 0)
        return 1.0;
    const double s =
        std::min(available.width() / natural.width(), available.height() / natural.height());
    return std::clamp(s, minimum, maximum);
}

ScaledCanvas::ScaledCanvas(QWidget *parent) : QWidget(parent)
{
    setAutoFillBackground(true);
    setBackgroundRole(QPalette::Base);
}

QSize ScaledCanvas::minimumSizeHint() const
{
    return {int(naturalWidth() * m_minScale), 120};
}

int ScaledCanvas::contentHeight(double scale) const
{
    // Text wraps, so the height depends on the width the content gets at this scale.
    QImage scratch(1, 1, QImage::Format_ARGB32);
    QPainter m(&scratch);
    m.setFont(font());
    return paintContent(m, int(width() / scale));
}

void ScaledCanvas::contentChanged()
{
    // Tall enough for everything at the smallest legible scale.
    const int h = int(contentHeight(m_minScale) * m_minScale) + 4;
    if (h != minimumHeight())
        setMinimumHeight(h);
    update();
}

void ScaledCanvas::resizeEvent(QResizeEvent *event)
{
    QWidget::resizeEvent(event);
    if (event->size().width() != event->oldSize().width())
        contentChanged();
}

void ScaledCanvas::changeEvent(QEvent *event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::FontChange) // presentation mode: the text takes more room
        contentChanged();
}

void ScaledCanvas::paintEvent(QPaintEvent *)
{
    // The largest scale at which both the width and the height fit, within legible bounds.
    double scale =
        fitScale(size(), QSizeF(naturalWidth(), contentHeight(1.0)), m_minScale, m_maxScale);
    for (int pass = 0; pass < 3; ++pass) {
        const int h = contentHeight(scale);
        if (h * scale <= height() || scale <= m_minScale)
            break;
        scale = std::max(m_minScale, std::min(scale * 0.92, height() / double(h)));
    }
    QPainter p(this);
    p.setRenderHint(QPainter::Antialiasing);
    p.scale(scale, scale);
    paintContent(p, int(width() / scale));
}

void setErrorColor(QWidget *label, bool error)
{
    QPalette pal;
    if (error)
        pal.setColor(QPalette::WindowText, wb::ui::stateColor("blocked"));
    label->setPalette(pal);
}

QFont monoFontLike(const QFont &base, double scale)
{
    QFont f = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    if (base.pointSizeF() > 0)
        f.setPointSizeF(base.pointSizeF() * scale);
    else
        f.setPixelSize(std::max(1, int(base.pixelSize() * scale)));
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
