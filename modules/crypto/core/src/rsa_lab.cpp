#include "crypto/core/rsa_lab.h"

#include "crypto/core/events.h"
#include "workbench/core/trace.h"

#include <utility>

namespace wb::crypto {

namespace {

namespace ev = events;

RsaOperation &currentOperation(RsaLabState &s)
{
    if (s.operations.empty())
        s.operations.emplace_back();
    return s.operations.back();
}

// The exponentiation a step or an end belongs to; null for one without its begin (a trace cut
// short: nothing to attach it to).
ModexpRun *currentRun(RsaLabState &s)
{
    RsaOperation &op = currentOperation(s);
    return op.modexps.empty() ? nullptr : &op.modexps.back();
}

void addStep(ModexpRun &run, bool square, std::uint64_t digit, Bytes value)
{
    ModexpStep step;
    step.index = ++run.stepCount;
    step.square = square;
    step.digit = digit;
    step.value = std::move(value);
    const BigInt before = run.recent.empty() ? BigInt() : run.recent.back().exponentSoFar;
    step.exponentSoFar = square ? before + before : before + BigInt(digit);
    ++(square ? run.squarings : run.multiplications);
    if (run.head.size() < 2)
        run.head.push_back(step);
    if (run.recent.size() == ModexpRun::kRecentSteps)
        run.recent.erase(run.recent.begin());
    run.recent.push_back(std::move(step));
}

void apply(RsaLabState &s, const RsaLabOp &e, const wb::Event &event)
{
    if (!s.operations.empty())
        s.operations.back().finished = true;
    RsaOperation op;
    op.op = e.op;
    op.title = event.label;
    s.operations.push_back(std::move(op));
}

void apply(RsaLabState &s, const RsaLabPartBegin &e)
{
    s.part = rsaLabPartNamed(e.part).value_or(RsaLabPart::KeyGen);
    s.partKeyBits = e.keyBits;
    s.operations.clear();
    if (s.part == RsaLabPart::KeyGen) {
        // A new key: a new lab.
        const RsaLabPart part = s.part;
        const std::int64_t bits = s.partKeyBits;
        s = {};
        s.part = part;
        s.partKeyBits = bits;
    }
}

void apply(RsaLabState &s, const ev::ModexpBegin &e)
{
    ModexpRun run;
    run.name = e.name;
    run.base = e.base;
    run.exponent = e.exponent;
    run.modulus = e.modulus;
    run.window = int(e.window);
    run.secret = e.exponentKind == "secret";
    currentOperation(s).modexps.push_back(std::move(run));
}

void apply(RsaLabState &s, const ev::ModexpSquare &e)
{
    if (ModexpRun *run = currentRun(s))
        addStep(*run, true, 0, e.value);
}

void apply(RsaLabState &s, const ev::ModexpMultiply &e)
{
    if (ModexpRun *run = currentRun(s))
        addStep(*run, false, e.digit, e.value);
}

void apply(RsaLabState &s, const ev::ModexpEnd &e)
{
    ModexpRun *run = currentRun(s);
    if (!run)
        return;
    run->result = e.result;
    run->done = true;
    // The halves of a CRT private operation are not the operation's result.
    if (run->name != "crt_p" && run->name != "crt_q")
        s.operations.back().output = run->result;
}

void apply(RsaLabState &s, const ev::RsaKeygenBegin &e)
{
    s.bits = std::int64_t(e.bits);
    s.e = e.e;
    s.p = {};
    s.q = {};
    s.recentCandidates.clear();
    s.testing = {};
    s.key = {};
}

void apply(RsaLabState &s, const ev::RsaMrRound &e)
{
    const auto index = std::int64_t(e.index);
    if (s.testing.prime != e.prime || s.testing.index != index) {
        s.testing = {};
        s.testing.prime = e.prime;
        s.testing.index = index;
    }
    s.testing.lastBase = e.base;
    if (e.outcome == "pass")
        s.testing.roundsPassed = e.round;
    else
        s.testing.failedRound = true;
}

void apply(RsaLabState &s, const ev::RsaCandidate &e)
{
    RsaCandidate c;
    c.prime = e.prime;
    c.index = std::int64_t(e.index);
    if (s.testing.prime == c.prime && s.testing.index == c.index) {
        c.roundsPassed = s.testing.roundsPassed;
        c.failedRound = s.testing.failedRound;
    }
    c.value = e.candidate;
    c.result = e.result;
    c.factor = e.factor.value_or(0);
    RsaPrimeSearch &search = c.prime == "q" ? s.q : s.p;
    ++search.tested;
    if (c.result == "small factor")
        ++search.smallFactor;
    else if (c.result == "composite")
        ++search.composite;
    else if (c.result == "probable prime")
        search.accepted = c.value;
    else
        ++search.eShares;
    if (s.recentCandidates.size() == RsaLabState::kRecentCandidates)
        s.recentCandidates.erase(s.recentCandidates.begin());
    s.recentCandidates.push_back(std::move(c));
    s.testing = {};
}

void apply(RsaLabState &s, const ev::RsaKey &e)
{
    RsaKeyNumbers &k = s.key;
    k.p = e.p;
    k.q = e.q;
    k.n = e.n;
    k.phi = e.phi;
    k.lambda = e.lambda;
    k.e = e.e;
    k.d = e.d;
    k.dp = e.dp;
    k.dq = e.dq;
    k.qinv = e.qinv;
    k.bits = std::int64_t(e.bits);
    k.exponent = e.exponent;
    k.known = true;
}

void apply(RsaLabState &s, const ev::RsaCrtBegin &e)
{
    RsaOperation &op = currentOperation(s);
    op.crt = true;
    op.crtInput = e.input;
    op.dp = e.dp;
    op.dq = e.dq;
}

void apply(RsaLabState &s, const ev::RsaCrtCombine &e)
{
    RsaOperation &op = currentOperation(s);
    op.crtCombined = true;
    op.mp = e.mp;
    op.mq = e.mq;
    op.h = e.h;
    op.output = e.result;
}

void apply(RsaLabState &s, const ev::OaepEncode &e)
{
    RsaOperation &op = currentOperation(s);
    op.oaepEncoded = true;
    op.lhash = e.lhash;
    op.psLength = std::int64_t(e.psLength);
    op.db = e.db;
    op.seed = e.seed;
    op.dbMask = e.dbMask;
    op.maskedDb = e.maskedDb;
    op.seedMask = e.seedMask;
    op.maskedSeed = e.maskedSeed;
    op.em = e.em;
}

void apply(RsaLabState &s, const ev::Pkcs1Encode &e)
{
    RsaOperation &op = currentOperation(s);
    op.pkcs1Encoded = true;
    op.digest = e.digest;
    op.digestInfo = e.digestInfo;
    op.em = e.em;
}

void apply(RsaLabState &s, const ev::RsaMalleate &e)
{
    RsaOperation &op = currentOperation(s);
    op.malleated = true;
    op.c = e.c;
    op.s = e.s;
    op.cPrime = e.cPrime;
    op.output = op.cPrime;
}

// Decodings and verifications change nothing the lab shows.
void apply(RsaLabState &, const ev::OaepDecode &) {}
void apply(RsaLabState &, const ev::Pkcs1Verify &) {}

} // namespace

void applyRsaEvent(RsaLabState &s, const wb::Event &e)
{
    s.lastKind = e.kind;
    if (auto op = wb::as<RsaLabOp>(e)) {
        apply(s, *op, e);
        return;
    }
    if (auto part = wb::as<RsaLabPartBegin>(e)) {
        apply(s, *part);
        s.lastKind = e.kind; // a new key's marker cleared it with the rest
        return;
    }
    ev::RsaEvents::visit(e, [&](const auto &typed) { apply(s, typed); });
}

const ModexpStep *currentModexpStep(const RsaLabState &s)
{
    if (s.operations.empty() || s.operations.back().modexps.empty())
        return nullptr;
    const ModexpRun &run = s.operations.back().modexps.back();
    const bool inStep =
        s.lastKind == ev::ModexpSquare::kind || s.lastKind == ev::ModexpMultiply::kind;
    if (run.recent.empty() || !inStep)
        return nullptr;
    return &run.recent.back();
}

namespace {

constexpr std::string_view kPartNames[kRsaLabParts] = {"keygen", "modexp", "padding", "malleate"};

// The part `e` begins, if it is a well-formed marker of a part the lab knows.
std::optional<RsaLabPart> partBegun(const wb::Event &e)
{
    try {
        if (const auto marker = wb::as<RsaLabPartBegin>(e))
            return rsaLabPartNamed(marker->part);
    } catch (const wb::EventFieldError &) {
    }
    return std::nullopt;
}

// Appends events [begin, end) of `from`, their times moved so that the first follows the
// last event of `into` and the gaps between them stay as they were.
void appendPart(wb::Trace &into, const wb::Trace &from, std::size_t begin, std::size_t end)
{
    if (begin >= end)
        return;
    const std::int64_t start = into.empty() ? 0 : into.at(into.size() - 1).tNs;
    const std::int64_t shift = start - from.at(begin).tNs;
    for (std::size_t i = begin; i < end; ++i) {
        wb::Event e = from.at(i);
        e.tNs += shift;
        into.appendRecorded(std::move(e));
    }
}

// `lab`'s parts other than `part`, in their order.
std::shared_ptr<wb::Trace> copyExcept(const wb::Trace &lab, RsaLabPart part)
{
    auto out = std::make_shared<wb::Trace>();
    for (const RsaLabSpan &span : rsaLabSpans(lab))
        if (span.part != part)
            appendPart(*out, lab, span.begin, span.end);
    return out;
}

} // namespace

std::string_view rsaLabPartName(RsaLabPart part)
{
    return kPartNames[std::size_t(part)];
}

std::optional<RsaLabPart> rsaLabPartNamed(std::string_view name)
{
    for (std::size_t i = 0; i < kRsaLabParts; ++i)
        if (kPartNames[i] == name)
            return RsaLabPart(i);
    return std::nullopt;
}

std::vector<RsaLabSpan> rsaLabSpans(const wb::Trace &trace)
{
    std::vector<RsaLabSpan> spans;
    const std::size_t n = trace.size();
    for (std::size_t i = 0; i < n; ++i) {
        const auto part = partBegun(trace.at(i));
        if (!part && i > 0)
            continue;
        if (!spans.empty())
            spans.back().end = i;
        RsaLabSpan span;
        span.part = part.value_or(RsaLabPart::KeyGen);
        span.begin = i;
        spans.push_back(span);
    }
    if (!spans.empty())
        spans.back().end = n;
    return spans;
}

std::optional<RsaLabSpan> rsaLabSpan(const std::vector<RsaLabSpan> &spans, RsaLabPart part)
{
    for (auto it = spans.rbegin(); it != spans.rend(); ++it)
        if (it->part == part)
            return *it;
    return std::nullopt;
}

std::shared_ptr<wb::Trace> withRsaLabRun(const wb::Trace &lab, const wb::Trace &run)
{
    const RsaLabPart part =
        run.empty() ? RsaLabPart::KeyGen : partBegun(run.at(0)).value_or(RsaLabPart::KeyGen);
    auto out = part == RsaLabPart::KeyGen ? std::make_shared<wb::Trace>() : copyExcept(lab, part);
    appendPart(*out, run, 0, run.size());
    return out;
}

std::shared_ptr<wb::Trace> withoutRsaLabPart(const wb::Trace &lab, RsaLabPart part)
{
    return copyExcept(lab, part);
}

} // namespace wb::crypto
