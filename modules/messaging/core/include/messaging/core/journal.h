#pragma once
// The embedded broker's disk: an append-only journal of durable definitions and persistent
// messages. Only what RabbitMQ keeps across a restart is written: durable exchanges,
// durable non-exclusive queues, bindings between a durable exchange and a durable queue,
// and persistent (delivery_mode 2) messages in durable queues.
//
// Record layout, version 2 (little-endian): u32 magic 0x02574AD3 (bytes D3 4A 57 02), u32
// payload length, u32 CRC-32 of the length's four bytes followed by the payload, payload.
// The magic lets a reader find the next record after a damaged one (a flipped length no
// longer sends it astray), and the CRC covering the length makes a damaged length visible.
// Version 1 files (u32 length, u32 CRC-32 of the payload, payload; no magic) are still read.
//
// load() never gives up at the first bad record: a bad record whose length leads exactly to
// the end of the file or to a record that verifies is skipped by its length; otherwise the
// reader moves on byte by byte to the next offset where a record verifies (magic, length
// within the file, CRC, and a payload that decodes). Every skipped range is reported.

#include "messaging/core/amqp.h"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace wb::messaging {

struct DurableExchange
{
    std::string name;
    ExchangeType type = ExchangeType::Direct;
    bool autoDelete = false;
    bool internal = false;
};

struct DurableQueue
{
    std::string name;
    bool autoDelete = false;
};

struct DurableBinding
{
    std::string exchange;
    std::string queue;
    std::string key;
    Headers arguments;
};

struct DurableMessage
{
    std::uint64_t id = 0; // one per (message, queue): a fanout to two queues writes two
    std::string queue;
    std::string exchange;
    std::string routingKey;
    Message message;
};

// The durable state a journal describes, in declaration order.
struct JournalImage
{
    std::vector<DurableExchange> exchanges;
    std::vector<DurableQueue> queues;
    std::vector<DurableBinding> bindings;
    std::vector<DurableMessage> messages; // ascending id: each queue's order
    std::uint64_t records = 0;            // intact records read
    std::uint64_t ignoredBytes = 0;       // bytes in `skipped`, summed
    struct Skipped
    {
        std::uint64_t offset = 0;
        std::uint64_t length = 0;
    };
    std::vector<Skipped> skipped; // damaged ranges, ascending offsets
    int version = 2;              // of the file read (a missing or empty file: 2)
    std::string error;            // non-empty: the file exists but could not be read

    // True when every byte of the file belonged to a record that verified.
    bool readWhole() const { return error.empty() && skipped.empty(); }
    // "recovered N records, skipped M bytes at offsets A (K bytes), B (L bytes)".
    std::string recoverySummary() const;
};

std::uint32_t crc32(const void *data, std::size_t size);

class Journal
{
public:
    static constexpr const char *kFileName = "messaging.journal";

    Journal() = default;
    Journal(const Journal &) = delete;
    Journal &operator=(const Journal &) = delete;
    ~Journal() { close(); }

    // Reads the journal file at `path` without changing it; a missing file is an empty
    // image. A path that exists but cannot be read whole (permissions, a directory, a device,
    // an I/O error) gives an image with `error` set, naming the path and the reason.
    static JournalImage load(const std::filesystem::path &path);
    // Decodes journal bytes (either version), recovering around damage as described above.
    static JournalImage parse(std::string_view data);

    // Replaces `path` with a compacted version-2 journal holding exactly `image` (written to
    // a temporary file, fsynced, then renamed over it) and keeps it open for appending. When
    // the image was not read whole, the file it came from is first kept under a new name,
    // `messaging.journal.damaged-YYYYMMDDTHHMMSSZ` (with `-N` added if that exists), which
    // asidePath() then returns. Never called for an image with `error` set. False and a
    // sentence in *error when the folder cannot be written; the original is then untouched.
    bool open(const std::filesystem::path &path, const JournalImage &image, std::string *error);
    const std::filesystem::path &asidePath() const { return m_aside; }
    void close();
    bool isOpen() const { return m_file != nullptr; }

    // Each call appends one record and hands it to the OS before returning (fflush), so a
    // crashed process loses nothing that was confirmed. No fsync: a power cut may.
    void declareExchange(const DurableExchange &e);
    void deleteExchange(const std::string &name);
    void declareQueue(const DurableQueue &q);
    void deleteQueue(const std::string &name);
    void bind(const DurableBinding &b);
    void unbind(const DurableBinding &b);
    void enqueue(const DurableMessage &m);
    void remove(std::uint64_t id);
    void purge(const std::string &queue);

    std::uint64_t bytesWritten() const { return m_bytes; }

private:
    void writeRecord(const std::string &payload);

    std::FILE *m_file = nullptr;
    std::uint64_t m_bytes = 0;
    std::filesystem::path m_aside;
};

} // namespace wb::messaging
