#include "workbench/ui/export.h"

#include "workbench/core/output_file.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QPainter>
#include <QPdfWriter>
#include <QSvgGenerator>
#include <QWidget>

namespace wb::ui {

QString exportFileFilter()
{
    return QCoreApplication::translate("wb::ui", "PNG image (*.png);;SVG drawing (*.svg);;"
                                                 "PDF document (*.pdf)");
}

bool exportWidget(QWidget *widget, const QString &path, QString *error, const QString &format)
{
    auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    if (!widget)
        return fail(QCoreApplication::translate("wb::ui", "There is no view to export."));
    const QString suffix = format.isEmpty() ? QFileInfo(path).suffix().toLower() : format;
    // Encoded in memory first, then written by the project's one writer (temporary file,
    // checked writes, fsync, rename): a full disk leaves the old file as it was.
    QByteArray bytes;
    QBuffer buffer(&bytes);
    buffer.open(QIODevice::WriteOnly);
    if (suffix == "png") {
        if (!widget->grab().save(&buffer, "PNG"))
            return fail(QCoreApplication::translate("wb::ui", "Could not encode the PNG image."));
    } else if (suffix == "svg") {
        QSvgGenerator svg;
        svg.setOutputDevice(&buffer);
        svg.setSize(widget->size());
        svg.setViewBox(widget->rect());
        svg.setTitle(widget->windowTitle());
        QPainter painter(&svg);
        widget->render(&painter);
    } else if (suffix == "pdf") {
        QPdfWriter pdf(&buffer);
        pdf.setTitle(widget->windowTitle());
        pdf.setPageSize(QPageSize(QSizeF(widget->width(), widget->height()), QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setResolution(72);
        QPainter painter(&pdf);
        widget->render(&painter);
    } else {
        return fail(QCoreApplication::translate(
                        "wb::ui", "Unknown format '%1': use a .png, .svg or .pdf file name.")
                        .arg(suffix));
    }
    buffer.close();
    std::string why;
    wb::OutputFile file;
    // The caller has asked (a save dialog's confirmation, a --screenshot name): replace.
    if (!file.open(QFile::encodeName(path).toStdString(), true, false, why) ||
        !file.write(std::string_view(bytes.constData(), std::size_t(bytes.size())), why) ||
        !file.commit(why))
        return fail(QString::fromStdString(why));
    return true;
}

} // namespace wb::ui
