#pragma once
// Presenting a lesson script in class: presentation mode, one slide at a time, driven by what
// a presenter's clicker sends. PageDown steps the slide's range of steps, then goes to the
// next slide; PageUp steps back, then goes to the previous slide (at the end of its range);
// B blanks the screen and any of those keys brings it back, as in slide software. The slide's
// note is shown over the view; N hides it and shows it again.

#include "lessonscript.h"

#include <QObject>
#include <QPointer>

class QLabel;
class QWidget;

namespace wb::shell {

class MainWindow;

class LessonPresenter : public QObject
{
    Q_OBJECT
public:
    LessonPresenter(MainWindow &window, LessonScript script);
    ~LessonPresenter() override;

    const LessonScript &script() const { return m_script; }
    int current() const { return m_index; }
    int count() const { return static_cast<int>(m_script.slides.size()); }

    // Shows slide `index` (0-based) with the cursor at the start of its steps, or at their
    // end with `atEnd`. False with a sentence in *error (the slide's recording cannot be
    // opened, say); the window then shows what it showed before.
    bool showSlide(int index, bool atEnd = false, QString *error = nullptr);
    void next();
    void previous();
    void setBlank(bool blank);
    bool isBlank() const;
    // The note as shown over the view (for tests and screenshots).
    QString noteText() const;

protected:
    bool eventFilter(QObject *watched, QEvent *event) override;

private:
    void placeOverlays();
    qsizetype stepsEnd() const; // the last position of the slide's range on the trace now

    MainWindow &m_window;
    LessonScript m_script;
    int m_index = -1;
    bool m_stepping = false;
    qsizetype m_from = 0;
    qsizetype m_to = -1; // -1: to the end of the trace, however long it grows
    QPointer<QLabel> m_note;
    QPointer<QWidget> m_blank;
};

} // namespace wb::shell
