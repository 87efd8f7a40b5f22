#pragma once
// The launch as a sequence diagram: one lifeline per component, the topic exchange `nova` in
// the middle, and one row per message or piece of work, in the order the trace recorded them.
//
// A cast or a call is drawn in two legs, publisher -> exchange `nova` -> the consumer whose
// queue is bound with the routing key; a reply goes straight back (it travels through a direct
// exchange named after the call's _msg_id, not through `nova`). The libvirt driver's work on
// the compute host is a plain function call. Rows up to the cursor are drawn, the current one
// highlighted; the layout is fixed for the whole launch, so stepping never moves a row.

#include <QColor>
#include <QFont>
#include <QPalette>
#include <QScrollBar>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <vector>

class QPainter;

namespace wb {
class Trace;
}

namespace wb::nova::ui {

enum class RowKind { Cast, Call, Reply, Local, Driver };

struct DiagramRow
{
    qsizetype seq = 0; // the event's trace position
    RowKind kind = RowKind::Local;
    int n = 0; // the tutorial's step number (9: the spawn)
    int fromColumn = 0;
    int toColumn = 0;
    QString method;
    QString routingKey;
    QString detail; // local work: what was checked or done
    QString msgId;
};

struct Lifeline
{
    QString title;    // "nova-scheduler"
    QString subtitle; // "queue scheduler"
};

struct SequenceModel
{
    std::vector<Lifeline> lifelines;
    std::vector<DiagramRow> rows;
    int exchangeColumn = 0;

    // The rows of the cast/call/reply/local events at positions [begin, end) of the trace.
    void build(const wb::Trace &trace, qsizetype begin, qsizetype end);
    // The last row whose event is at a position below `cursor`, or -1.
    int currentRow(qsizetype cursor) const;
    // "cloud" -> its column; -1 for names that are not components.
    int columnOf(const QString &component) const;
};

QString rowKindName(RowKind k); // "cast", "call", "reply", "local", "driver"
// The colour of a kind of row's arrows and labels, readable on the palette's Base and Window
// (the rows and the legend); local work is drawn in the palette's lines colour.
QColor rowKindColor(RowKind k, const QPalette &pal);

class SequenceDiagram : public QWidget
{
    Q_OBJECT
public:
    explicit SequenceDiagram(QWidget *parent = nullptr);

    void setModel(SequenceModel model);
    const SequenceModel &model() const { return m_model; }
    // Events at positions < cursor have happened; the row of the last one is highlighted.
    void setCursor(qsizetype cursor);
    int highlightedRow() const { return m_current; }
    int drawnRows() const; // rows whose event is before the cursor
    QSize minimumSizeHint() const override;
    QSize sizeHint() const override { return {720, 420}; }
    // The labels the last paint drew and where: for checking that none overlap.
    const std::vector<QRectF> &labelRects() const { return m_labelRects; }

signals:
    void rowClicked(qsizetype seq);

protected:
    void changeEvent(QEvent *) override;
    void paintEvent(QPaintEvent *) override;
    void resizeEvent(QResizeEvent *) override;
    void wheelEvent(QWheelEvent *) override;
    void mousePressEvent(QMouseEvent *) override;

private:
    // Where the lifelines go: each column as wide as its header needs, the rest of the width
    // shared out evenly. The header fonts shrink (to a legible floor) and the subtitles give
    // way before a name would be cut.
    struct Columns
    {
        std::vector<double> centre, width;
        QFont title, subtitle;
        bool subtitles = true;
    };
    Columns layoutColumns(double usable) const;
    void relayout();
    double columnX(int column) const;
    double rowHeight(const DiagramRow &r) const;
    double contentHeight() const;
    double rowTop(int index) const;
    void updateScroll(bool follow);
    int headerHeight() const;
    int legendHeight() const;
    struct LegendItem
    {
        RowKind kind;
        QString name;
    };
    std::vector<LegendItem> legendItems() const;

    // What one paint needs: the palette's colours, the fonts, and where the header, the rows
    // and the legend go.
    struct PaintLayout
    {
        QPalette pal;
        QFont font, bold, small;
        QColor text, base, faded, lines, accent;
        double lh = 0;
        int head = 0, legend = 0;
        double right = 0, bodyTop = 0, bodyBottom = 0;
    };
    // Where a row is drawn, and whether it is the one at the cursor.
    struct RowBand
    {
        double top = 0, height = 0;
        bool current = false;
    };
    PaintLayout paintLayout() const;
    void drawLifelines(QPainter &p, const PaintLayout &l) const;
    void drawRows(QPainter &p, const PaintLayout &l);
    void drawPublishRow(QPainter &p, const PaintLayout &l, const DiagramRow &r,
                        const RowBand &band);
    void drawReplyRow(QPainter &p, const PaintLayout &l, const DiagramRow &r, const RowBand &band);
    void drawDriverRow(QPainter &p, const PaintLayout &l, const DiagramRow &r,
                       const RowBand &band);
    void drawLocalRow(QPainter &p, const PaintLayout &l, const DiagramRow &r, const RowBand &band);
    void drawHeaders(QPainter &p, const PaintLayout &l) const;
    void drawLegend(QPainter &p, const PaintLayout &l) const;
    // A cast's, call's or reply's label from `start`, with its step's badge.
    void drawArrowLabel(QPainter &p, const PaintLayout &l, const DiagramRow &r,
                        const RowBand &band, double start, const QString &words);
    // A row's label on an opaque backing (recorded in labelRects()); where it went.
    QRectF drawLabel(QPainter &p, const PaintLayout &l, QRectF want, const QString &s,
                     const QColor &c, bool strong);
    void drawBadge(QPainter &p, const PaintLayout &l, QPointF centre, int n,
                   const QColor &c) const;

    SequenceModel m_model;
    Columns m_columns;
    std::vector<double> m_rowTops;
    qsizetype m_cursor = 0;
    int m_current = -1;
    QScrollBar *m_scroll;
    std::vector<QRectF> m_labelRects;
};

} // namespace wb::nova::ui
