#pragma once
// The lessons of the topic brief as runnable scenarios: real threads on the classic
// primitives, recorded into a wb::Trace, stoppable at any moment.
//
//     wb::Trace trace;
//     wb::threads::ScenarioRun run("condition", {.mode = Mode::Step, .seed = 7}, trace);
//     run.start();              // returns at once; the scenario runs on its own threads
//     ...                       // a GUI polls run.parked() and calls run.choose(n)
//     run.stop();               // any time; wait() then returns within 1 s
//     run.wait();
//     Summary s = run.summary();

#include "threads/core/runtime.h"

#include "workbench/core/trace.h"

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace wb::threads {

struct ScenarioInfo
{
    std::string id;
    std::string title;
    std::string lesson; // one sentence
};

// The scenario ids, in the order the brief presents them.
const std::vector<ScenarioInfo> &scenarios();
bool isScenario(std::string_view id);

struct ScenarioOptions
{
    Mode mode = Mode::Free;
    std::optional<std::uint64_t> seed; // step mode: seeds the chooser (default 0); values too
    bool manualChoice = false;         // step mode: the caller chooses through choose()
    std::chrono::nanoseconds pace{std::chrono::milliseconds(200)};      // paced mode
    std::chrono::nanoseconds realSecond{std::chrono::milliseconds(50)}; // free/paced modes
    std::string script; // playground: the program (playground.h); empty runs the first preset
};

struct Summary
{
    std::string scenario;
    std::optional<std::int64_t> maxConcurrentWriters; // fetch-*
    std::optional<std::int64_t> produced;             // condition, event, queue
    std::optional<std::int64_t> consumed;
    bool deadlock = false;
    std::vector<std::string> cycle; // thread names, in wait-for order
    std::string deadlockDescription;
    std::optional<std::string> error;     // the message of the error the scenario provokes
    std::optional<std::string> errorType; // its Python type
    bool stopped = false;                 // stopped by the user before the end
    std::vector<wb::Field> extra;         // scenario-specific facts (file, permits, ...)
};

class ScenarioRun
{
public:
    // Throws std::invalid_argument for an unknown id (see isScenario()), and its subclass
    // ScriptSyntaxError (playground.h) for a playground script with errors.
    ScenarioRun(std::string id, ScenarioOptions options, wb::Trace &trace);
    ~ScenarioRun(); // stops and waits
    ScenarioRun(const ScenarioRun &) = delete;
    ScenarioRun &operator=(const ScenarioRun &) = delete;

    void start(); // non-blocking
    void wait();  // until the scenario has finished (or been stopped)
    bool finished() const;
    void stop(); // non-blocking; threads are joined within 1 s

    // Step mode with manualChoice: who may go next, and letting one go.
    std::vector<ThreadInfo> parked() const;
    bool choose(int thread);
    std::vector<ThreadInfo> threads() const;

    // Brings the trace up to date with what the running threads have recorded (see
    // Runtime::flush); a live view calls it before reading the trace. Once finished() the
    // trace is complete without it.
    void flush();

    Summary summary() const; // complete once finished()
    std::vector<std::string> console() const;

    struct Shared; // the state scenario code and the controller share

private:
    std::shared_ptr<Shared> m_shared;
    std::thread m_driver;
};

// Runs a scenario to its end on the calling thread (the CLI's and the tests' entry point).
Summary runScenario(const std::string &id, const ScenarioOptions &options, wb::Trace &trace);

} // namespace wb::threads
