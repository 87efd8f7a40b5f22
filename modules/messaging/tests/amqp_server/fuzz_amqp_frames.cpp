// Fuzz target: the AMQP server's frame reader (wire::readFrame, wire::inspectFrame in
// messaging/core/amqp_server.h), the first code a client's bytes reach.
//
// Invariants:
// - the reader never needs more than frame_max bytes of one frame: with at least frame_max
//   bytes in hand it returns a frame or an error, never "need more";
// - a frame it returns lies within the bytes given, its size is payload + 8 <= frame_max;
// - errors are 501 FRAME_ERROR; a payload's check is 0, 501 (heartbeat off channel 0),
//   502 SYNTAX_ERROR or 503 COMMAND_INVALID, never anything else, and whatever rabbitmq-c
//   decodes and encodes again decodes and encodes to the same bytes;
// - reading the input as a stream (frames one after the other, as the server does) and
//   reading it again in two pieces split at any point gives the same frames.
// The first input byte chooses frame_max (4096, 8192, 16384 or 131072).

#include "fuzz_support.h"

#include "messaging/core/amqp_server.h"

#include <string>
#include <string_view>
#include <vector>

namespace {

using namespace wb::messaging::wire;

struct Seen
{
    FrameType type;
    std::uint16_t channel;
    std::string payload;
    bool operator==(const Seen &) const = default;
};

// Reads frames off `bytes` until it needs more or meets an error; returns what it read and
// how many bytes that took.
std::vector<Seen> readAll(std::string_view bytes, std::uint32_t frameMax, bool &error,
                          std::size_t &used)
{
    std::vector<Seen> out;
    error = false;
    used = 0;
    for (;;) {
        const std::string_view rest = bytes.substr(used);
        const FrameRead r = readFrame(rest, frameMax);
        if (r.status == ReadStatus::NeedMore) {
            FUZZ_CHECK(rest.size() < frameMax);
            return out;
        }
        if (r.status == ReadStatus::Error) {
            FUZZ_CHECK(r.code == 501 && !r.text.empty());
            error = true;
            return out;
        }
        FUZZ_CHECK(r.consumed == r.frame.payload.size() + 8 && r.consumed <= frameMax);
        FUZZ_CHECK(r.frame.payload.data() == rest.data() + 7);
        const FrameCheck c = inspectFrame(r.frame);
        FUZZ_CHECK(c.code == 0 || c.code == 501 || c.code == 502 || c.code == 503);
        FUZZ_CHECK(c.code == 0 || !c.text.empty());
        FUZZ_CHECK(c.roundTrips);
        out.push_back({r.frame.type, r.frame.channel, std::string(r.frame.payload)});
        used += r.consumed;
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size == 0)
        return 0;
    static constexpr std::uint32_t kFrameMax[] = {4096, 8192, 16384, 131072};
    const std::uint32_t frameMax = kFrameMax[data[0] % 4];
    const std::string_view bytes(reinterpret_cast<const char *>(data + 1), size - 1);
    (void)checkProtocolHeader(bytes);

    bool error = false;
    std::size_t used = 0;
    const auto whole = readAll(bytes, frameMax, error, used);

    // The same bytes arriving in two pieces: the first piece's frames, then the rest
    // continued from where the first piece left off.
    const std::size_t cut = size > 2 ? data[1] % bytes.size() : 0;
    bool error1 = false, error2 = false;
    std::size_t used1 = 0, used2 = 0;
    auto split = readAll(bytes.substr(0, cut), frameMax, error1, used1);
    if (!error1) {
        const auto more = readAll(bytes.substr(used1), frameMax, error2, used2);
        split.insert(split.end(), more.begin(), more.end());
        FUZZ_CHECK(error2 == error);
        FUZZ_CHECK(used1 + used2 == used);
    }
    FUZZ_CHECK(split.size() <= whole.size());
    for (std::size_t i = 0; i < split.size(); ++i)
        FUZZ_CHECK(split[i] == whole[i]);
    if (!error1)
        FUZZ_CHECK(split.size() == whole.size());
    return 0;
}
