#pragma once
// Small pieces the list module's views share.

#include <QColor>
#include <QString>
#include <QStringList>

class QLabel;
class QPalette;

namespace wb::list::ui {

// Resource paths of core sources, from paths relative to the module folder.
QStringList coreSources(const QStringList &relativePaths);

// The colours the list views paint with, worked out from the palette and the theme's state
// colours in use, so they are taken at paint time and follow a palette switch. Text and
// lines keep a contrast of at least 4.5:1 against the Base background the views draw on;
// fills are lighter, opaque, and any text drawn on one is `text`, which keeps 4.5:1 on it.
struct ListColours
{
    QColor base, text;
    QColor muted;     // secondary text and lines: slot indices, notes, the legend
    QColor faded;     // lines of what is no longer in use: spare slots, stale objects
    QColor accent;    // what the step at the cursor changed
    QColor warn;      // errors, the slot pop reads
    QColor liveFill;  // a slot holding an item, in [0, ob_size)
    QColor spareFill; // a spare slot, in [ob_size, allocated)
    QColor hatch;     // the stripes drawn over run B's bars
    QColor unscanned; // bars not yet in any run
    QColor moveBand;  // behind the range a merge moves
    QColor meterFill; // the comparison meter

    // Run k of the pending stack (and run A = 0, run B = 1 of a merge): the colour of its
    // bracket and label, and of its bars.
    QColor run(int k) const;
    // The box of pending run k in the side panel, with `text` on it.
    QColor runBox(int k) const;
};
ListColours listColours(const QPalette &palette);

// Colours a message label (a parse error, a Python exception) as an error, readable on the
// window; called again when the palette changes.
void styleMessage(QLabel *label);

// The kind name of typed event E, as StepController::nextOfKind takes it.
template <class E> QString kindOf()
{
    return QString::fromLatin1(E::kind.data(), static_cast<qsizetype>(E::kind.size()));
}

// `top` painted with opacity `alpha` (0..1) over `bottom`, as one opaque colour.
QColor blend(const QColor &top, const QColor &bottom, double alpha);

} // namespace wb::list::ui
