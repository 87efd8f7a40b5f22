#pragma once
// What a view draws at a cursor position, rebuilt from the trace alone:
//
//     wb::Replayer<ThreadsState> replay(trace, {}, applyThreadsEvent);
//     const ThreadsState &s = replay.stateAt(cursor.position());
//
// Every event of the threads core carries the state of its primitive after the event
// (value, owner, count, waiters, flag, items, unfinished), so applying events one by one
// is enough; nothing is re-executed.

#include "threads/core/runtime.h"

#include "workbench/core/trace.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace wb::threads {

struct ThreadView
{
    int number = 0;
    std::string name;
    ThreadState state = ThreadState::Starting;
    std::string on;   // primitive it is blocked or waiting on
    std::string file; // source of its latest event (one highlight per thread)
    std::uint32_t line = 0;
    std::int64_t lastSeq = -1;
};

struct PrimitiveView
{
    std::string name;
    std::string layer;
    std::int64_t value = -1; // sem_t value (Lock) or Semaphore value; -1 unknown
    bool locked = false;
    std::int64_t owner = -1;           // RLock owner thread
    std::int64_t count = 0;            // RLock recursion count
    std::vector<std::int64_t> waiters; // Condition: waiter lock ids, oldest first
    bool flag = false;                 // Event
    std::vector<std::int64_t> items;   // Queue
    std::int64_t unfinished = 0;       // Queue
    std::int64_t lastSeq = -1;
};

struct ThreadsState
{
    std::map<int, ThreadView> threads;
    std::map<std::string, PrimitiveView> primitives;
    std::vector<std::string> console;
    std::string file;             // the fetch scenarios' output.txt
    std::vector<int> fileWriters; // thread that wrote each byte of `file`
    bool deadlock = false;
    std::vector<std::int64_t> cycle; // a cycle, or every stuck thread when deadlockGlobal
    bool deadlockGlobal = false;
};

void applyThreadsEvent(ThreadsState &state, const wb::Event &event);

} // namespace wb::threads
