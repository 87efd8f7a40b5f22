#include "stepexport.h"

#include "workbench/core/output_file.h"
#include "workbench/ui/modulepage.h"
#include "workbench/ui/stepcontroller.h"

#include <QAbstractTextDocumentLayout>
#include <QBuffer>
#include <QCoreApplication>
#include <QFileInfo>
#include <QPainter>
#include <QPdfWriter>
#include <QRegularExpression>
#include <QTextDocument>

#include <gif_lib.h>

#include <memory>
#include <vector>

namespace wb::shell {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("wb::shell::StepExport", text);
}

// --- GIF -------------------------------------------------------------------------------------

// An animated GIF built frame by frame in memory: each frame gets its own 256-colour
// palette (giflib's median-cut quantizer), the animation loops, every frame shows for
// `delayMs`.
class GifEncoder
{
public:
    ~GifEncoder()
    {
        if (m_gif) {
            int ignored = 0;
            EGifCloseFile(m_gif, &ignored);
        }
    }

    bool begin(QSize size, int delayMs, QString *error)
    {
        m_size = size;
        m_delayCs = std::max(2, (delayMs + 5) / 10);
        int err = 0;
        m_gif = EGifOpen(&m_bytes, &GifEncoder::write, &err);
        if (!m_gif)
            return fail(err, error);
        EGifSetGifVersion(m_gif, true);
        if (EGifPutScreenDesc(m_gif, size.width(), size.height(), 8, 0, nullptr) == GIF_ERROR)
            return fail(m_gif->Error, error);
        // NETSCAPE2.0: loop for ever.
        static const GifByteType app[] = {'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0'};
        static const GifByteType loop[] = {1, 0, 0};
        if (EGifPutExtensionLeader(m_gif, APPLICATION_EXT_FUNC_CODE) == GIF_ERROR ||
            EGifPutExtensionBlock(m_gif, sizeof app, app) == GIF_ERROR ||
            EGifPutExtensionBlock(m_gif, sizeof loop, loop) == GIF_ERROR ||
            EGifPutExtensionTrailer(m_gif) == GIF_ERROR)
            return fail(m_gif->Error, error);
        return true;
    }

    bool add(const QImage &frame, QString *error)
    {
        const QImage rgb = (frame.size() == m_size ? frame
                                                   : frame.scaled(m_size, Qt::IgnoreAspectRatio,
                                                                  Qt::SmoothTransformation))
                               .convertToFormat(QImage::Format_RGB888);
        const int w = m_size.width(), h = m_size.height();
        const auto n = static_cast<std::size_t>(w) * static_cast<std::size_t>(h);
        std::vector<GifByteType> r(n), g(n), b(n), indices(n);
        for (int y = 0; y < h; ++y) {
            const uchar *line = rgb.constScanLine(y);
            for (int x = 0; x < w; ++x) {
                const std::size_t i = static_cast<std::size_t>(y) * w + x;
                r[i] = line[3 * x];
                g[i] = line[3 * x + 1];
                b[i] = line[3 * x + 2];
            }
        }
        int colours = 256;
        GifColorType palette[256] = {};
        if (GifQuantizeBuffer(static_cast<unsigned>(w), static_cast<unsigned>(h), &colours,
                              r.data(), g.data(), b.data(), indices.data(), palette) == GIF_ERROR)
            return fail(D_GIF_ERR_NOT_ENOUGH_MEM, error);
        GraphicsControlBlock gcb{};
        gcb.DisposalMode = DISPOSE_DO_NOT;
        gcb.DelayTime = m_delayCs;
        gcb.TransparentColor = NO_TRANSPARENT_COLOR;
        GifByteType ext[4];
        const std::size_t extLength = EGifGCBToExtension(&gcb, ext);
        std::unique_ptr<ColorMapObject, void (*)(ColorMapObject *)> map(
            GifMakeMapObject(256, palette), GifFreeMapObject);
        if (!map)
            return fail(E_GIF_ERR_NOT_ENOUGH_MEM, error);
        if (EGifPutExtension(m_gif, GRAPHICS_EXT_FUNC_CODE, static_cast<int>(extLength), ext) ==
                GIF_ERROR ||
            EGifPutImageDesc(m_gif, 0, 0, w, h, false, map.get()) == GIF_ERROR)
            return fail(m_gif->Error, error);
        for (int y = 0; y < h; ++y)
            if (EGifPutLine(m_gif, indices.data() + static_cast<std::size_t>(y) * w, w) ==
                GIF_ERROR)
                return fail(m_gif->Error, error);
        return true;
    }

    bool finish(QByteArray *out, QString *error)
    {
        int err = 0;
        const int rc = EGifCloseFile(m_gif, &err);
        m_gif = nullptr;
        if (rc == GIF_ERROR)
            return fail(err, error);
        *out = std::move(m_bytes);
        return true;
    }

private:
    static int write(GifFileType *gif, const GifByteType *data, int length)
    {
        static_cast<QByteArray *>(gif->UserData)
            ->append(reinterpret_cast<const char *>(data), length);
        return length;
    }
    static bool fail(int code, QString *error)
    {
        *error = tr("the GIF encoder failed: %1").arg(QString::fromUtf8(GifErrorString(code)));
        return false;
    }

    GifFileType *m_gif = nullptr;
    QByteArray m_bytes;
    QSize m_size;
    int m_delayCs = 70;
};

// --- PDF -------------------------------------------------------------------------------------

// One landscape A4 page per step: what the step did, the view, and the lesson's paragraph.
class PdfPages
{
public:
    PdfPages() : m_buffer(&m_bytes)
    {
        m_buffer.open(QIODevice::WriteOnly);
        m_writer = std::make_unique<QPdfWriter>(&m_buffer);
        m_writer->setResolution(150);
        m_writer->setPageLayout(QPageLayout(QPageSize(QPageSize::A4), QPageLayout::Landscape,
                                            QMarginsF(12, 12, 12, 12), QPageLayout::Millimeter));
        m_writer->setTitle(tr("Internals Workbench: steps"));
        m_writer->setCreator(QStringLiteral("Internals Workbench"));
    }

    void add(const QImage &view, const QString &title, const QString &what,
             const QString &lessonMarkdown)
    {
        if (!m_painter.isActive())
            m_painter.begin(m_writer.get());
        else
            m_writer->newPage();
        const QRect page = m_writer->pageLayout().paintRectPixels(m_writer->resolution());
        const QRect area(0, 0, page.width(), page.height());
        QFont heading = m_painter.font();
        heading.setPointSizeF(15);
        heading.setBold(true);
        QFont body = m_painter.font();
        body.setPointSizeF(11);

        m_painter.setFont(heading);
        QRect used;
        m_painter.drawText(area, Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, title, &used);
        int y = used.bottom() + 8;
        m_painter.setFont(body);
        m_painter.drawText(QRect(0, y, area.width(), area.height() - y),
                           Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap, what, &used);
        y = used.bottom() + 16;

        const int imageHeight = std::min(area.height() * 62 / 100, area.height() - y);
        const QSize fitted = view.size().scaled(area.width(), imageHeight, Qt::KeepAspectRatio);
        m_painter.drawImage(QRect(QPoint(0, y), fitted), view);
        m_painter.setPen(QPen(Qt::gray, 1));
        m_painter.drawRect(QRect(QPoint(0, y), fitted));
        y += fitted.height() + 20;

        if (!lessonMarkdown.isEmpty() && y < area.height()) {
            QTextDocument doc;
            doc.setDefaultFont(body);
            doc.setMarkdown(lessonMarkdown);
            doc.setTextWidth(area.width());
            m_painter.save();
            m_painter.translate(0, y);
            QAbstractTextDocumentLayout::PaintContext context;
            context.clip = QRectF(0, 0, area.width(), area.height() - y);
            m_painter.setClipRect(context.clip);
            doc.documentLayout()->draw(&m_painter, context);
            m_painter.restore();
        }
    }

    QByteArray finish()
    {
        if (m_painter.isActive())
            m_painter.end();
        m_writer.reset();
        m_buffer.close();
        return m_bytes;
    }

private:
    QByteArray m_bytes;
    QBuffer m_buffer;
    std::unique_ptr<QPdfWriter> m_writer;
    QPainter m_painter;
};

// The view as it is now, with a strip under it saying which step it shows: a frame of the
// GIF must be readable on its own.
QImage frameWithCaption(const QImage &view, const QString &caption, const QPalette &palette,
                        const QFont &font)
{
    const QFontMetrics fm(font);
    const int strip = fm.height() * 2;
    QImage out(view.width(), view.height() + strip, QImage::Format_RGB32);
    out.fill(palette.color(QPalette::Window));
    QPainter p(&out);
    p.drawImage(0, 0, view);
    p.setPen(palette.color(QPalette::Mid));
    p.drawLine(0, view.height(), view.width(), view.height());
    p.setFont(font);
    p.setPen(palette.color(QPalette::WindowText));
    p.drawText(QRect(fm.height() / 2, view.height(), view.width() - fm.height(), strip),
               Qt::AlignVCenter | Qt::AlignLeft,
               fm.elidedText(caption, Qt::ElideRight, view.width() - fm.height()));
    return out;
}

// Lets a page that fills in on a later event-loop turn finish before the grab.
void settle()
{
    for (int i = 0; i < 3; ++i)
        QCoreApplication::processEvents(QEventLoop::ExcludeUserInputEvents, 20);
}

} // namespace

bool parseStepRange(const QString &text, qsizetype count, qsizetype *from, qsizetype *to,
                    QString *error)
{
    static const QRegularExpression form(QStringLiteral("^\\s*(\\d*)\\s*(-?)\\s*(\\d*)\\s*$"));
    const auto m = form.match(text);
    const bool dash = m.hasMatch() && !m.captured(2).isEmpty();
    if (!m.hasMatch() || (m.captured(1).isEmpty() && m.captured(3).isEmpty()) ||
        (!dash && m.captured(3).size())) {
        *error =
            tr("'%1' is not a step range; write A-B (e.g. 0-40), A- , -B or one step N").arg(text);
        return false;
    }
    bool ok = true;
    const qsizetype a = m.captured(1).isEmpty() ? 0 : m.captured(1).toLongLong(&ok);
    bool okB = true;
    const qsizetype b = !dash                     ? a
                        : m.captured(3).isEmpty() ? count
                                                  : m.captured(3).toLongLong(&okB);
    if (!ok || !okB || a > count || b > count) {
        *error = tr("the steps go from 0 to %1; '%2' is outside them").arg(count).arg(text);
        return false;
    }
    if (a > b) {
        *error = tr("'%1' runs backwards; write the smaller step first").arg(text);
        return false;
    }
    *from = a;
    *to = b;
    return true;
}

QList<qsizetype> exportPositions(const StepExportRequest &request)
{
    QList<qsizetype> out;
    const qsizetype every = std::max<qsizetype>(1, request.every);
    for (qsizetype p = request.from; p <= request.to; p += every)
        out << p;
    if (out.isEmpty() || out.last() != request.to)
        out << request.to;
    return out;
}

QString stepExportFormat(const StepExportRequest &request)
{
    const QString f =
        (request.format.isEmpty() ? QFileInfo(request.path).suffix() : request.format).toLower();
    return f == QLatin1String("gif") || f == QLatin1String("pdf") ? f : QString();
}

QString lessonParagraphFor(const QString &markdown, const QString &kind)
{
    QStringList paragraphs;
    QString current;
    bool inCode = false;
    auto flush = [&] {
        const QString p = current.trimmed();
        current.clear();
        if (p.isEmpty() || p.startsWith('#') || p.startsWith('|'))
            return;
        paragraphs << p;
    };
    for (const QString &line : markdown.split('\n')) {
        const QString t = line.trimmed();
        if (t.startsWith(QLatin1String("```"))) {
            flush();
            inCode = !inCode;
            continue;
        }
        if (inCode)
            continue;
        if (t.startsWith('#')) {
            flush();
            if (t.contains(QLatin1String("Sources"), Qt::CaseInsensitive))
                break; // the references close the lesson
            continue;
        }
        if (t.isEmpty()) {
            flush();
            continue;
        }
        current += line + '\n';
    }
    flush();
    if (paragraphs.isEmpty())
        return {};
    if (!kind.isEmpty()) {
        QString spaced = kind;
        spaced.replace('_', ' ');
        for (const QString &p : std::as_const(paragraphs))
            if (p.contains(kind, Qt::CaseInsensitive) || p.contains(spaced, Qt::CaseInsensitive))
                return p;
    }
    return paragraphs.first();
}

bool exportSteps(wb::ui::ModulePage *page, wb::ui::StepController *controller,
                 const StepExportRequest &request, const StepExportProgress &progress,
                 QString *error, bool *cancelled)
{
    if (cancelled)
        *cancelled = false;
    if (!page || !controller || !controller->trace()) {
        *error = tr("this view has no steps to export");
        return false;
    }
    const QString format = stepExportFormat(request);
    if (format.isEmpty()) {
        *error = tr("export steps to a .gif or a .pdf file, not '%1'")
                     .arg(QFileInfo(request.path).fileName());
        return false;
    }
    const qsizetype count = controller->count();
    if (request.from < 0 || request.to > count || request.from > request.to) {
        *error = tr("the steps go from 0 to %1").arg(count);
        return false;
    }
    // The target is checked before anything is drawn: a folder or a device is refused now.
    wb::OutputFile out;
    std::string why;
    if (!out.open(request.path.toStdString(), /*overwrite=*/true, false, why)) {
        *error = QString::fromStdString(why);
        return false;
    }

    const qsizetype back = controller->position();
    const bool wasPlaying = controller->isPlaying();
    controller->pause();
    const QList<qsizetype> positions = exportPositions(request);
    GifEncoder gif;
    PdfPages pdf;
    bool ok = true;
    for (int i = 0; i < positions.size() && ok; ++i) {
        controller->seek(positions[i]);
        settle();
        const QImage view = page->grab().toImage();
        const wb::Event *e = controller->currentEvent();
        const QString kind = e ? QString::fromStdString(e->kind) : QString();
        const QString label = e ? QString::fromStdString(e->label) : tr("before the first step");
        const QString title = tr("Step %1 of %2").arg(positions[i]).arg(count);
        if (format == QLatin1String("gif")) {
            const QImage frame = frameWithCaption(view, title + QStringLiteral(" \u00b7 ") + label,
                                                  page->palette(), page->font());
            ok = (i > 0 || gif.begin(frame.size(), request.frameMs, error)) &&
                 gif.add(frame, error);
        } else {
            pdf.add(view, kind.isEmpty() ? title : title + QStringLiteral(": ") + kind, label,
                    lessonParagraphFor(page->lessonMarkdown(), kind));
        }
        if (ok && progress && !progress(i + 1, static_cast<int>(positions.size()))) {
            if (cancelled)
                *cancelled = true;
            *error = tr("the export was cancelled; nothing was written");
            ok = false;
        }
    }
    controller->seek(back);
    if (wasPlaying)
        controller->play();
    if (!ok)
        return false; // `out` removes its temporary

    QByteArray bytes;
    if (format == QLatin1String("gif")) {
        if (!gif.finish(&bytes, error))
            return false;
    } else {
        bytes = pdf.finish();
    }
    if (!out.write(std::string_view(bytes.constData(), static_cast<std::size_t>(bytes.size())),
                   why) ||
        !out.commit(why)) {
        *error = QString::fromStdString(why);
        return false;
    }
    return true;
}

} // namespace wb::shell
