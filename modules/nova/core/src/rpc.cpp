#include "nova/core/rpc.h"

#include "nova/core/events.h"

#include "messaging/core/amqp.h"
#include "workbench/core/json.h"

#include <cctype>
#include <cstdio>
#include <mutex>
#include <random>
#include <set>
#include <sstream>

namespace wb::nova {

namespace msg = wb::messaging;

std::string rpcText(const RpcValue &v)
{
    if (const auto *s = std::get_if<std::string>(&v))
        return *s;
    if (const auto *i = std::get_if<std::int64_t>(&v))
        return std::to_string(*i);
    return std::get<bool>(v) ? "true" : "false";
}

std::int64_t rpcInt(const RpcArgs &a, const std::string &key, std::int64_t fallback)
{
    auto it = a.find(key);
    if (it == a.end())
        return fallback;
    if (const auto *i = std::get_if<std::int64_t>(&it->second))
        return *i;
    return fallback;
}

std::string rpcString(const RpcArgs &a, const std::string &key)
{
    auto it = a.find(key);
    return it == a.end() ? std::string() : rpcText(it->second);
}

namespace {

void writeValue(wb::JsonWriter &j, const RpcValue &v)
{
    if (const auto *s = std::get_if<std::string>(&v))
        j.value(std::string_view(*s));
    else if (const auto *i = std::get_if<std::int64_t>(&v))
        j.value(*i);
    else
        j.value(std::get<bool>(v));
}

void writeObject(wb::JsonWriter &j, const RpcArgs &args)
{
    j.beginObject();
    for (const auto &[k, v] : args) {
        j.key(k);
        writeValue(j, v);
    }
    j.endObject();
}

// The members of a JSON object of scalars and objects, one level of nesting flattened as
// "outer.inner"; null members are kept as absent (and named in `nulls`), arrays and floats
// are not part of the protocol.
bool flatten(const wb::Json &object, const std::string &prefix, int depth, RpcArgs &out,
             std::map<std::string, bool> &nulls)
{
    for (const auto &[key, v] : object.asObject()) {
        const std::string full = prefix.empty() ? key : prefix + "." + key;
        if (v.isString())
            out[full] = v.asString();
        else if (v.isBool())
            out[full] = v.asBool();
        else if (v.isInt())
            out[full] = v.asInt();
        else if (v.isNull())
            nulls[full] = true;
        else if (v.isObject() && depth < 1 && flatten(v, full, depth + 1, out, nulls))
            nulls[full] = false;
        else
            return false;
    }
    return true;
}

// A whole RPC body: one JSON object, flattened as above.
bool parseBody(std::string_view body, RpcArgs &out, std::map<std::string, bool> &nulls)
{
    const auto json = wb::parseJson(body);
    return json && json->isObject() && flatten(*json, "", 0, out, nulls);
}

RpcArgs subObject(const RpcArgs &flat, const std::string &prefix)
{
    RpcArgs out;
    const std::string p = prefix + ".";
    for (const auto &[k, v] : flat)
        if (k.rfind(p, 0) == 0)
            out[k.substr(p.size())] = v;
    return out;
}

} // namespace

std::string encodeRequest(const RpcRequest &r)
{
    std::ostringstream out;
    wb::JsonWriter j(out);
    j.beginObject();
    j.key("method").value(std::string_view(r.method));
    j.key("args");
    writeObject(j, r.args);
    for (const auto &[k, v] : r.context) {
        j.key("_context_" + k);
        writeValue(j, v);
    }
    if (!r.msgId.empty())
        j.key("_msg_id").value(std::string_view(r.msgId));
    j.endObject();
    return out.str();
}

std::optional<RpcRequest> decodeRequest(std::string_view body)
{
    RpcArgs flat;
    std::map<std::string, bool> nulls;
    if (!parseBody(body, flat, nulls))
        return std::nullopt;
    auto method = flat.find("method");
    if (method == flat.end() || !std::holds_alternative<std::string>(method->second))
        return std::nullopt;
    RpcRequest r;
    r.method = std::get<std::string>(method->second);
    r.args = subObject(flat, "args");
    for (const auto &[k, v] : flat)
        if (k.rfind("_context_", 0) == 0)
            r.context[k.substr(9)] = v;
    r.msgId = rpcString(flat, "_msg_id");
    return r;
}

std::string encodeReply(const RpcReply &r)
{
    std::ostringstream out;
    wb::JsonWriter j(out);
    j.beginObject();
    j.key("result");
    if (r.failed)
        j.null();
    else
        writeObject(j, r.result);
    j.key("failure");
    if (r.failed) {
        j.beginObject();
        j.key("type").value(std::string_view(r.failureType));
        j.key("value").value(std::string_view(r.failureValue));
        j.endObject();
    } else {
        j.null();
    }
    j.endObject();
    return out.str();
}

std::optional<RpcReply> decodeReply(std::string_view body)
{
    RpcArgs flat;
    std::map<std::string, bool> nulls;
    if (!parseBody(body, flat, nulls))
        return std::nullopt;
    if (!nulls.count("result") || !nulls.count("failure"))
        return std::nullopt;
    RpcReply r;
    r.failed = !nulls["failure"];
    if (r.failed) {
        r.failureType = rpcString(flat, "failure.type");
        r.failureValue = rpcString(flat, "failure.value");
    } else {
        r.result = subObject(flat, "result");
    }
    return r;
}

std::string uuid4Hex(wb::Rng &rng)
{
    std::uint8_t b[16];
    for (int half = 0; half < 2; ++half) {
        const std::uint64_t v = rng.next();
        for (int i = 0; i < 8; ++i)
            b[half * 8 + i] = static_cast<std::uint8_t>(v >> (56 - 8 * i));
    }
    b[6] = static_cast<std::uint8_t>((b[6] & 0x0f) | 0x40); // version 4
    b[8] = static_cast<std::uint8_t>((b[8] & 0x3f) | 0x80); // variant 10xx (RFC 4122)
    static const char hex[] = "0123456789abcdef";
    std::string out(32, '0');
    for (int i = 0; i < 16; ++i) {
        out[static_cast<std::size_t>(2 * i)] = hex[b[i] >> 4];
        out[static_cast<std::size_t>(2 * i + 1)] = hex[b[i] & 0x0f];
    }
    return out;
}

bool isUuid4Hex(std::string_view id)
{
    if (id.size() != 32)
        return false;
    for (const char c : id)
        if (!std::isdigit(static_cast<unsigned char>(c)) && (c < 'a' || c > 'f'))
            return false;
    return id[12] == '4' && (id[16] == '8' || id[16] == '9' || id[16] == 'a' || id[16] == 'b');
}

std::string newMsgId()
{
    static std::mutex mutex;
    static wb::Rng rng{(static_cast<std::uint64_t>(std::random_device{}()) << 32) ^
                       std::random_device{}()};
    std::lock_guard lock(mutex);
    return uuid4Hex(rng);
}

RemoteError::RemoteError(std::string type, std::string value)
    : std::runtime_error(type + ": " + value), m_type(std::move(type)), m_value(std::move(value))
{}

void declareControlExchange(msg::Channel &channel, const std::string &name)
{
    channel.exchangeDeclare(name, msg::ExchangeType::Topic);
}

std::string encodeEvent(const wb::Event &e)
{
    std::ostringstream out;
    wb::JsonWriter j(out);
    j.beginObject();
    j.key("kind").value(std::string_view(e.kind));
    j.key("label").value(std::string_view(e.label));
    j.key("thread").value(static_cast<std::int64_t>(e.thread));
    if (e.where.line) {
        j.key("file").value(e.where.fileName());
        j.key("line").value(static_cast<std::int64_t>(e.where.line));
    }
    j.key("fields").beginObject();
    for (const auto &f : e.fields) {
        const auto &v = f.value;
        if (const auto *s = std::get_if<std::string>(&v))
            j.key(f.key).value(std::string_view(*s));
        else if (const auto *i = std::get_if<std::int64_t>(&v))
            j.key(f.key).value(*i);
        else if (const auto *b = std::get_if<bool>(&v))
            j.key(f.key).value(*b);
        else if (const auto *u = std::get_if<std::uint64_t>(&v))
            *u <= static_cast<std::uint64_t>(INT64_MAX)
                ? j.key(f.key).value(static_cast<std::int64_t>(*u))
                : j.key(f.key).value(std::string_view(std::to_string(*u)));
        else if (const auto *d = std::get_if<double>(&v))
            j.key(f.key).value(std::string_view(std::to_string(*d)));
    }
    j.endObject();
    j.endObject();
    return out.str();
}

namespace {
// A source file name from another process, kept for the life of this one: events point at
// static strings, and a component's events name a handful of files.
const char *internFileName(const std::string &name)
{
    static std::mutex mutex;
    static std::set<std::string> names;
    std::lock_guard lock(mutex);
    return names.insert(name).first->c_str();
}
} // namespace

std::optional<wb::Event> decodeEvent(std::string_view body)
{
    RpcArgs flat;
    std::map<std::string, bool> nulls;
    if (!parseBody(body, flat, nulls))
        return std::nullopt;
    wb::Event e;
    e.kind = rpcString(flat, "kind");
    if (e.kind.empty())
        return std::nullopt;
    e.label = rpcString(flat, "label");
    e.thread = static_cast<std::int32_t>(rpcInt(flat, "thread"));
    if (const std::string file = rpcString(flat, "file"); !file.empty()) {
        e.where.file = internFileName(file);
        e.where.line = static_cast<std::uint32_t>(rpcInt(flat, "line"));
    }
    for (const auto &[k, v] : subObject(flat, "fields")) {
        if (const auto *s = std::get_if<std::string>(&v))
            e.fields.emplace_back(k, *s);
        else if (const auto *i = std::get_if<std::int64_t>(&v))
            e.fields.emplace_back(k, *i);
        else
            e.fields.emplace_back(k, wb::Value(std::get<bool>(v)));
    }
    // The fields came back in key order; a declared kind gets its declared order and types
    // again (and a report that lacks a declared field throws wb::EventFieldError).
    events::NovaEvents::visit(e, [&](const auto &typed) { e.fields = wb::fieldsOf(typed); });
    return e;
}

RpcEndpoint::RpcEndpoint(msg::Channel &channel, std::string self, RpcRecorder recorder,
                         const std::atomic<bool> *stop)
    : m_channel(channel), m_self(std::move(self)), m_recorder(std::move(recorder)), m_stop(stop)
{}

void RpcEndpoint::publish(const RpcLeg &leg, const std::string &exchange, msg::Message message)
{
    message.properties.contentType = "application/json";
    message.properties.headers["from"] = m_self;
    message.properties.headers["step"] = static_cast<std::int64_t>(leg.n);
    if (m_recorder)
        m_recorder(leg);
    m_channel.basicPublish(exchange, leg.routingKey, message);
}

void RpcEndpoint::cast(int n, const std::string &to, const std::string &routingKey,
                       RpcRequest request, std::source_location where)
{
    request.msgId.clear();
    msg::Message m;
    m.body = encodeRequest(request);
    const RpcLeg leg{n,      m_self,         to,
                     "cast", request.method, routingKey,
                     {},     m.body,         wb::SourceLocation::from(where)};
    publish(leg, m_exchange, std::move(m));
}

RpcArgs RpcEndpoint::call(int n, const std::string &to, const std::string &routingKey,
                          RpcRequest request, std::chrono::milliseconds timeout,
                          std::source_location where)
{
    request.msgId = m_ids ? uuid4Hex(*m_ids) : newMsgId();
    const std::string id = request.msgId;
    msg::ExchangeFlags exFlags;
    exFlags.autoDelete = true;
    m_channel.exchangeDeclare(id, msg::ExchangeType::Direct, exFlags);
    msg::QueueFlags qFlags;
    qFlags.exclusive = true;
    qFlags.autoDelete = true;
    m_channel.queueDeclare(id, qFlags);
    m_channel.queueBind(id, id, id);
    const std::string tag = m_channel.basicConsume(id, {}, /*noAck=*/true);
    const auto cleanup = [&] {
        try {
            m_channel.basicCancel(tag); // the auto-delete queue goes with its consumer
            m_channel.queueDelete(id);
            m_channel.exchangeDelete(id);
        } catch (const msg::AmqpError &) {
        }
    };

    msg::Message m;
    m.body = encodeRequest(request);
    m.properties.replyTo = id;
    m.properties.correlationId = id;
    m.properties.messageId = id;
    try {
        const RpcLeg leg{n,      m_self,         to,
                         "call", request.method, routingKey,
                         id,     m.body,         wb::SourceLocation::from(where)};
        publish(leg, m_exchange, std::move(m));
    } catch (...) {
        cleanup();
        throw;
    }

    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        if (m_stop && m_stop->load()) {
            cleanup();
            throw RpcStopped(m_self + ": stopped while waiting for the reply to " +
                             request.method);
        }
        const auto now = std::chrono::steady_clock::now();
        if (now >= deadline) {
            cleanup();
            throw RpcTimeout("no reply to " + request.method + " (" + routingKey + ", msg_id " +
                             id + ") within " + std::to_string(timeout.count()) + " ms");
        }
        const auto slice = std::min<std::chrono::milliseconds>(
            std::chrono::milliseconds(50),
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now) +
                std::chrono::milliseconds(1));
        auto d = m_channel.nextDelivery(slice);
        if (!d)
            continue;
        if (d->message.properties.correlationId != id)
            continue; // not ours: a stale or stray reply
        auto reply = decodeReply(d->message.body);
        cleanup();
        if (!reply)
            throw RemoteError("BadReply", "the reply to " + request.method +
                                              " is not {\"result\", \"failure\"} JSON");
        if (reply->failed)
            throw RemoteError(reply->failureType, reply->failureValue);
        return reply->result;
    }
}

void RpcEndpoint::reply(int n, const std::string &to, const std::string &replyTo,
                        const std::string &msgId, const std::string &method, const RpcReply &reply,
                        std::source_location where)
{
    msg::Message m;
    m.body = encodeReply(reply);
    m.properties.correlationId = msgId;
    const RpcLeg leg{
        n, m_self, to, "reply", method, replyTo, msgId, m.body, wb::SourceLocation::from(where)};
    publish(leg, replyTo, std::move(m));
}

} // namespace wb::nova
