#pragma once
// The classroom check: every view opened at projector sizes, in normal and presentation
// mode, and what a teacher would see go wrong reported by view, size and widget.

#include <QList>
#include <QSize>
#include <QStringList>

namespace wb::shell {

class MainWindow;

struct LayoutCheckOptions
{
    QList<QSize> sizes{{1280, 720}, {1024, 768}};
    bool normal = true;
    bool presentation = true;
    QString moduleId; // empty: every module
    QString viewId;   // empty: every view of the module
};

// One line per problem: "list/sort 1280x720 presentation: …". Empty when all is whole.
// A control Tab cannot reach is a problem. One that Tab enters but cannot leave (a table
// moving from cell to cell, an editor typing a tab) is a warning, put in `warnings`.
QStringList checkLayout(MainWindow &window, const LayoutCheckOptions &options,
                        QStringList *warnings = nullptr);

} // namespace wb::shell
