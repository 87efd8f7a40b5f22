// Non-negative big integers on 64-bit limbs (see bigint.h). Products use unsigned __int128;
// division is Knuth's algorithm D (TAOCP vol. 2, 4.3.1).
#include "crypto/core/bigint.h"

#include <algorithm>
#include <bit>
#include <cstring>

namespace wb::crypto {

using Limb = BigInt::Limb;
__extension__ typedef unsigned __int128 Wide; // 64x64 -> 128-bit products

// ---- construction and conversion ------------------------------------------------------------

BigInt::BigInt(std::uint64_t value)
{
    if (value != 0)
        m_limbs.push_back(value);
}

void BigInt::trim()
{
    while (!m_limbs.empty() && m_limbs.back() == 0)
        m_limbs.pop_back();
}

BigInt BigInt::fromLimbs(std::vector<Limb> limbs)
{
    BigInt r;
    r.m_limbs = std::move(limbs);
    r.trim();
    return r;
}

BigInt BigInt::fromBytes(std::span<const std::uint8_t> bigEndian)
{
    std::vector<Limb> limbs((bigEndian.size() + 7) / 8, 0);
    for (std::size_t i = 0; i < bigEndian.size(); ++i) {
        const std::size_t fromRight = bigEndian.size() - 1 - i;
        limbs[fromRight / 8] |= Limb(bigEndian[i]) << (8 * (fromRight % 8));
    }
    return fromLimbs(std::move(limbs));
}

Bytes BigInt::toBytes() const
{
    return toBytes(byteLength());
}

Bytes BigInt::toBytes(std::size_t length) const
{
    if (byteLength() > length)
        throw CryptoError("the number needs " + std::to_string(byteLength()) + " bytes but only " +
                          std::to_string(length) + " are available");
    Bytes out(length, 0);
    for (std::size_t i = 0; i < byteLength(); ++i)
        out[length - 1 - i] = std::uint8_t(m_limbs[i / 8] >> (8 * (i % 8)));
    return out;
}

namespace {

// r = r * factor + addend, in place; used by the text parsers.
void mulAddSmall(std::vector<Limb> &r, Limb factor, Limb addend)
{
    Limb carry = addend;
    for (Limb &l : r) {
        const Wide t = Wide(l) * factor + carry;
        l = Limb(t);
        carry = Limb(t >> 64);
    }
    if (carry)
        r.push_back(carry);
}

// r = r / divisor in place; returns the remainder.
Limb divSmall(std::vector<Limb> &r, Limb divisor)
{
    Wide rem = 0;
    for (std::size_t i = r.size(); i-- > 0;) {
        const Wide cur = (rem << 64) | r[i];
        r[i] = Limb(cur / divisor);
        rem = cur % divisor;
    }
    while (!r.empty() && r.back() == 0)
        r.pop_back();
    return Limb(rem);
}

} // namespace

std::optional<BigInt> BigInt::fromDecimal(std::string_view digits)
{
    if (digits.empty())
        return std::nullopt;
    std::vector<Limb> limbs;
    for (char c : digits) {
        if (c < '0' || c > '9')
            return std::nullopt;
        mulAddSmall(limbs, 10, Limb(c - '0'));
    }
    return fromLimbs(std::move(limbs));
}

std::optional<BigInt> BigInt::fromHex(std::string_view digits)
{
    if (digits.empty())
        return std::nullopt;
    std::vector<Limb> limbs((digits.size() + 15) / 16, 0);
    for (std::size_t i = 0; i < digits.size(); ++i) {
        const char c = digits[digits.size() - 1 - i];
        int v = -1;
        if (c >= '0' && c <= '9')
            v = c - '0';
        else if (c >= 'a' && c <= 'f')
            v = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v = c - 'A' + 10;
        if (v < 0)
            return std::nullopt;
        limbs[i / 16] |= Limb(v) << (4 * (i % 16));
    }
    return fromLimbs(std::move(limbs));
}

std::string BigInt::toDecimal() const
{
    if (isZero())
        return "0";
    std::vector<Limb> rest = m_limbs;
    std::string out;
    constexpr Limb kChunk = 10'000'000'000'000'000'000ull; // 10^19, the largest power in a limb
    while (!rest.empty()) {
        Limb part = divSmall(rest, kChunk);
        for (int i = 0; i < 19 && (part != 0 || !rest.empty()); ++i) {
            out.push_back(char('0' + part % 10));
            part /= 10;
        }
    }
    std::reverse(out.begin(), out.end());
    return out;
}

std::string BigInt::toHex() const
{
    if (isZero())
        return "0";
    std::string hex = crypto::toHex(toBytes());
    return hex.substr(hex.find_first_not_of('0'));
}

std::size_t BigInt::bitLength() const
{
    if (m_limbs.empty())
        return 0;
    return 64 * m_limbs.size() - std::size_t(std::countl_zero(m_limbs.back()));
}

bool BigInt::bit(std::size_t index) const
{
    const std::size_t limb = index / 64;
    return limb < m_limbs.size() && ((m_limbs[limb] >> (index % 64)) & 1);
}

void BigInt::setBit(std::size_t index)
{
    const std::size_t limb = index / 64;
    if (limb >= m_limbs.size())
        m_limbs.resize(limb + 1, 0);
    m_limbs[limb] |= Limb(1) << (index % 64);
}

void BigInt::wipe()
{
    secureWipe(std::span<std::uint8_t>(reinterpret_cast<std::uint8_t *>(m_limbs.data()),
                                       m_limbs.size() * sizeof(Limb)));
    m_limbs.clear();
}

std::uint64_t BigInt::modSmall(std::uint64_t divisor) const
{
    if (divisor == 0)
        throw CryptoError("division by zero");
    Wide rem = 0;
    for (std::size_t i = m_limbs.size(); i-- > 0;)
        rem = ((rem << 64) | m_limbs[i]) % divisor;
    return Limb(rem);
}

// ---- comparison and arithmetic --------------------------------------------------------------

std::strong_ordering operator<=>(const BigInt &a, const BigInt &b)
{
    if (a.m_limbs.size() != b.m_limbs.size())
        return a.m_limbs.size() <=> b.m_limbs.size();
    for (std::size_t i = a.m_limbs.size(); i-- > 0;)
        if (a.m_limbs[i] != b.m_limbs[i])
            return a.m_limbs[i] <=> b.m_limbs[i];
    return std::strong_ordering::equal;
}

BigInt operator+(const BigInt &a, const BigInt &b)
{
    const auto &x = a.m_limbs.size() >= b.m_limbs.size() ? a.m_limbs : b.m_limbs;
    const auto &y = a.m_limbs.size() >= b.m_limbs.size() ? b.m_limbs : a.m_limbs;
    std::vector<Limb> r(x.size() + 1, 0);
    Limb carry = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const Wide t = Wide(x[i]) + (i < y.size() ? y[i] : 0) + carry;
        r[i] = Limb(t);
        carry = Limb(t >> 64);
    }
    r[x.size()] = carry;
    return BigInt::fromLimbs(std::move(r));
}

BigInt operator-(const BigInt &a, const BigInt &b)
{
    if (a < b)
        throw CryptoError("unsigned subtraction would go below zero");
    std::vector<Limb> r(a.m_limbs.size(), 0);
    Limb borrow = 0;
    for (std::size_t i = 0; i < r.size(); ++i) {
        const Limb bi = i < b.m_limbs.size() ? b.m_limbs[i] : 0;
        const Limb d = a.m_limbs[i] - bi;
        const Limb nb = Limb(a.m_limbs[i] < bi);
        r[i] = d - borrow;
        borrow = nb | Limb(d < borrow);
    }
    return BigInt::fromLimbs(std::move(r));
}

BigInt operator*(const BigInt &a, const BigInt &b)
{
    if (a.isZero() || b.isZero())
        return {};
    const auto &x = a.m_limbs, &y = b.m_limbs;
    std::vector<Limb> r(x.size() + y.size(), 0);
    for (std::size_t i = 0; i < x.size(); ++i) {
        Limb carry = 0;
        for (std::size_t j = 0; j < y.size(); ++j) {
            const Wide t = Wide(x[i]) * y[j] + r[i + j] + carry;
            r[i + j] = Limb(t);
            carry = Limb(t >> 64);
        }
        r[i + y.size()] = carry;
    }
    return BigInt::fromLimbs(std::move(r));
}

BigInt operator<<(const BigInt &a, std::size_t bits)
{
    if (a.isZero())
        return {};
    const std::size_t limbs = bits / 64, shift = bits % 64;
    std::vector<Limb> r(a.m_limbs.size() + limbs + 1, 0);
    for (std::size_t i = 0; i < a.m_limbs.size(); ++i) {
        r[i + limbs] |= a.m_limbs[i] << shift;
        if (shift)
            r[i + limbs + 1] |= a.m_limbs[i] >> (64 - shift);
    }
    return BigInt::fromLimbs(std::move(r));
}

BigInt operator>>(const BigInt &a, std::size_t bits)
{
    const std::size_t limbs = bits / 64, shift = bits % 64;
    if (limbs >= a.m_limbs.size())
        return {};
    std::vector<Limb> r(a.m_limbs.size() - limbs, 0);
    for (std::size_t i = 0; i < r.size(); ++i) {
        r[i] = a.m_limbs[i + limbs] >> shift;
        if (shift && i + limbs + 1 < a.m_limbs.size())
            r[i] |= a.m_limbs[i + limbs + 1] << (64 - shift);
    }
    return BigInt::fromLimbs(std::move(r));
}

DivMod divMod(const BigInt &dividend, const BigInt &divisor)
{
    if (divisor.isZero())
        throw CryptoError("division by zero");
    if (dividend < divisor)
        return {BigInt(), dividend};
    const auto &b = divisor.limbs();
    if (b.size() == 1) {
        std::vector<Limb> q = dividend.limbs();
        const Limb rem = divSmall(q, b[0]);
        return {BigInt::fromLimbs(std::move(q)), BigInt(rem)};
    }

    // Normalise so the divisor's top limb has its top bit set; then each estimated quotient
    // limb is at most 2 too large (Knuth's theorem B).
    const std::size_t n = b.size();
    const int s = std::countl_zero(b.back());
    const std::vector<Limb> v = (divisor << std::size_t(s)).limbs();
    std::vector<Limb> u = (dividend << std::size_t(s)).limbs();
    u.resize(dividend.limbs().size() + 1, 0);
    const std::size_t m = u.size() - n - 1;
    std::vector<Limb> q(m + 1, 0);

    for (std::size_t j = m + 1; j-- > 0;) {
        const Wide num = (Wide(u[j + n]) << 64) | u[j + n - 1];
        Wide qhat = num / v[n - 1];
        Wide rhat = num % v[n - 1];
        while (qhat >> 64 || qhat * v[n - 2] > ((rhat << 64) | u[j + n - 2])) {
            --qhat;
            rhat += v[n - 1];
            if (rhat >> 64)
                break;
        }
        // u[j..j+n] -= qhat * v
        Limb mulCarry = 0, borrow = 0;
        for (std::size_t i = 0; i <= n; ++i) {
            Limb plo;
            if (i < n) {
                const Wide p = qhat * v[i] + mulCarry;
                plo = Limb(p);
                mulCarry = Limb(p >> 64);
            } else {
                plo = mulCarry;
            }
            const Limb ui = u[i + j];
            const Limb d = ui - plo;
            const Limb nb = Limb(ui < plo);
            u[i + j] = d - borrow;
            borrow = nb | Limb(d < borrow);
        }
        if (borrow) { // qhat was one too large: add v back
            --qhat;
            Limb carry = 0;
            for (std::size_t i = 0; i < n; ++i) {
                const Wide t = Wide(u[i + j]) + v[i] + carry;
                u[i + j] = Limb(t);
                carry = Limb(t >> 64);
            }
            u[j + n] += carry;
        }
        q[j] = Limb(qhat);
    }
    u.resize(n);
    return {BigInt::fromLimbs(std::move(q)), BigInt::fromLimbs(std::move(u)) >> std::size_t(s)};
}

BigInt operator/(const BigInt &a, const BigInt &b)
{
    return divMod(a, b).quotient;
}

BigInt operator%(const BigInt &a, const BigInt &b)
{
    return divMod(a, b).remainder;
}

BigInt gcd(BigInt a, BigInt b)
{
    while (!b.isZero()) {
        BigInt r = a % b;
        a = std::move(b);
        b = std::move(r);
    }
    return a;
}

BigInt lcm(const BigInt &a, const BigInt &b)
{
    if (a.isZero() || b.isZero())
        return {};
    return a / gcd(a, b) * b;
}

std::optional<BigInt> modInverse(const BigInt &a, const BigInt &m)
{
    if (m < BigInt(2))
        return std::nullopt;
    // Extended Euclid keeping the coefficient of a reduced modulo m, so no negative numbers
    // appear: invariant r_i = t_i * a (mod m).
    BigInt r0 = m, r1 = a % m, t0 = 0, t1 = 1;
    while (!r1.isZero()) {
        DivMod qr = divMod(r0, r1);
        BigInt t2 = (t0 + m - (qr.quotient * t1) % m) % m;
        r0 = std::move(r1);
        r1 = std::move(qr.remainder);
        t0 = std::move(t1);
        t1 = std::move(t2);
    }
    if (r0 != BigInt(1))
        return std::nullopt;
    return t0;
}

} // namespace wb::crypto
