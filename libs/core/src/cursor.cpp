#include "workbench/core/cursor.h"

#include <algorithm>

namespace wb {

bool StepCursor::forward()
{
    if (m_pos >= count())
        return false;
    ++m_pos;
    return true;
}

bool StepCursor::back()
{
    if (m_pos == 0)
        return false;
    --m_pos;
    return true;
}

void StepCursor::seek(std::size_t position)
{
    m_pos = std::min(position, count());
}

bool StepCursor::nextOfKind(std::string_view kind)
{
    // The event at index m_pos is the next one to apply.
    if (auto i = m_trace->findNext(kind, m_pos)) {
        m_pos = *i + 1;
        return true;
    }
    return false;
}

bool StepCursor::previousOfKind(std::string_view kind)
{
    // The event applied last is m_pos - 1; look strictly before it.
    if (m_pos < 2)
        return false;
    if (auto i = m_trace->findPrevious(kind, m_pos - 2)) {
        m_pos = *i + 1;
        return true;
    }
    return false;
}

const Event *StepCursor::current() const
{
    return m_pos == 0 ? nullptr : &m_trace->at(m_pos - 1);
}

} // namespace wb
