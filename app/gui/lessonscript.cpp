#include "lessonscript.h"

#include "moduleregistry.h"
#include "stepexport.h"

#include "workbench/core/cli.h"
#include "workbench/core/recording.h"
#include "workbench/ui/moduleinterface.h"

#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QRegularExpression>

namespace wb::shell {

namespace {

QString tr(const char *text)
{
    return QCoreApplication::translate("wb::shell::LessonScript", text);
}

constexpr std::size_t kMaxScriptBytes = 1 << 20;

const QStringList &slideKeys()
{
    static const QStringList keys = {"module", "view", "recording", "steps", "note"};
    return keys;
}

// The form of "A-B", "A-", "-B" or "N", without a trace to measure it against.
bool stepsLookRight(const QString &steps)
{
    static const QRegularExpression form(QStringLiteral("^\\s*(\\d*)\\s*(-?)\\s*(\\d*)\\s*$"));
    const auto m = form.match(steps);
    if (!m.hasMatch() || (m.captured(1).isEmpty() && m.captured(3).isEmpty()))
        return false;
    if (m.captured(2).isEmpty())
        return m.captured(3).isEmpty();
    return m.captured(1).isEmpty() || m.captured(3).isEmpty() ||
           m.captured(1).toLongLong() <= m.captured(3).toLongLong();
}

} // namespace

LessonScript parseLessonScript(const QString &path, QStringList *problems)
{
    LessonScript script;
    script.path = path;
    std::string text, error;
    if (wb::cli::readTextFile(path.toStdString(), kMaxScriptBytes, "lesson script",
                              "a lesson script (see docs/lesson-scripts.md)", text,
                              error) != wb::cli::Ok) {
        *problems << QStringLiteral("%1: %2").arg(path, QString::fromStdString(error));
        return script;
    }
    const QDir base = QFileInfo(path).absoluteDir();
    auto problem = [&](int line, const QString &sentence) {
        *problems << QStringLiteral("%1:%2: %3").arg(path).arg(line).arg(sentence);
    };

    QStringList seen; // keys given in the current slide
    const QStringList lines = QString::fromStdString(text).split(QLatin1Char('\n'));
    for (int i = 0; i < lines.size(); ++i) {
        const int lineNo = i + 1;
        const QString line = lines[i].trimmed();
        if (line.isEmpty() || line.startsWith(QLatin1Char('#')))
            continue;
        const int colon = line.indexOf(QLatin1Char(':'));
        if (colon <= 0) {
            problem(lineNo, tr("expected 'key: value' (lesson, slide, module, view, recording, "
                               "steps or note), found '%1'")
                                .arg(line.left(60)));
            continue;
        }
        const QString key = line.left(colon).trimmed().toLower();
        const QString value = line.mid(colon + 1).trimmed();
        if (value.isEmpty() && key != QLatin1String("note")) {
            problem(lineNo, tr("'%1:' needs a value").arg(key));
            continue;
        }
        if (key == QLatin1String("lesson")) {
            if (!script.slides.isEmpty() || !script.title.isEmpty())
                problem(lineNo, tr("'lesson:' names the whole script once, before the first "
                                   "slide"));
            else
                script.title = value;
            continue;
        }
        if (key == QLatin1String("slide")) {
            LessonSlide s;
            s.line = lineNo;
            s.title = value;
            script.slides << s;
            seen.clear();
            continue;
        }
        if (!slideKeys().contains(key)) {
            problem(lineNo, tr("unknown key '%1'; a slide takes module, view, recording, steps "
                               "and note")
                                .arg(key.left(30)));
            continue;
        }
        if (script.slides.isEmpty()) {
            problem(lineNo, tr("'%1:' comes before the first 'slide:'").arg(key));
            continue;
        }
        LessonSlide &s = script.slides.last();
        if (key != QLatin1String("note") && seen.contains(key)) {
            problem(lineNo, tr("this slide already has '%1:'").arg(key));
            continue;
        }
        seen << key;
        if (key == QLatin1String("module"))
            s.module = value;
        else if (key == QLatin1String("view"))
            s.view = value;
        else if (key == QLatin1String("recording"))
            s.recording = QDir::cleanPath(base.absoluteFilePath(value));
        else if (key == QLatin1String("steps")) {
            if (!stepsLookRight(value))
                problem(lineNo, tr("'%1' is not a step range; write A-B (e.g. 0-40), A-, -B or "
                                   "one step N")
                                    .arg(value.left(40)));
            s.steps = value;
        } else {
            s.note += (s.note.isEmpty() ? QString() : QStringLiteral("\n")) + value;
        }
    }
    for (const LessonSlide &s : std::as_const(script.slides)) {
        if (s.module.isEmpty() && s.recording.isEmpty())
            problem(s.line, tr("slide '%1' needs 'module:' or 'recording:'").arg(s.title));
        if (!s.module.isEmpty() && !s.recording.isEmpty())
            problem(s.line, tr("slide '%1' has both 'module:' and 'recording:'; a recording "
                               "names its own module")
                                .arg(s.title));
        if (!s.view.isEmpty() && !s.recording.isEmpty())
            problem(s.line, tr("slide '%1' has both 'view:' and 'recording:'; a recording names "
                               "its own view")
                                .arg(s.title));
    }
    if (problems->isEmpty() && script.slides.isEmpty())
        *problems << tr("%1: no slides; a script has at least one 'slide:' line").arg(path);
    return script;
}

QStringList checkLessonScript(const LessonScript &script, const ModuleRegistry &registry)
{
    QStringList problems;
    auto problem = [&](int line, const QString &sentence) {
        problems << QStringLiteral("%1:%2: %3").arg(script.path).arg(line).arg(sentence);
    };
    auto checkView = [&](const LessonSlide &s, const QString &module, const QString &view) {
        const ModuleEntry *e = registry.find(module);
        if (!e) {
            problem(
                s.line,
                tr("slide '%1': this workbench has no module '%2'").arg(s.title, module.left(40)));
            return;
        }
        if (!e->available()) {
            problem(s.line, tr("slide '%1': the module '%2' could not be loaded (%3)")
                                .arg(s.title, module, e->error));
            return;
        }
        if (view.isEmpty())
            return;
        QStringList views;
        for (const auto &v : e->module->views())
            views << v.id;
        if (!views.contains(view))
            problem(s.line, tr("slide '%1': the module '%2' has no view '%3'; its views: %4")
                                .arg(s.title, module, view.left(40), views.join(", ")));
    };
    for (const LessonSlide &s : script.slides) {
        if (!s.module.isEmpty()) {
            checkView(s, s.module, s.view);
            continue;
        }
        if (s.recording.isEmpty())
            continue;
        try {
            const wb::Recording r = wb::readRecording(s.recording.toStdString());
            checkView(s, QString::fromStdString(r.module), QString::fromStdString(r.view));
            qsizetype from = 0, to = 0;
            QString error;
            if (!s.steps.isEmpty() &&
                !parseStepRange(s.steps, static_cast<qsizetype>(r.trace->size()), &from, &to,
                                &error))
                problem(s.line, tr("slide '%1': %2").arg(s.title, error));
        } catch (const wb::RecordingError &e) {
            problem(s.line, tr("slide '%1': %2 (%3)")
                                .arg(s.title, QString::fromStdString(e.what()),
                                     QFileInfo(s.recording).fileName()));
        }
    }
    return problems;
}

} // namespace wb::shell
