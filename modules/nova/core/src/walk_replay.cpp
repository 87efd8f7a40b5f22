#include "nova/core/walk_replay.h"

#include "replay_fold.h"

#include "workbench/core/trace.h"

#include <algorithm>

namespace wb::nova {

void applyWalkEvent(WalkState &state, const wb::Event &e)
{
    using namespace events;
    using Walk = EventSet<Load, Chain, Rule, Return, Verdict>;
    Walk::visit(e, Overloaded{
                       [&](const Load &l) {
                           state.refusedLine = l.line;
                           state.rule.reset();
                           state.log.emplace_back(l);
                       },
                       [&](const Chain &c) {
                           state.refusedLine.reset();
                           state.rule.reset();
                           state.chains.push_back(c.chain);
                           state.log.emplace_back(c);
                       },
                       [&](const Rule &r) {
                           state.refusedLine.reset();
                           state.rule = r;
                           state.log.emplace_back(r);
                       },
                       [&](const Return &r) {
                           state.refusedLine.reset();
                           state.rule.reset();
                           if (!state.chains.empty())
                               state.chains.pop_back();
                           state.log.emplace_back(WalkReturn{r, e.label});
                       },
                       [&](const Verdict &v) {
                           if (!state.verdict)
                               state.verdict = v;
                           state.log.emplace_back(v);
                       },
                   });
}

WalkState walkStateAt(const wb::Trace &trace, std::size_t position)
{
    return detail::replayUpTo<WalkState>(trace, position, applyWalkEvent);
}

} // namespace wb::nova
