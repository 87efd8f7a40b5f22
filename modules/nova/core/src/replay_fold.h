#pragma once
// The state after the events at positions [0, position) of a trace, from a default State.

#include "workbench/core/trace.h"

#include <algorithm>
#include <cstddef>

namespace wb::nova::detail {

template <class State, class Apply>
State replayUpTo(const wb::Trace &trace, std::size_t position, Apply apply)
{
    State state;
    for (std::size_t i = 0; i < std::min(position, trace.size()); ++i)
        apply(state, trace.at(i));
    return state;
}

} // namespace wb::nova::detail
