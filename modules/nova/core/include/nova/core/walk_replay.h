#pragma once
// A packet walk (walkPacket's trace) read back at a position: the chains entered and not yet
// left, the rule being matched (or the listing line iptables-restore stopped at), the
// verdict once reached, and the walk so far as typed entries for a log.

#include "nova/core/events.h"

#include <cstddef>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace wb {
class Trace;
}

namespace wb::nova {

// The end of a chain, with the sentence the walk recorded for it.
struct WalkReturn
{
    events::Return event;
    std::string label;
};

using WalkEntry =
    std::variant<events::Load, events::Chain, events::Rule, WalkReturn, events::Verdict>;

struct WalkState
{
    std::vector<std::string> chains; // FORWARD first
    // What the walk looks at now: the line iptables-restore refused (1-based), or a rule.
    std::optional<std::int64_t> refusedLine;
    std::optional<events::Rule> rule;
    std::optional<events::Verdict> verdict;
    std::vector<WalkEntry> log;
};

void applyWalkEvent(WalkState &state, const wb::Event &e);
// The state after the events at positions [0, position).
WalkState walkStateAt(const wb::Trace &trace, std::size_t position);

} // namespace wb::nova
