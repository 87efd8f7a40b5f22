#pragma once
// The embedded broker's disk: an append-only journal of durable definitions and persistent
// messages. Only what RabbitMQ keeps across a restart is written: durable exchanges,
// durable non-exclusive queues, bindings between a durable exchange and a durable queue,
// and persistent (delivery_mode 2) messages in durable queues.
//
// Record layout (little-endian): u32 payload length, u32 CRC-32 of the payload, payload.
// A crash can leave the last record short or with a bad checksum; load() keeps everything
// before it and ignores the rest, and open() rewrites the file without it.

#include "messaging/core/amqp.h"

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
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
    std::uint64_t records = 0;    // intact records read
    std::uint64_t ignoredBytes = 0; // torn or corrupt tail
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

    // Reads the journal file at `path`; a missing file is an empty image.
    static JournalImage load(const std::filesystem::path &path);

    // Replaces `path` with a compacted journal holding exactly `image` (written to a
    // temporary file, then renamed) and keeps it open for appending. False and a sentence
    // in *error when the folder cannot be written.
    bool open(const std::filesystem::path &path, const JournalImage &image, std::string *error);
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
};

} // namespace wb::messaging
