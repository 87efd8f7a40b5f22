// The threads module's events as declared in events.h: every event the Runtime records (each
// compact form once decoded, and the ready-made events of errors, deadlocks and barriers)
// reads back as its declared struct and writes out again field for field, every declared
// kind is recorded by some run, a missing field is an error, and the README's table names the
// same fields.
#include "threads/core/events.h"
#include "threads/core/playground.h"
#include "threads/core/runtime.h"
#include "threads/core/scenarios.h"
#include "threads/core/state.h"

#include "workbench/core/event_contract.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

using namespace wb::threads;

namespace {

using events::ThreadsEvents;

void expectRoundTrip(const wb::Event &e, std::set<std::string> &seen)
{
    EXPECT_EQ(wb::contract::roundTripMismatch<ThreadsEvents>(e), "") << e.label;
    seen.insert(e.kind);
}

void expectAllRoundTrip(const wb::Trace &trace, std::set<std::string> &seen)
{
    for (std::size_t i = 0; i < trace.size(); ++i)
        expectRoundTrip(trace[i], seen);
}

// A playground script for the forms the lessons do not reach: a refused `nowait` on a Lock
// and on a Semaphore, a Lock's and a Condition's timed-out wait (on its own RLock, with
// release_save and acquire_restore), an Event's timed-out wait, a barrier that lets two
// threads pass and one that breaks.
constexpr const char *kEveryForm = "lock A\n"
                                   "rlock R\n"
                                   "semaphore S 1\n"
                                   "condition C\n"
                                   "event E\n"
                                   "barrier B 2\n"
                                   "barrier X 2\n"
                                   "T1: acquire A; acquire S; acquire R; acquire R; release R\n"
                                   "T1: release R; sleep 20; release S; release A\n"
                                   "T2: sleep 5; acquire A nowait; acquire A timeout 5\n"
                                   "T2: acquire S nowait; wait B; wait X timeout 5\n"
                                   "T3: sleep 5; wait B; acquire C; wait C timeout 5; release C\n"
                                   "T3: wait E timeout 5\n";

TEST(ThreadsEvents, EveryRecordedEventRoundTrips)
{
    std::set<std::string> seen;
    for (const auto &s : scenarios()) {
        for (std::uint64_t seed : {0u, 1u, 2u}) {
            wb::Trace trace;
            ScenarioOptions o;
            o.mode = Mode::Step;
            o.seed = seed;
            runScenario(s.id, o, trace);
            expectAllRoundTrip(trace, seen);
        }
        // Free mode: the same primitives on the paths that really wait.
        wb::Trace trace;
        ScenarioOptions o;
        o.realSecond = std::chrono::milliseconds(5);
        runScenario(s.id, o, trace);
        expectAllRoundTrip(trace, seen);
    }
    for (const auto &p : scriptPresets()) {
        wb::Trace trace;
        ScenarioOptions o;
        o.mode = Mode::Step;
        o.script = p.script;
        runScenario("playground", o, trace);
        expectAllRoundTrip(trace, seen);
    }
    for (std::uint64_t seed : {0u, 1u, 2u, 3u}) {
        wb::Trace trace;
        ScenarioOptions o;
        o.mode = Mode::Step;
        o.seed = seed;
        o.script = kEveryForm;
        runScenario("playground", o, trace);
        expectAllRoundTrip(trace, seen);
    }
    EXPECT_EQ(seen,
              std::set<std::string>(ThreadsEvents::kinds.begin(), ThreadsEvents::kinds.end()));
}

// Each compact form, recorded directly and decoded: a declared kind, and it reads back as its
// struct field for field (the decoder builds the fields without the struct).
TEST(ThreadsEvents, EveryCompactFormDecodesToItsDeclaredStruct)
{
    wb::Trace trace;
    Runtime rt(&trace);
    const PrimitiveRef ref = rt.ref(rt.addPrimitive("prim", "Lock"));
    const std::vector<std::int64_t> list = {4, 5};
    int forms = 0;
    for (int f = int(Form::Generic) + 1; f <= int(Form::QueueJoin); ++f, ++forms) {
        const Form form = static_cast<Form>(f);
        EXPECT_TRUE(ThreadsEvents::contains(kindOf(form))) << f << ": " << kindOf(form);
        if (form == Form::Print || form == Form::Write)
            rt.recordText(form, ref, {1, 2, 3}, "text");
        else
            rt.recordList(form, ref, {1, 2, 3}, list);
    }
    rt.flush();
    ASSERT_EQ(trace.size(), std::size_t(forms));
    std::set<std::string> seen;
    for (std::size_t i = 0; i < trace.size(); ++i) {
        EXPECT_EQ(trace[i].kind, kindOf(static_cast<Form>(i + 1)));
        expectRoundTrip(trace[i], seen);
    }
}

TEST(ThreadsEvents, AMissingFieldIsAnErrorNotZero)
{
    wb::Trace trace;
    ScenarioOptions o;
    o.mode = Mode::Step;
    o.seed = 0;
    runScenario("condition", o, trace);
    auto blocked = trace.findNext("blocked", 0);
    ASSERT_TRUE(blocked);
    wb::Event e = trace[*blocked];
    ASSERT_TRUE(wb::as<events::Blocked>(e));
    std::erase_if(e.fields, [](const wb::Field &f) { return f.key == "waiter"; });
    EXPECT_THROW(wb::as<events::Blocked>(e), wb::EventFieldError);
    ThreadsState s;
    EXPECT_THROW(applyThreadsEvent(s, e), wb::EventFieldError);
}

TEST(ThreadsEvents, TheStringBasedRecorderTakesDeclaredKindsOnly)
{
    wb::Trace trace;
    Runtime rt(&trace);
    const PrimitiveRef ref = rt.ref(rt.addPrimitive("lock", "Lock"));
    rt.record("busy", ref, "Thread-1 finds lock locked", {{"value", 0}, {"locked", true}});
    EXPECT_THROW(rt.record("acquried", ref, "misspelled", {{"value", 0}}), std::invalid_argument);
    rt.flush();
    ASSERT_EQ(trace.size(), 1u);
    const auto busy = wb::as<events::Busy>(trace[0]);
    ASSERT_TRUE(busy);
    EXPECT_EQ(busy->primitive, "lock");
    EXPECT_EQ(busy->layer, "Lock");
    EXPECT_EQ(busy->locked, true);
}

TEST(ThreadsEvents, TheReadmeTableMatchesTheDeclarations)
{
    const auto tables = wb::contract::readEventTables(WB_THREADS_README);
    ASSERT_EQ(tables.size(), 1u) << "the README's event table";
    // Every event starts with primitive and layer (the README says so once, above its
    // table); the table lists the fields after them, "—" for none.
    ThreadsEvents::forEachType([](auto t) {
        using E = typename decltype(t)::type;
        const auto info = wb::fieldInfo<E>();
        ASSERT_GE(info.size(), 2u) << E::kind;
        EXPECT_EQ(info[0], (wb::FieldInfo{"primitive", false})) << E::kind;
        EXPECT_EQ(info[1], (wb::FieldInfo{"layer", false})) << E::kind;
    });
    EXPECT_EQ(tables[0], wb::contract::declaredTable<ThreadsEvents>(2, "—"));
}

} // namespace
