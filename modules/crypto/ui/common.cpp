#include "common.h"

#include "workbench/ui/modulepage.h"
#include "workbench/ui/theme.h"
#include "workbench/ui/tracetable.h"

#include <QApplication>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QImage>
#include <QLabel>
#include <QPainter>
#include <QResizeEvent>
#include <QScrollBar>

#include <algorithm>
#include <map>
#include <tuple>
#include <utility>

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

std::optional<QString>
settingValue(const std::vector<std::pair<std::string, std::string>> &settings, const char *key)
{
    for (const auto &[k, v] : settings)
        if (k == key)
            return QString::fromStdString(v);
    return std::nullopt;
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
    const int w = int(width() / scale);
    if (const auto it = m_heights.constFind(w); it != m_heights.constEnd())
        return *it;
    QImage scratch(1, 1, QImage::Format_ARGB32);
    QPainter m(&scratch);
    m.setFont(font());
    const int h = paintContent(m, w);
    m_heights.insert(w, h);
    return h;
}

void ScaledCanvas::contentChanged()
{
    m_heights.clear();
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

namespace {

// Keeps an error label's colour in step with the application's palette: the label's own
// palette fixes WindowText, which a switch to the dark palette would otherwise leave behind.
class ErrorColorKeeper : public QObject
{
public:
    explicit ErrorColorKeeper(QWidget *label) : QObject(label)
    {
        setObjectName(QStringLiteral("wbErrorColorKeeper"));
        label->installEventFilter(this);
    }
    bool error = false;

    void apply(QWidget *label)
    {
        if (!error) {
            label->setPalette(QPalette());
            return;
        }
        const QColor want = legibleOn(wb::ui::stateColor("blocked"),
                                      QApplication::palette().color(QPalette::Window));
        if (label->palette().color(QPalette::WindowText) == want)
            return; // also ends the palette change that setting it sends
        QPalette pal;
        pal.setColor(QPalette::WindowText, want);
        label->setPalette(pal);
    }

protected:
    bool eventFilter(QObject *watched, QEvent *event) override
    {
        if (error && (event->type() == QEvent::PaletteChange ||
                      event->type() == QEvent::ApplicationPaletteChange))
            apply(static_cast<QWidget *>(watched));
        return false;
    }
};

} // namespace

void setErrorColor(QWidget *label, bool error)
{
    // The keeper has no meta-object of its own: it is found by its name.
    auto *keeper = static_cast<ErrorColorKeeper *>(label->findChild<QObject *>(
        QStringLiteral("wbErrorColorKeeper"), Qt::FindDirectChildrenOnly));
    if (!keeper)
        keeper = new ErrorColorKeeper(label);
    keeper->error = error;
    keeper->apply(label);
}

QColor composite(const QColor &top, const QColor &under)
{
    const double a = top.alphaF();
    auto mix = [a](double t, double u) {
        return t * a + u * (1 - a);
    };
    return QColor::fromRgbF(float(mix(top.redF(), under.redF())),
                            float(mix(top.greenF(), under.greenF())),
                            float(mix(top.blueF(), under.blueF())));
}

QColor legibleOn(const QColor &ink, const QColor &paper)
{
    const QColor base = QApplication::palette().color(QPalette::Base);
    const QColor under = paper.alpha() == 255 ? paper : composite(paper, base);
    // Drawings ask for the same few pairs for every cell of every paint: each is worked out
    // once (the search behind readableOn computes many contrast ratios).
    static std::map<std::pair<QRgb, QRgb>, QRgb> known;
    const auto key = std::make_pair(ink.rgba(), under.rgb());
    if (const auto it = known.find(key); it != known.end())
        return QColor::fromRgb(it->second);
    // A little above 4.5:1, so that the 8 bits a channel is painted with keep 4.5:1.
    const QColor c = wb::ui::readableOn(composite(ink, under), under, 4.6).toRgb();
    if (known.size() > 4096)
        known.clear();
    known.emplace(key, c.rgb());
    return QColor::fromRgb(c.rgb());
}

void InkLog::pen(QPainter &p, const QColor &ink, const QColor &paper, qreal width,
                 Qt::PenStyle style)
{
    p.setPen(QPen(ink, width, style));
    note(ink, paper);
}

QColor InkLog::note(const QColor &ink, const QColor &paper)
{
    m_used.append({ink, paper});
    return ink;
}

QColor fillBase(Fill fill)
{
    switch (fill) {
    case Fill::Message:
        return messageColor();
    case Fill::Padding:
        return paddingColor();
    case Fill::Length:
    case Fill::Keystream:
        return lengthColor();
    case Fill::Fresh:
        return freshColor();
    }
    return messageColor();
}

Qt::BrushStyle fillPattern(Fill fill)
{
    switch (fill) {
    case Fill::Padding:
        return Qt::FDiagPattern;
    case Fill::Length:
        return Qt::DiagCrossPattern;
    case Fill::Fresh:
        return Qt::BDiagPattern;
    default:
        return Qt::NoBrush;
    }
}

QColor fillColor(Fill fill, const QColor &base)
{
    return composite(fillBase(fill), base);
}

QColor hatchColor(Fill fill, const QColor &base, const QColor &text)
{
    const QColor under = fillColor(fill, base);
    if (fillPattern(fill) == Qt::NoBrush)
        return under;
    // Worked out once a fill, background and text colour (see legibleOn()).
    static std::map<std::tuple<QRgb, QRgb, QRgb>, QRgb> known;
    const auto key = std::make_tuple(fillBase(fill).rgba(), base.rgb(), text.rgb());
    if (const auto it = known.find(key); it != known.end())
        return QColor::fromRgb(it->second);
    if (known.size() > 256)
        known.clear();
    // The role colour, strong enough to see, faint enough for the text over it. Dark text
    // asks for 7:1, which keeps the hatching as light as its fill is (a colour made legible
    // on one is then legible on both); light text on dark fills needs only 4.6:1 for that.
    const bool lightText =
        wb::ui::contrastRatio(text, Qt::black) > wb::ui::contrastRatio(text, Qt::white);
    const double need = lightText ? 4.6 : 7.0;
    QColor c = fillBase(fill);
    for (int alpha = 255; alpha > 0; alpha -= 5) {
        c.setAlpha(alpha);
        if (wb::ui::contrastRatio(text, composite(c, under)) >= need)
            break;
    }
    const QColor hatch = composite(c, under);
    known.emplace(key, hatch.rgb());
    return hatch;
}

void paintFill(QPainter &p, const QRectF &box, Fill fill, const QColor &base, const QColor &text)
{
    p.fillRect(box, fillColor(fill, base));
    if (fillPattern(fill) != Qt::NoBrush) {
        // Anchored at the box's corner, so every cell shows the same hatching.
        QBrush hatch(hatchColor(fill, base, text), fillPattern(fill));
        hatch.setTransform(QTransform::fromTranslate(box.left(), box.top()));
        p.fillRect(box, hatch);
    }
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
