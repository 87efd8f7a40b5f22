#pragma once
// Time each thread has spent blocked on a lock, waiting on a condition, sleeping and running,
// up to the cursor: stacked bars that grow as the cursor moves.

#include "session.h"

#include "workbench/ui/session.h"

#include <map>
#include <memory>

class QComboBox;
class QCPItemText;
class QCPTextElement;
class QCustomPlot;
class QLabel;
class QMouseEvent;

namespace wb::threads::ui {

class RunBar;

// Time each thread spent blocked, waiting and sleeping up to the cursor (stacked bars).
class BlockedPage : public wb::ui::SessionPage
{
    Q_OBJECT
public:
    explicit BlockedPage(std::shared_ptr<ThreadsSession> session, QWidget *parent = nullptr);

    QString lessonMarkdown() const override;
    QStringList sourceFiles() const override;
    QList<wb::ui::SourceHighlight> sourceHighlights() const override;
    void shutdown() override;
    // Recordings: the shared run's settings (threads/core/recording.h), its trace and cursor;
    // opening one restores the run on every page of the module without running anything.
    wb::Recording recording() const override;
    bool showRecording(const wb::Recording &recording, QString *error) override;

    ThreadsSession *session() const { return m_session.get(); }
    RunBar *runBar() const { return m_runBar; }
    // The plotted numbers: per thread, {blocked, waiting, sleeping, running}.
    const std::map<int, TimelineData::Totals> &totals() const { return m_totals; }
    void setWallTime(bool wallTime);

protected:
    void refresh() override;
    bool keepsRecordings() const override { return true; }
    std::vector<std::pair<std::string, std::string>> recordingSettings() const override;
    bool acceptsEvent(const wb::Event &event) const override;
    void changeEvent(QEvent *event) override;

private:
    // Colours, patterns and fonts from the palette and font (dark theme, presentation mode).
    void restyle();
    // Once the plot knows its size: the labels above the bars in the longest form that fits
    // a bar's width, and room above the bars for them.
    void fitLabels();
    void showBarTip(QMouseEvent *event);

    std::shared_ptr<ThreadsSession> m_session;
    RunBar *m_runBar;
    QComboBox *m_unit;
    QCustomPlot *m_plot;
    QCPTextElement *m_title;
    // The legend above the plot: one swatch and one name per state.
    QList<std::pair<QLabel *, ThreadState>> m_swatches;
    QList<QCPItemText *> m_labels; // one per thread, in the order of m_totals
    double m_whole = 1;            // the tallest bar of the whole run
    std::map<int, TimelineData::Totals> m_totals;
};

} // namespace wb::threads::ui
