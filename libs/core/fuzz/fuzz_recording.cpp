// Fuzz target: the recording reader (workbench/core/recording.h), which opens files a
// learner was handed by someone else.
//
// Invariants:
// - any bytes either decode to a whole recording or throw RecordingError; nothing else
//   escapes, nothing crashes, and no more memory is taken than the body the header announces;
// - a decoded recording has a trace, as many events as its header says and a cursor within
//   them, and writing it again reads back the same;
// - a recording built from the input (events of every value type, odd names, threads, times)
//   reads back field for field; any cut of its file is refused, and any byte changed in it
//   is refused or changes nothing that is read.
// The first input byte chooses: odd, the rest is read as a file; even, it describes a
// recording to build (the checksums would stop most random files at the header).

#include "fuzz_support.h"

#include "workbench/core/recording.h"

#include <string>

namespace {

void sameRecording(const wb::Recording &a, const wb::Recording &b)
{
    FUZZ_CHECK(a.module == b.module && a.moduleVersion == b.moduleVersion);
    FUZZ_CHECK(a.view == b.view && a.settings == b.settings && a.cursor == b.cursor);
    FUZZ_CHECK(a.trace && b.trace && a.trace->size() == b.trace->size());
    for (std::size_t i = 0; i < a.trace->size(); ++i) {
        const wb::Event &x = a.trace->at(i), &y = b.trace->at(i);
        FUZZ_CHECK(x.seq == y.seq && x.tNs == y.tNs && x.thread == y.thread);
        FUZZ_CHECK(x.kind == y.kind && x.label == y.label);
        FUZZ_CHECK(std::string(x.where.file) == y.where.file && x.where.line == y.where.line);
        FUZZ_CHECK(std::string(x.where.function) == y.where.function);
        FUZZ_CHECK(x.fields.size() == y.fields.size());
        for (std::size_t f = 0; f < x.fields.size(); ++f)
            FUZZ_CHECK(x.fields[f].key == y.fields[f].key &&
                       x.fields[f].value == y.fields[f].value);
    }
}

std::string text(wb::fuzz::InputReader &in)
{
    const auto bytes = in.take(in.byte() % 24);
    return std::string(bytes.begin(), bytes.end());
}

wb::Value value(wb::fuzz::InputReader &in)
{
    switch (in.byte() % 8) {
    case 0:
        return {};
    case 1:
        return (in.byte() & 1) != 0;
    case 2:
        return static_cast<std::int64_t>(std::uint64_t{in.u16()} << 48 | in.u16());
    case 3:
        return std::uint64_t{in.u16()} << 40 | in.u16();
    case 4:
        return static_cast<double>(static_cast<std::int16_t>(in.u16())) / 7.0;
    case 5:
        return text(in);
    case 6: {
        std::vector<std::int64_t> v(in.byte() % 6);
        for (auto &i : v)
            i = static_cast<std::int64_t>(in.u16()) - 30000;
        return v;
    }
    default: {
        const auto bytes = in.take(in.byte() % 16);
        return std::vector<std::uint8_t>(bytes.begin(), bytes.end());
    }
    }
}

void buildAndCheck(wb::fuzz::InputReader &in)
{
    auto trace = std::make_shared<wb::Trace>();
    const int events = in.byte() % 40;
    for (int e = 0; e < events; ++e) {
        std::vector<wb::Field> fields;
        const int n = in.byte() % 5;
        for (int f = 0; f < n; ++f) {
            std::string key = text(in);
            fields.emplace_back(std::move(key), value(in));
        }
        std::string kind = text(in);
        std::string label = text(in);
        trace->add(std::move(kind), std::move(label), std::move(fields),
                   static_cast<std::int16_t>(in.u16()));
    }
    wb::Recording r;
    r.module = "m" + text(in);
    r.moduleVersion = text(in);
    r.view = text(in);
    const int settings = in.byte() % 4;
    for (int s = 0; s < settings; ++s) {
        std::string key = text(in);
        r.settings.emplace_back(std::move(key), text(in));
    }
    r.cursor = in.u16();
    r.trace = trace;
    const std::vector<std::uint8_t> file = wb::encodeRecording(r);
    const wb::Recording back = wb::decodeRecording(file);
    r.cursor = std::min<std::uint64_t>(r.cursor, trace->size());
    sameRecording(r, back);

    // Any cut, and a byte changed anywhere, is refused.
    const std::size_t cut = (std::size_t{in.u16()}) % file.size();
    bool refused = false;
    try {
        wb::decodeRecording(std::span(file).first(cut));
    } catch (const wb::RecordingError &) {
        refused = true;
    }
    FUZZ_CHECK(refused);
    // A byte changed anywhere is refused, or (the compressed stream's unused padding bits)
    // changes nothing that is read.
    auto damaged = file;
    damaged[in.u16() % damaged.size()] ^= static_cast<std::uint8_t>(in.byte() | 1);
    try {
        sameRecording(r, wb::decodeRecording(damaged));
    } catch (const wb::RecordingError &) {
    }
}

void readAndCheck(std::span<const std::uint8_t> bytes)
{
    wb::Recording r;
    try {
        r = wb::decodeRecording(bytes);
    } catch (const wb::RecordingError &e) {
        FUZZ_CHECK(*e.what() != '\0');
        return;
    }
    FUZZ_CHECK(r.trace);
    FUZZ_CHECK(wb::decodeRecordingHeader(bytes).events == r.trace->size());
    FUZZ_CHECK(r.cursor <= r.trace->size());
    sameRecording(r, wb::decodeRecording(wb::encodeRecording(r)));
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return 0;
    if (data[0] & 1) {
        readAndCheck(std::span(data + 1, size - 1));
    } else {
        wb::fuzz::InputReader in(data + 1, size - 1);
        buildAndCheck(in);
    }
    return 0;
}
