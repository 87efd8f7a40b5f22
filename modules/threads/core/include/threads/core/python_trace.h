#pragma once
// A real CPython program's threads, as the wbtrace tracer reports them (python/README.md,
// the `thread` lines), turned into the module's own events (events.h) so that the timeline,
// inspector and blocked-time views show them as they show the native runtime's, plus what
// the CLI prints: one record per traced operation and a summary.
//
// Mapping (python/README.md op -> events.h kind; primitives are named "Lock#1", "Queue#2"
// in the order the program first used them, threads numbered from 1 in the order they were
// first seen):
//   start (the new thread) -> start;  end -> exit;  join -> blocked (layer thread);
//   joined -> woken (reason "join");  acquire -> attempt (+ blocked when it had to wait);
//   acquired -> acquired;  release -> released;  wait -> wait (+ blocked, waiter, unless an
//   Event already set);  notified -> wait_return;  timeout -> timeout;  notify -> notify;
//   set / clear -> set / clear;  put / get -> put / get (items: as many as the queue then
//   holds), or blocked when the call had to wait first;  a `deadlock` line -> deadlock;
//   an `error` line -> error.  The starting thread's own `start` and the step-mode lines have
//   no event.
//
//     wb::Trace trace;
//     wb::threads::PythonThreads threads(&trace);
//     run.wait([&](const wb::pytrace::Json &e) { threads.add(e); });

#include "threads/core/events.h"

#include "workbench/core/python_trace.h"
#include "workbench/core/trace.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace wb::threads {

// One traced operation, as `workbench-cli threads trace-python --json` prints it.
struct PythonThreadOp
{
    std::string thread; // the Python thread's name (made unique with its ident if needed)
    std::int64_t ident = 0;
    int number = 0; // the thread's number in the trace
    std::string op;
    std::string primitive; // Lock, RLock, Condition, Semaphore, ..., Queue, Thread
    std::string name;      // "Lock#1"
    std::uint64_t obj = 0;
    std::int64_t line = 0;
    std::int64_t tNs = 0; // since the tracer started
    std::optional<bool> blocked;
    std::string role; // start: "parent" or "child"
};

struct PythonThreadSummary
{
    bool deadlock = false;
    std::vector<std::string> threads; // in the order first seen
    std::map<std::string, std::int64_t> maxBlockedNs;
    std::vector<PythonThreadOp> stuck; // what each thread was stuck in at a deadlock
};

class PythonThreads
{
public:
    explicit PythonThreads(wb::Trace *trace = nullptr) : m_trace(trace) {}

    // A tracer line; lines without a thread meaning are ignored.
    void add(const wb::pytrace::Json &line);

    const std::vector<PythonThreadOp> &ops() const { return m_ops; }
    PythonThreadSummary summary() const;

private:
    struct ThreadInfo
    {
        int number = 0;
        std::string name;
        std::optional<std::int64_t> blockedSince;
        std::int64_t maxBlocked = 0;
    };
    ThreadInfo &thread(std::int64_t ident, const std::string &name);
    // The thread, op, primitive, obj and line of a `thread` line or a deadlock's entry.
    PythonThreadOp opOf(const wb::pytrace::Json &line, std::int64_t tNs);
    std::string primitiveName(const std::string &kind, std::uint64_t obj);
    void record(const wb::pytrace::Json &line, const PythonThreadOp &op);
    template <class E> void emit(const E &e, const PythonThreadOp &op, const std::string &label);

    wb::Trace *m_trace;
    std::int64_t m_startNs = 0;
    std::string m_file;
    std::map<std::int64_t, ThreadInfo> m_threads;
    std::vector<std::int64_t> m_order;            // idents in the order first seen
    std::map<std::uint64_t, std::string> m_names; // obj -> "Lock#1"
    std::map<std::string, int> m_kindCounts;
    std::vector<PythonThreadOp> m_ops;
    bool m_deadlock = false;
    std::vector<PythonThreadOp> m_stuck;
};

} // namespace wb::threads
