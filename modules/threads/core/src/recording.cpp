#include "threads/core/recording.h"

#include "threads/core/events.h"
#include "threads/core/playground.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace wb::threads {

namespace {

// Backslash, newline and carriage return escaped, so that every fact stays on one line.
std::string escape(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        if (c == '\\')
            out += "\\\\";
        else if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else
            out += c;
    }
    return out;
}

std::optional<std::string> unescape(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '\\') {
            out += text[i];
            continue;
        }
        if (++i == text.size())
            return std::nullopt;
        switch (text[i]) {
        case '\\':
            out += '\\';
            break;
        case 'n':
            out += '\n';
            break;
        case 'r':
            out += '\r';
            break;
        default:
            return std::nullopt;
        }
    }
    return out;
}

template <class T> std::optional<T> number(std::string_view text)
{
    T v{};
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size())
        return std::nullopt;
    return v;
}

void line(std::string &out, std::string_view key, std::string_view value)
{
    out.append(key).append("=").append(escape(value)).append("\n");
}

} // namespace

const char *toString(RecordedMode mode)
{
    switch (mode) {
    case RecordedMode::Free:
        return "free";
    case RecordedMode::Step:
        return "step";
    case RecordedMode::Manual:
        return "manual";
    }
    return "step";
}

std::optional<RecordedMode> recordedModeFromString(std::string_view text)
{
    if (text == "free")
        return RecordedMode::Free;
    if (text == "step")
        return RecordedMode::Step;
    if (text == "manual")
        return RecordedMode::Manual;
    return std::nullopt;
}

RecordingSettings recordingSettings(const RecordedRun &run)
{
    RecordingSettings s;
    if (run.source == "python") {
        // The order `workbench-cli threads trace-python --record` writes.
        s.emplace_back("source", run.source);
        s.emplace_back("script", run.script);
        s.emplace_back("python", run.python);
        s.emplace_back("mode", toString(run.mode));
        if (run.seed)
            s.emplace_back("seed", std::to_string(*run.seed));
        return s;
    }
    s.emplace_back("scenario", run.scenario);
    s.emplace_back("mode", toString(run.mode));
    if (run.seed)
        s.emplace_back("seed", std::to_string(*run.seed));
    if (run.scenario == "playground")
        s.emplace_back("script", run.script);
    if (run.summary)
        s.emplace_back("summary", encodeSummary(*run.summary));
    return s;
}

std::optional<RecordedRun> readRecordingSettings(const RecordingSettings &settings,
                                                 std::string &error)
{
    RecordedRun run;
    bool haveScenario = false;
    bool haveScript = false;
    bool haveSource = false;
    bool havePython = false;
    for (const auto &[key, value] : settings) {
        if (key == "source") {
            if (value != "python") {
                error = "the recording's source \"" + value.substr(0, 20) +
                        "\" is none the threads views know (only \"python\", a traced "
                        "CPython program)";
                return std::nullopt;
            }
            run.source = value;
            haveSource = true;
        } else if (key == "python") {
            run.python = value.substr(0, 40);
            havePython = true;
        } else if (key == "scenario") {
            if (!isScenario(value)) {
                error = "the recording names a scenario this workbench does not have (\"" +
                        value.substr(0, 40) + "\")";
                return std::nullopt;
            }
            run.scenario = value;
            haveScenario = true;
        } else if (key == "mode") {
            const auto mode = recordedModeFromString(value);
            if (!mode) {
                error = "the recording's mode \"" + value.substr(0, 20) +
                        "\" is none of free, step or manual";
                return std::nullopt;
            }
            run.mode = *mode;
        } else if (key == "seed") {
            const auto seed = number<std::uint64_t>(value);
            if (!seed) {
                error = "the recording's seed \"" + value.substr(0, 20) + "\" is not a number";
                return std::nullopt;
            }
            run.seed = *seed;
        } else if (key == "script") {
            run.script = value; // its length is checked below, once the source is known
            haveScript = true;
        } else if (key == "summary") {
            run.summary = decodeSummary(value);
            if (!run.summary) {
                error = "the recording's summary of how the run ended does not read";
                return std::nullopt;
            }
        } else if (key != "unit") { // the blocked-time view's unit, read by that view
            error = "the recording has a setting \"" + key.substr(0, 40) +
                    "\" the threads views do not know";
            return std::nullopt;
        }
    }
    if (haveSource) {
        if (haveScenario) {
            error = "the recording is of a Python program and also names a scenario";
            return std::nullopt;
        }
        if (!haveScript) {
            error = "the recording of a Python program does not hold the program's script";
            return std::nullopt;
        }
        if (run.script.size() > kMaxPythonScriptBytes) {
            error = "the recording's Python program is longer than a recording may hold";
            return std::nullopt;
        }
        if (run.mode == RecordedMode::Manual) {
            error = "a traced Python program runs free or in step mode, never manual";
            return std::nullopt;
        }
        return run;
    }
    if (havePython) {
        error = "the recording has a setting \"python\" but is not of a Python program";
        return std::nullopt;
    }
    if (!haveScenario) {
        error = "the recording does not say which scenario ran";
        return std::nullopt;
    }
    if (run.script.size() > kMaxScriptBytes) {
        error = "the recording's playground script is longer than a script may be";
        return std::nullopt;
    }
    return run;
}

std::string encodeSummary(const Summary &s)
{
    std::string out;
    line(out, "scenario", s.scenario);
    if (s.maxConcurrentWriters)
        line(out, "max_concurrent_writers", std::to_string(*s.maxConcurrentWriters));
    if (s.produced)
        line(out, "produced", std::to_string(*s.produced));
    if (s.consumed)
        line(out, "consumed", std::to_string(*s.consumed));
    line(out, "deadlock", s.deadlock ? "1" : "0");
    for (const auto &name : s.cycle)
        line(out, "cycle", name);
    if (!s.deadlockDescription.empty())
        line(out, "deadlock_description", s.deadlockDescription);
    if (s.error)
        line(out, "error", *s.error);
    if (s.errorType)
        line(out, "error_type", *s.errorType);
    line(out, "stopped", s.stopped ? "1" : "0");
    for (const auto &f : s.extra) {
        const std::string key = escape(f.key);
        if (key.find('=') != std::string::npos)
            continue; // not a key this encoding can keep (the scenarios use none)
        if (auto i = std::get_if<std::int64_t>(&f.value))
            line(out, "x.i." + key, std::to_string(*i));
        else if (auto u = std::get_if<std::uint64_t>(&f.value))
            line(out, "x.u." + key, std::to_string(*u));
        else if (auto b = std::get_if<bool>(&f.value))
            line(out, "x.b." + key, *b ? "1" : "0");
        else if (auto t = std::get_if<std::string>(&f.value))
            line(out, "x.s." + key, *t);
        else if (auto d = std::get_if<double>(&f.value)) {
            char buf[40];
            std::snprintf(buf, sizeof buf, "%.17g", *d);
            line(out, "x.d." + key, buf);
        }
    }
    return out;
}

std::optional<Summary> decodeSummary(std::string_view text)
{
    Summary s;
    auto flag = [](std::string_view v) -> std::optional<bool> {
        if (v == "1")
            return true;
        if (v == "0")
            return false;
        return std::nullopt;
    };
    while (!text.empty()) {
        const auto end = text.find('\n');
        if (end == std::string_view::npos)
            return std::nullopt; // every fact ends its line
        const std::string_view entry = text.substr(0, end);
        text.remove_prefix(end + 1);
        const auto eq = entry.find('=');
        if (eq == std::string_view::npos)
            return std::nullopt;
        const std::string_view key = entry.substr(0, eq);
        const auto value = unescape(entry.substr(eq + 1));
        if (!value)
            return std::nullopt;
        const std::string &v = *value;
        if (key == "scenario")
            s.scenario = v;
        else if (key == "max_concurrent_writers" || key == "produced" || key == "consumed") {
            const auto n = number<std::int64_t>(v);
            if (!n)
                return std::nullopt;
            (key == "produced"   ? s.produced
             : key == "consumed" ? s.consumed
                                 : s.maxConcurrentWriters) = *n;
        } else if (key == "deadlock" || key == "stopped") {
            const auto b = flag(v);
            if (!b)
                return std::nullopt;
            (key == "deadlock" ? s.deadlock : s.stopped) = *b;
        } else if (key == "cycle")
            s.cycle.push_back(v);
        else if (key == "deadlock_description")
            s.deadlockDescription = v;
        else if (key == "error")
            s.error = v;
        else if (key == "error_type")
            s.errorType = v;
        else if (key.size() > 4 && key.substr(0, 2) == "x." && key[3] == '.') {
            const auto name = unescape(key.substr(4));
            if (!name)
                return std::nullopt;
            switch (key[2]) {
            case 'i':
                if (auto n = number<std::int64_t>(v))
                    s.extra.emplace_back(*name, *n);
                else
                    return std::nullopt;
                break;
            case 'u':
                if (auto n = number<std::uint64_t>(v))
                    s.extra.emplace_back(*name, *n);
                else
                    return std::nullopt;
                break;
            case 'b':
                if (auto b = flag(v))
                    s.extra.emplace_back(*name, wb::Value(*b));
                else
                    return std::nullopt;
                break;
            case 's':
                s.extra.emplace_back(*name, wb::Value(v));
                break;
            case 'd': {
                char *stop = nullptr;
                const double d = std::strtod(v.c_str(), &stop);
                if (v.empty() || stop != v.c_str() + v.size())
                    return std::nullopt;
                s.extra.emplace_back(*name, wb::Value(d));
                break;
            }
            default:
                return std::nullopt;
            }
        } else
            return std::nullopt;
    }
    return s;
}

bool isThreadsEvent(const wb::Event &event)
{
    try {
        return events::ThreadsEvents::visit(event, [](const auto &) {});
    } catch (const wb::EventFieldError &) {
        return false;
    }
}

} // namespace wb::threads
