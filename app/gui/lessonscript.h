#pragma once
// Lesson scripts: a teacher's sequence of slides, each a module's view (or a recording) at a
// range of steps with a note shown over it. The format is in docs/lesson-scripts.md:
//
//     lesson: Lists in CPython
//     slide: Over-allocation
//       module: list
//       view: growth
//       steps: 0-12
//       note: Watch the capacity jump: 0, 4, 8, 16, 24, 32, 40 ...
//
// Parsing checks the form; checkLessonScript() also checks what the slides name against the
// modules this workbench has and the recordings beside the script, so that every mistake is
// reported, with its line, before class starts.

#include <QList>
#include <QString>
#include <QStringList>

namespace wb::shell {

class ModuleRegistry;

struct LessonSlide
{
    int line = 0; // where "slide:" is
    QString title;
    QString module;
    QString view;      // empty: the module's first view
    QString recording; // absolute path, or empty
    QString steps;     // "A-B" as written, or empty: no stepping
    QString note;      // Markdown
};

struct LessonScript
{
    QString path;
    QString title;
    QList<LessonSlide> slides;
};

// Reads a script; its problems go to *problems as "FILE:LINE: sentence" (empty when none).
LessonScript parseLessonScript(const QString &path, QStringList *problems);
// The form and everything the slides name: modules, views, recordings (header and module).
QStringList checkLessonScript(const LessonScript &script, const ModuleRegistry &registry);

} // namespace wb::shell
