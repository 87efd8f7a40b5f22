#include "workbench/ui/export.h"

#include <QCoreApplication>
#include <QFileInfo>
#include <QPainter>
#include <QPdfWriter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QWidget>

namespace wb::ui {

QString exportFileFilter()
{
    return QCoreApplication::translate("wb::ui", "PNG image (*.png);;SVG drawing (*.svg);;"
                                                 "PDF document (*.pdf)");
}

bool exportWidget(QWidget *widget, const QString &path, QString *error)
{
    auto fail = [error](const QString &why) {
        if (error)
            *error = why;
        return false;
    };
    if (!widget)
        return fail(QCoreApplication::translate("wb::ui", "There is no view to export."));
    const QString suffix = QFileInfo(path).suffix().toLower();
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(QCoreApplication::translate("wb::ui", "Cannot write %1: %2")
                        .arg(path, file.errorString()));
    if (suffix == "png") {
        if (!widget->grab().save(&file, "PNG"))
            return fail(QCoreApplication::translate("wb::ui", "Could not encode the PNG image."));
    } else if (suffix == "svg") {
        QSvgGenerator svg;
        svg.setOutputDevice(&file);
        svg.setSize(widget->size());
        svg.setViewBox(widget->rect());
        svg.setTitle(widget->windowTitle());
        QPainter painter(&svg);
        widget->render(&painter);
    } else if (suffix == "pdf") {
        QPdfWriter pdf(&file);
        pdf.setTitle(widget->windowTitle());
        pdf.setPageSize(QPageSize(QSizeF(widget->width(), widget->height()), QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        pdf.setResolution(72);
        QPainter painter(&pdf);
        widget->render(&painter);
    } else {
        file.cancelWriting();
        return fail(QCoreApplication::translate(
                        "wb::ui", "Unknown format '%1': use a .png, .svg or .pdf file name.")
                        .arg(suffix));
    }
    if (!file.commit())
        return fail(QCoreApplication::translate("wb::ui", "Cannot write %1: %2")
                        .arg(path, file.errorString()));
    return true;
}

} // namespace wb::ui
