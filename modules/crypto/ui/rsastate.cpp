#include "rsastate.h"

#include "workbench/core/trace.h"

namespace wb::crypto::ui {

namespace {

Bytes bytesField(const wb::Event &e, std::string_view key)
{
    const wb::Value *v = e.field(key);
    if (v)
        if (const auto *b = std::get_if<std::vector<std::uint8_t>>(v))
            return *b;
    return {};
}

RsaOperation &currentOperation(RsaLabState &s)
{
    if (s.operations.empty())
        s.operations.emplace_back();
    return s.operations.back();
}

void applyModexp(RsaOperation &op, const wb::Event &e)
{
    if (e.kind == "modexp_begin") {
        ModexpRun run;
        run.name = e.stringField("name");
        run.base = bytesField(e, "base");
        run.exponent = bytesField(e, "exponent");
        run.modulus = bytesField(e, "modulus");
        run.window = int(e.intField("window", 1));
        run.secret = e.stringField("kind") == "secret";
        op.modexps.push_back(std::move(run));
        return;
    }
    if (op.modexps.empty())
        return; // a step without its begin: a trace cut short, nothing to attach it to
    ModexpRun &run = op.modexps.back();
    if (e.kind == "modexp_end") {
        run.result = bytesField(e, "result");
        run.done = true;
        // The halves of a CRT private operation are not the operation's result.
        if (run.name != "crt_p" && run.name != "crt_q")
            op.output = run.result;
        return;
    }
    ModexpStep step;
    step.index = ++run.stepCount;
    step.square = e.kind == "modexp_square";
    step.digit = std::uint64_t(e.intField("digit"));
    step.value = bytesField(e, "value");
    const BigInt before = run.recent.empty() ? BigInt() : run.recent.back().exponentSoFar;
    step.exponentSoFar = step.square ? before + before : before + BigInt(step.digit);
    ++(step.square ? run.squarings : run.multiplications);
    if (run.head.size() < 2)
        run.head.push_back(step);
    if (run.recent.size() == ModexpRun::kRecentSteps)
        run.recent.erase(run.recent.begin());
    run.recent.push_back(std::move(step));
}

} // namespace

void applyRsaEvent(RsaLabState &s, const wb::Event &e)
{
    s.lastKind = e.kind;
    if (e.kind == kLabOpEvent) {
        if (!s.operations.empty())
            s.operations.back().finished = true;
        RsaOperation op;
        op.op = e.stringField("op");
        op.title = e.label;
        s.operations.push_back(std::move(op));
    } else if (e.kind.starts_with("modexp_")) {
        applyModexp(currentOperation(s), e);
    } else if (e.kind == "rsa_keygen_begin") {
        s.bits = e.intField("bits");
        s.e = bytesField(e, "e");
        s.p = {};
        s.q = {};
        s.recentCandidates.clear();
        s.testing = {};
        s.key = {};
    } else if (e.kind == "rsa_mr_round") {
        const std::string prime = e.stringField("prime");
        const std::int64_t index = e.intField("index");
        if (s.testing.prime != prime || s.testing.index != index) {
            s.testing = {};
            s.testing.prime = prime;
            s.testing.index = index;
        }
        s.testing.lastBase = bytesField(e, "base");
        if (e.stringField("outcome") == "pass")
            s.testing.roundsPassed = int(e.intField("round"));
        else
            s.testing.failedRound = true;
    } else if (e.kind == "rsa_candidate") {
        RsaCandidate c;
        c.prime = e.stringField("prime");
        c.index = e.intField("index");
        if (s.testing.prime == c.prime && s.testing.index == c.index) {
            c.roundsPassed = s.testing.roundsPassed;
            c.failedRound = s.testing.failedRound;
        }
        c.value = bytesField(e, "candidate");
        c.result = e.stringField("result");
        c.factor = std::uint64_t(e.intField("factor"));
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
    } else if (e.kind == "rsa_key") {
        RsaKeyNumbers &k = s.key;
        k.p = bytesField(e, "p");
        k.q = bytesField(e, "q");
        k.n = bytesField(e, "n");
        k.phi = bytesField(e, "phi");
        k.lambda = bytesField(e, "lambda");
        k.e = bytesField(e, "e");
        k.d = bytesField(e, "d");
        k.dp = bytesField(e, "dp");
        k.dq = bytesField(e, "dq");
        k.qinv = bytesField(e, "qinv");
        k.bits = e.intField("bits");
        k.exponent = e.stringField("exponent");
        k.known = true;
    } else if (e.kind == "rsa_crt_begin") {
        RsaOperation &op = currentOperation(s);
        op.crt = true;
        op.crtInput = bytesField(e, "input");
        op.dp = bytesField(e, "dp");
        op.dq = bytesField(e, "dq");
    } else if (e.kind == "rsa_crt_combine") {
        RsaOperation &op = currentOperation(s);
        op.crtCombined = true;
        op.mp = bytesField(e, "mp");
        op.mq = bytesField(e, "mq");
        op.h = bytesField(e, "h");
        op.output = bytesField(e, "result");
    } else if (e.kind == "oaep_encode") {
        RsaOperation &op = currentOperation(s);
        op.oaepEncoded = true;
        op.lhash = bytesField(e, "lhash");
        op.psLength = e.intField("ps_length");
        op.db = bytesField(e, "db");
        op.seed = bytesField(e, "seed");
        op.dbMask = bytesField(e, "db_mask");
        op.maskedDb = bytesField(e, "masked_db");
        op.seedMask = bytesField(e, "seed_mask");
        op.maskedSeed = bytesField(e, "masked_seed");
        op.em = bytesField(e, "em");
    } else if (e.kind == "pkcs1_encode") {
        RsaOperation &op = currentOperation(s);
        op.pkcs1Encoded = true;
        op.digest = bytesField(e, "digest");
        op.digestInfo = bytesField(e, "digest_info");
        op.em = bytesField(e, "em");
    } else if (e.kind == "rsa_malleate") {
        RsaOperation &op = currentOperation(s);
        op.malleated = true;
        op.c = bytesField(e, "c");
        op.s = bytesField(e, "s");
        op.cPrime = bytesField(e, "c_prime");
        op.output = op.cPrime;
    }
}

const ModexpStep *currentModexpStep(const RsaLabState &s)
{
    if (s.operations.empty() || s.operations.back().modexps.empty())
        return nullptr;
    const ModexpRun &run = s.operations.back().modexps.back();
    if (run.recent.empty() || !(s.lastKind == "modexp_square" || s.lastKind == "modexp_multiply"))
        return nullptr;
    return &run.recent.back();
}

} // namespace wb::crypto::ui
