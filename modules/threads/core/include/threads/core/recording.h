#pragma once
// What a recording of a threads run keeps besides its trace, written the same way by the
// views (File > Save Recording) and by `workbench-cli threads run ... --record FILE`:
//
//     scenario   the scenario id: "fetch-nolock", "playground", ...
//     mode       "free", "step" (a seeded chooser) or "manual" (step mode, the learner chose)
//     seed       the chooser's seed; present when the run was given one
//     script     the playground's script; only for the playground
//     summary    how the run ended (encodeSummary), absent for a run kept while still going
//
// A real CPython program traced by `workbench-cli threads trace-python SCRIPT --record FILE`
// has no scenario; its settings are, in this order:
//
//     source     "python"
//     script     the program's text
//     python     the CPython version that ran it ("3.11.2")
//     mode       "free" or "step"
//     seed       the step mode's seed; only in step mode
//
// Reading these back never runs anything: the trace holds the interleaving that was chosen.

#include "threads/core/scenarios.h"

#include "workbench/core/trace.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wb::threads {

using RecordingSettings = std::vector<std::pair<std::string, std::string>>;

// The scheduling of a recorded run, as the settings name it.
enum class RecordedMode { Free, Step, Manual };
const char *toString(RecordedMode mode);
std::optional<RecordedMode> recordedModeFromString(std::string_view text);

struct RecordedRun
{
    std::string source;   // "" for a scenario of this workbench, "python" for a traced program
    std::string python;   // the CPython version, for source "python"
    std::string scenario; // empty for source "python"
    RecordedMode mode = RecordedMode::Step;
    std::optional<std::uint64_t> seed;
    std::string script; // the playground's or the Python program's; ignored otherwise
    std::optional<Summary> summary;
};

// The settings of `run`, keys in the order above.
RecordingSettings recordingSettings(const RecordedRun &run);
// The run `settings` describe; nullopt with a sentence in `error` for a missing scenario, an
// unknown scenario, mode, source or key, a seed that is not a number, a summary that does not
// read, or a Python recording without its script, with a scenario or with a manual mode.
std::optional<RecordedRun> readRecordingSettings(const RecordingSettings &settings,
                                                 std::string &error);

// The longest Python program a recording may hold.
inline constexpr std::size_t kMaxPythonScriptBytes = 1024 * 1024;

// A summary as text (one "key=value" line per fact, values escaped) and back.
std::string encodeSummary(const Summary &summary);
std::optional<Summary> decodeSummary(std::string_view text);

// True for an event of a declared threads kind that reads back with all its fields.
bool isThreadsEvent(const wb::Event &event);

} // namespace wb::threads
