#pragma once
// Growth: capacity against size for a run of appends under both growth formulas, the
// reallocations marked, and the cumulative element moves of append against insert(0, x):
// amortised O(1) against O(n), measured on the real list object.

#include "workbench/ui/modulepage.h"

class QCPTextElement;
class QCustomPlot;
class QLabel;
class QSpinBox;

namespace wb::list::ui {

class GrowthPage : public wb::ui::ModulePage
{
    Q_OBJECT
public:
    explicit GrowthPage(QWidget *parent = nullptr);
    QString lessonMarkdown() const override;
    QStringList sourceFiles() const override;
    // Measures both growth formulas for the chosen number of appends and plots them.
    void recompute();

protected:
    void changeEvent(QEvent *event) override;

private:
    void styleTitles();

    QSpinBox *m_appends;
    QCustomPlot *m_capacity;
    QCustomPlot *m_moves;
    QCPTextElement *m_capacityTitle;
    QCPTextElement *m_movesTitle;
    QLabel *m_summary;
    bool m_computed = false; // the plots hold data (see the constructor)
};

} // namespace wb::list::ui
