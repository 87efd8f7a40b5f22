// RSA keys: generation (random primes from getrandom, sieve, Miller-Rabin), keys from given
// primes, and validation (see rsa.h).
#include "crypto/core/rsa.h"

#include "crypto/core/events.h"
#include "workbench/core/trace.h"

#include <array>
#include <string>

namespace wb::crypto {

namespace {

// The odd primes below 2000: a candidate divisible by one of them is rejected before any
// Miller-Rabin round (this removes about 85% of odd candidates cheaply).
const std::vector<std::uint64_t> &smallPrimes()
{
    static const std::vector<std::uint64_t> primes = [] {
        std::vector<std::uint64_t> out;
        std::array<bool, 2000> composite{};
        for (std::uint64_t i = 2; i < composite.size(); ++i) {
            if (composite[i])
                continue;
            if (i > 2)
                out.push_back(i);
            for (std::uint64_t j = i * i; j < composite.size(); j += i)
                composite[j] = true;
        }
        return out;
    }();
    return primes;
}

constexpr int kMillerRabinRounds = 64;

// A uniformly random number in [low, high] (low <= high), by rejection sampling.
BigInt randomInRange(const BigInt &low, const BigInt &high)
{
    const BigInt span = high - low;
    const std::size_t bits = span.bitLength();
    if (bits == 0)
        return low;
    Bytes buf((bits + 7) / 8);
    for (;;) {
        randomBytes(buf);
        buf[0] &= std::uint8_t(0xff >> (8 * buf.size() - bits));
        BigInt r = BigInt::fromBytes(buf);
        secureWipe(buf);
        if (r <= span)
            return low + r;
    }
}

struct PrimeLabel
{
    const char *name;    // "p" or "q"
    std::uint64_t index; // candidate number for this prime
};

// Miller-Rabin with random bases; n odd and > 3. True means "probably prime" (error below
// 4^-rounds for any n).
bool millerRabin(const BigInt &n, int rounds, wb::Trace *trace, const PrimeLabel &label)
{
    const BigInt nMinus1 = n - 1;
    std::size_t s = 0;
    while (!nMinus1.bit(s))
        ++s;
    const BigInt d = nMinus1 >> s; // n - 1 = d * 2^s, d odd
    const MontgomeryContext mont(n);
    for (int round = 0; round < rounds; ++round) {
        const BigInt a = randomInRange(2, n - 2);
        BigInt x = mont.modPow(a, d, ExponentKind::Secret);
        bool pass = x == BigInt(1) || x == nMinus1;
        for (std::size_t i = 1; i < s && !pass; ++i) {
            x = mont.modMul(x, x);
            if (x == nMinus1)
                pass = true;
            else if (x == BigInt(1))
                break; // a nontrivial square root of 1: composite
        }
        if (trace)
            wb::record(trace,
                       events::RsaMrRound{label.name, label.index, round + 1, a.toBytes(),
                                          pass ? "pass" : "composite"},
                       std::string("Miller-Rabin round ") + std::to_string(round + 1) + " on " +
                           label.name + " candidate " + std::to_string(label.index) + ": " +
                           (pass ? "pass" : "composite"));
        if (!pass)
            return false;
    }
    return true;
}

// Trial division by the small primes, then Miller-Rabin. `why` receives the reason for a
// rejection, `factor` the small factor found.
bool isProbablePrime(const BigInt &n, wb::Trace *trace, const PrimeLabel &label,
                     std::string *why = nullptr, std::uint64_t *factor = nullptr)
{
    if (n < BigInt(4)) {
        if (why)
            *why = n < BigInt(2) ? "not prime" : "probable prime";
        return n >= BigInt(2);
    }
    if (!n.isOdd()) {
        if (why)
            *why = "small factor";
        if (factor)
            *factor = 2;
        return false;
    }
    for (std::uint64_t p : smallPrimes()) {
        if (n == BigInt(p))
            break; // a small prime itself
        if (n.modSmall(p) == 0) {
            if (why)
                *why = "small factor";
            if (factor)
                *factor = p;
            return false;
        }
    }
    const bool prime = n < BigInt(2000) || millerRabin(n, kMillerRabinRounds, trace, label);
    if (why)
        *why = prime ? "probable prime" : "composite";
    return prime;
}

// A random prime of exactly `bits` bits with the top two bits set, p - 1 coprime to e.
BigInt randomPrime(std::size_t bits, const BigInt &e, const char *name, wb::Trace *trace)
{
    Bytes buf((bits + 7) / 8);
    for (std::uint64_t index = 1;; ++index) {
        randomBytes(buf);
        buf[0] &= std::uint8_t(0xff >> (8 * buf.size() - bits));
        BigInt candidate = BigInt::fromBytes(buf);
        secureWipe(buf);
        candidate.setBit(bits - 1);
        candidate.setBit(bits - 2);
        candidate.setBit(0);

        std::string result;
        std::uint64_t factor = 0;
        bool ok = isProbablePrime(candidate, trace, {name, index}, &result, &factor);
        if (ok && gcd(candidate - 1, e) != BigInt(1)) {
            ok = false;
            result = "e shares a factor with p-1";
        }
        if (trace) {
            events::RsaCandidate event;
            event.prime = name;
            event.index = index;
            event.candidate = candidate.toBytes();
            event.result = result;
            if (factor)
                event.factor = factor;
            wb::record(trace, event,
                       std::string(name) + " candidate " + std::to_string(index) + ": " + result);
        }
        if (ok)
            return candidate;
    }
}

// Fills d and the CRT values from p, q, e; records "rsa_key".
RsaPrivateKey assembleKey(BigInt p, BigInt q, const BigInt &e, PrivateExponent exponent,
                          wb::Trace *trace)
{
    if (p < q)
        std::swap(p, q); // convention: p > q (either order is valid PKCS#1)
    RsaPrivateKey key;
    const BigInt pMinus1 = p - 1, qMinus1 = q - 1;
    const BigInt phi = pMinus1 * qMinus1;
    const BigInt lambda = lcm(pMinus1, qMinus1);
    auto d = modInverse(e, exponent == PrivateExponent::Phi ? phi : lambda);
    if (!d)
        throw CryptoError("e = " + e.toDecimal() + " has no inverse modulo " +
                          (exponent == PrivateExponent::Phi ? "phi" : "lambda") +
                          " for these primes; pick primes with gcd(e, p-1) = gcd(e, q-1) = 1");
    key.n = p * q;
    key.e = e;
    key.d = std::move(*d);
    key.dP = key.d % pMinus1;
    key.dQ = key.d % qMinus1;
    key.qInv = *modInverse(q, p);
    key.p = std::move(p);
    key.q = std::move(q);
    if (trace)
        wb::record(trace,
                   events::RsaKey{key.p.toBytes(), key.q.toBytes(), key.n.toBytes(), phi.toBytes(),
                                  lambda.toBytes(), key.e.toBytes(), key.d.toBytes(),
                                  key.dP.toBytes(), key.dQ.toBytes(), key.qInv.toBytes(),
                                  key.n.bitLength(),
                                  exponent == PrivateExponent::Phi ? "phi" : "lambda"},
                   "key: n = p*q has " + std::to_string(key.n.bitLength()) + " bits");
    return key;
}

void checkExponent(const BigInt &e)
{
    if (!e.isOdd() || e < BigInt(3))
        throw CryptoError("the public exponent must be odd and at least 3 (usually 65537), got " +
                          e.toDecimal());
}

} // namespace

void RsaPrivateKey::wipe()
{
    for (BigInt *x : {&d, &p, &q, &dP, &dQ, &qInv})
        x->wipe();
}

RsaPrivateKey generateRsaKey(std::size_t bits, wb::Trace *trace, const BigInt &e,
                             PrivateExponent exponent)
{
    if (bits < kRsaMinBits || bits > kRsaMaxBits || bits % 2 != 0)
        throw CryptoError("RSA key size must be an even number of bits from " +
                          std::to_string(kRsaMinBits) + " to " + std::to_string(kRsaMaxBits) +
                          ", got " + std::to_string(bits));
    checkExponent(e);
    if (e.bitLength() >= bits)
        throw CryptoError("the public exponent must be smaller than the modulus");
    if (trace)
        wb::record(trace, events::RsaKeygenBegin{bits, e.toBytes()},
                   "generate a " + std::to_string(bits) + "-bit RSA key");
    for (;;) {
        BigInt p = randomPrime(bits / 2, e, "p", trace);
        BigInt q = randomPrime(bits / 2, e, "q", trace);
        if (p == q) // only plausible for toy sizes
            continue;
        return assembleKey(std::move(p), std::move(q), e, exponent, trace);
    }
}

RsaPrivateKey rsaKeyFromPrimes(const BigInt &p, const BigInt &q, const BigInt &e,
                               PrivateExponent exponent, wb::Trace *trace)
{
    checkExponent(e);
    for (const BigInt *x : {&p, &q})
        if (!isProbablePrime(*x, nullptr, {"p", 0}))
            throw CryptoError(x->toDecimal() + " is not prime; RSA needs two primes");
    if (p == q)
        throw CryptoError("p and q must be different primes (with p = q, n = p^2 is easy to "
                          "factor and phi is not (p-1)(q-1))");
    if (p == BigInt(2) || q == BigInt(2))
        throw CryptoError("p and q must be odd primes");
    return assembleKey(p, q, e, exponent, trace);
}

void validateRsaKey(const RsaPublicKey &key)
{
    if (!key.n.isOdd() || key.n < BigInt(3))
        throw CryptoError("the RSA modulus n must be odd and greater than 2");
    if (!key.e.isOdd() || key.e < BigInt(3) || key.e >= key.n)
        throw CryptoError("the RSA public exponent e must be odd, at least 3 and less than n");
}

void validateRsaKey(const RsaPrivateKey &key)
{
    validateRsaKey(key.publicKey());
    const BigInt two = 2;
    if (key.p < two || key.q < two || key.p == key.q || key.p * key.q != key.n)
        throw CryptoError("the RSA key's primes do not multiply to its modulus (p * q != n)");
    if (key.d.isZero() || key.d >= key.n)
        throw CryptoError("the RSA private exponent d is out of range (0 < d < n)");
    const BigInt pMinus1 = key.p - 1, qMinus1 = key.q - 1;
    if (key.e * key.d % lcm(pMinus1, qMinus1) != BigInt(1))
        throw CryptoError("the RSA private exponent d does not invert e (e*d != 1 mod lambda)");
    if (key.dP != key.d % pMinus1 || key.dQ != key.d % qMinus1)
        throw CryptoError("the RSA key's CRT exponents do not match d (dP, dQ)");
    if (key.qInv >= key.p || key.qInv * key.q % key.p != BigInt(1))
        throw CryptoError("the RSA key's CRT coefficient is wrong (qInv * q != 1 mod p)");
}

} // namespace wb::crypto
