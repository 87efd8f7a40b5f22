#include "workbench/ui/modulepage.h"
#include "workbench/ui/stepcontroller.h"

#include <QFile>

namespace wb::ui {

QList<SourceHighlight> ModulePage::sourceHighlights() const
{
    const StepController *c = controller();
    const wb::Event *e = c ? c->currentEvent() : nullptr;
    if (!e || e->where.line == 0)
        return {};
    return {SourceHighlight{QString::fromStdString(std::string(e->where.fileName())),
                            static_cast<int>(e->where.line), QColor(), QString()}};
}

bool ModulePage::showRecording(const wb::Recording &, QString *error)
{
    if (error)
        *error = tr("this view does not show recordings");
    return false;
}

QString readTextResource(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return QString::fromUtf8(f.readAll());
}

} // namespace wb::ui
