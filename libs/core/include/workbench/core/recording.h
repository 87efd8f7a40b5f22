#pragma once
// A recording: one run kept in a file, to be opened later, elsewhere, without running
// anything again. It holds which module and view made the run, the settings that produced it
// (scenario, seed, inputs, broker kind: whatever the module says), the whole trace and the
// cursor. Reading one never executes anything; it is data.
//
// The file format (version 1) is described in docs/recording-format.md: a short header in
// the clear (magic, format version, module, module version, event count) so that a reader
// can say what a file is and refuse it early, then the body compressed with zlib.
//
//     wb::Recording r{.module = "threads", .view = "timeline", .trace = trace};
//     r.settings = {{"scenario", "fetch-nolock"}, {"seed", "7"}};
//     if (!wb::writeRecording(path, r, overwrite, error)) ...   // whole, or not at all
//
//     wb::Recording back = wb::readRecording(path);              // throws RecordingError

#include "workbench/core/trace.h"

#include <cstdint>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace wb {

// The format this build writes, and the newest it reads.
inline constexpr std::uint16_t kRecordingFormat = 1;

struct Recording
{
    std::string module;        // "threads": the module id the shell knows
    std::string moduleVersion; // the version of the module that made the run
    std::string view;          // "timeline"
    std::vector<std::pair<std::string, std::string>> settings;
    std::shared_ptr<const Trace> trace; // never null in a recording read back
    std::uint64_t cursor = 0;           // the position the learner was at

    // The value of setting `key`, or `fallback`.
    std::string setting(std::string_view key, std::string fallback = {}) const;
};

// What the header says, readable without inflating the body.
struct RecordingHeader
{
    std::uint16_t format = 0;
    std::string module;
    std::string moduleVersion;
    std::uint64_t events = 0;
};

// A file that is not a recording, is truncated or corrupt, or comes from a newer format.
// what() is a sentence for the learner: "this recording is truncated (...)".
class RecordingError : public std::runtime_error
{
public:
    using std::runtime_error::runtime_error;
};

// The file's bytes for `recording`. Throws RecordingError if it has no trace.
std::vector<std::uint8_t> encodeRecording(const Recording &recording);
// The recording in `bytes`, whole, or a RecordingError: nothing is ever half read.
Recording decodeRecording(std::span<const std::uint8_t> bytes);
RecordingHeader decodeRecordingHeader(std::span<const std::uint8_t> bytes);

// Writes through wb::OutputFile (a temporary beside the target, then linked into place).
// False with a sentence in `error`; `usageError` tells a refused target (exit 2) from a
// failing system (exit 3).
bool writeRecording(const std::string &path, const Recording &recording, bool overwrite,
                    std::string &error, bool *usageError = nullptr);
// Throws RecordingError (a missing or unreadable file included).
Recording readRecording(const std::string &path);
RecordingHeader readRecordingHeader(const std::string &path);

} // namespace wb
