#include "workbench/ui/tracetable.h"
#include "workbench/ui/stepcontroller.h"

#include <QEvent>
#include <QFont>
#include <QHeaderView>
#include <QKeyEvent>
#include <QPalette>

#include <algorithm>

namespace wb::ui {

TraceModel::TraceModel(QObject *parent) : QAbstractTableModel(parent) {}

void TraceModel::setController(StepController *controller)
{
    if (m_controller)
        disconnect(m_controller, nullptr, this, nullptr);
    m_controller = controller;
    if (controller) {
        connect(controller, &StepController::traceReplaced, this, [this] {
            m_scanned = 0;
            m_hasThreads = false;
            resync();
        });
        connect(controller, &StepController::countChanged, this, &TraceModel::resync);
        connect(controller, &StepController::positionChanged, this,
                [this](qsizetype pos, qsizetype) {
                    const qsizetype old = m_position;
                    m_position = pos;
                    // Only the rows whose "done" shading changes are repainted.
                    const int a = static_cast<int>(std::min(old, pos));
                    const int b = static_cast<int>(std::max(old, pos));
                    if (m_rows > 0 && a < m_rows)
                        emit dataChanged(index(std::max(0, a - 1), 0),
                                         index(std::min(m_rows - 1, b), ColumnCount - 1));
                });
    }
    resync();
}

void TraceModel::resync()
{
    const int n = m_controller ? static_cast<int>(m_controller->count()) : 0;
    m_position = m_controller ? m_controller->position() : 0;
    if (n > m_rows) {
        beginInsertRows({}, m_rows, n - 1);
        m_rows = n;
        endInsertRows();
    } else if (n < m_rows) {
        beginResetModel();
        m_rows = n;
        m_scanned = 0;
        m_hasThreads = false;
        endResetModel();
    }
    scanThreads();
}

void TraceModel::scanThreads()
{
    const bool before = m_hasThreads;
    const auto trace = m_controller ? m_controller->trace() : nullptr;
    for (; trace && !m_hasThreads && m_scanned < m_rows; ++m_scanned)
        m_hasThreads = trace->at(static_cast<std::size_t>(m_scanned)).thread != 0;
    if (m_hasThreads != before || m_scanned == 0)
        emit hasThreadsChanged(m_hasThreads);
}

int TraceModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : m_rows;
}

int TraceModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TraceModel::data(const QModelIndex &index, int role) const
{
    if (!m_controller || !m_controller->trace() || index.row() >= m_rows)
        return {};
    const wb::Event &e = m_controller->trace()->at(static_cast<std::size_t>(index.row()));
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case Step:
            return static_cast<qulonglong>(e.seq + 1);
        case Thread:
            return e.thread ? QStringLiteral("T%1").arg(e.thread) : QString();
        case Kind:
            return QString::fromStdString(e.kind);
        case Label:
            return QString::fromStdString(e.label);
        }
    } else if (role == Qt::ForegroundRole && index.row() >= m_position) {
        // Events not applied yet are drawn faded: the table reads as "past | future".
        return QPalette().color(QPalette::Disabled, QPalette::Text);
    } else if (role == Qt::ToolTipRole && index.column() == Label) {
        return QStringLiteral("%1:%2")
            .arg(QString::fromStdString(std::string(e.where.fileName())))
            .arg(e.where.line);
    }
    return {};
}

QVariant TraceModel::headerData(int section, Qt::Orientation o, int role) const
{
    if (o != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Step:
        return tr("Step");
    case Thread:
        return tr("Thread");
    case Kind:
        return tr("Kind");
    case Label:
        return tr("What happened");
    }
    return {};
}

namespace {
// Rows and the narrow columns sized from the font, the header's bold one included, so
// presentation mode's larger type is never cut ("Threa…").
void sizeToFont(QTableView *view)
{
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    const QFontMetrics body = view->fontMetrics();
    QFont headerFont = view->horizontalHeader()->font();
    headerFont.setBold(true);
    const QFontMetrics header(headerFont);
    auto width = [&](const char *sample, const char *title) {
        return std::max(body.horizontalAdvance(QString::fromLatin1(sample)),
                        header.horizontalAdvance(QString::fromLatin1(title))) +
               body.averageCharWidth() * 2 + 8;
    };
    view->setColumnWidth(TraceModel::Step, width("0000000", "Step"));
    view->setColumnWidth(TraceModel::Thread, width("T00", "Thread"));
    view->setColumnWidth(TraceModel::Kind, width("merge_begin_xx", "Kind"));
}

class FollowsFont : public QObject
{
public:
    using QObject::QObject;
    bool eventFilter(QObject *o, QEvent *e) override
    {
        if (e->type() == QEvent::FontChange)
            if (auto *view = qobject_cast<QTableView *>(o))
                sizeToFont(view);
        return false;
    }
};
} // namespace

TraceTable::TraceTable(QWidget *parent) : QTableView(parent), m_model(new TraceModel(this))
{
    setModel(m_model);
    setSelectionBehavior(QAbstractItemView::SelectRows);
    setSelectionMode(QAbstractItemView::SingleSelection);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    // Tab reaches the table; the transport keeps Left, Right, Home, End and Space there (rows
    // are selected whole, so the table has no use for them).
    setFocusPolicy(Qt::StrongFocus);
    setTabKeyNavigation(false); // Tab goes on to the next control
    setAccessibleName(tr("Trace"));
    setAccessibleDescription(tr("Every recorded step: its number, its kind and what happened; "
                                "the selected row is the cursor"));
    setAlternatingRowColors(true);
    setWordWrap(false);
    verticalHeader()->hide();
    horizontalHeader()->setStretchLastSection(true);
    horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    sizeToFont(this);
    installEventFilter(new FollowsFont(this));
    setColumnHidden(TraceModel::Thread, true);
    connect(m_model, &TraceModel::hasThreadsChanged, this,
            [this](bool threads) { setColumnHidden(TraceModel::Thread, !threads); });
    connect(this, &QTableView::doubleClicked, this, [this](const QModelIndex &i) {
        if (m_controller)
            m_controller->seek(i.row() + 1);
    });
}

void TraceTable::setController(StepController *controller)
{
    if (m_controller)
        disconnect(m_controller, nullptr, this, nullptr);
    m_controller = controller;
    m_model->setController(controller);
    if (controller)
        connect(controller, &StepController::positionChanged, this, &TraceTable::follow);
    follow();
}

void TraceTable::keyPressEvent(QKeyEvent *event)
{
    QTableView::keyPressEvent(event);
    const int key = event->key();
    if (!m_controller || (key != Qt::Key_Up && key != Qt::Key_Down && key != Qt::Key_PageUp &&
                          key != Qt::Key_PageDown))
        return;
    const QModelIndex current = currentIndex();
    if (current.isValid() && current.row() + 1 != m_controller->position())
        m_controller->seek(current.row() + 1);
}

void TraceTable::follow()
{
    const qsizetype pos = m_controller ? m_controller->position() : 0;
    if (pos == 0) {
        clearSelection();
        scrollToTop();
        return;
    }
    const QModelIndex row = m_model->index(static_cast<int>(pos - 1), 0);
    selectionModel()->setCurrentIndex(row, QItemSelectionModel::ClearAndSelect |
                                               QItemSelectionModel::Rows);
    scrollTo(row, QAbstractItemView::PositionAtCenter);
}

} // namespace wb::ui
