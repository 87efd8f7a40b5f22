#include "rsaparts.h"
#include "common.h"
#include "richtext.h"

#include "crypto/core/events.h"
#include "crypto/core/rsa.h"

#include <QApplication>
#include <QCoreApplication>
#include <QScrollBar>

#include <algorithm>
#include <optional>

namespace wb::crypto::ui {

namespace {

// Auto shows a number in decimal up to this many digits (about 128 bits), else in hex.
constexpr std::size_t kAutoDecimalDigits = 40;
// Exponents up to this many bits are drawn bit by bit.
constexpr std::size_t kDrawnExponentBits = 256;
// A key smaller than this cannot hold an OAEP-SHA256 block (k >= 66 bytes).
constexpr std::int64_t kPaddingKeyBits = 1024;

// The page's translation context, kept for the views' sentences.
QString tr(const char *text)
{
    return QCoreApplication::translate("wb::crypto::ui::RsaPage", text);
}

QString fromStd(const std::string &s)
{
    return QString::fromStdString(s);
}

// Digits in groups of `group` counted from the right, so long numbers wrap at the spaces.
QString grouped(const QString &digits, int group)
{
    if (digits.size() <= 12)
        return digits;
    QString out;
    const int lead = int(digits.size()) % group;
    for (int i = 0; i < int(digits.size()); ++i) {
        if (i && (i - lead) % group == 0)
            out += QLatin1Char(' ');
        out += digits[i];
    }
    return out;
}

// Bytes in hex with one colour per segment; runs of more than 12 equal bytes are shortened to
// "ff ff ff … ff (202 bytes)" so a 2048-bit block stays readable.
struct Segment
{
    Bytes bytes;
    QColor color;
};
QString coloredBytes(const std::vector<Segment> &segments)
{
    QStringList parts;
    for (const Segment &seg : segments) {
        const Bytes &b = seg.bytes;
        if (b.empty())
            continue;
        const bool run =
            b.size() > 12 && std::all_of(b.begin(), b.end(), [&](auto x) { return x == b[0]; });
        const QString text = run ? QStringLiteral("%1 %1 %1 … %1 (%2 bytes)")
                                       .arg(hexBytes(Bytes{b[0]}))
                                       .arg(b.size())
                                 : hexBytes(b);
        parts << shaded(text, seg.color);
    }
    return monospace(parts.join(QLatin1Char(' ')));
}

Bytes slice(const Bytes &b, std::size_t from, std::size_t count)
{
    from = std::min(from, b.size());
    count = std::min(count, b.size() - from);
    return Bytes(b.begin() + std::ptrdiff_t(from), b.begin() + std::ptrdiff_t(from + count));
}

QString shortHex(const Bytes &b)
{
    if (b.size() <= 24)
        return hexBytes(b);
    return hexBytes(slice(b, 0, 16)) + QStringLiteral(" … ") +
           hexBytes(slice(b, b.size() - 6, 6)) + QStringLiteral(" (%1 bytes)").arg(b.size());
}

// A long number on one line: its first 16 and last 8 hex digits.
QString compactHex(const Bytes &b)
{
    const QString hex = hexBytes(b, false);
    return QStringLiteral("<nobr>%1</nobr>")
        .arg(hex.size() <= 32 ? hex : hex.left(16) + QStringLiteral("…") + hex.right(8));
}

QString binary(const BigInt &x)
{
    if (x.isZero())
        return QStringLiteral("0");
    QString s;
    for (std::size_t i = x.bitLength(); i-- > 0;)
        s += x.bit(i) ? QLatin1Char('1') : QLatin1Char('0');
    return s;
}

// Marks the row of the current step; the view scrolls to it.
const QString kNowAnchor = QStringLiteral("<a name=\"now\"></a>");

QString note(const QString &text)
{
    return QStringLiteral("<p>%1</p>").arg(faded(text));
}

// A table whose rules keep 4.5:1 against the page in the palette in use.
QString tableStart()
{
    const QColor base = QApplication::palette().color(QPalette::Base);
    return QStringLiteral("<table cellspacing=\"0\" cellpadding=\"4\" border=\"1\" "
                          "style=\"border-collapse:collapse; border-color:%1\" width=\"100%\">")
        .arg(legibleOn(QApplication::palette().color(QPalette::Mid), base).name());
}

QString row(const QStringList &cells, const QString &background = {})
{
    QString r = background.isEmpty()
                    ? QStringLiteral("<tr>")
                    : QStringLiteral("<tr style=\"background-color:%1\">").arg(background);
    for (const QString &c : cells)
        r += QStringLiteral("<td valign=\"top\">%1</td>").arg(c);
    return r + QStringLiteral("</tr>");
}

QString headerRow(const QStringList &cells)
{
    QString r = QStringLiteral("<tr>");
    for (const QString &c : cells)
        r += QStringLiteral("<th align=\"left\">%1</th>").arg(c);
    return r + QStringLiteral("</tr>");
}

// What an exponentiation computes, in the lesson's letters.
QString runFormula(const ModexpRun &run)
{
    if (run.name == "public")
        return tr("c = m<sup>e</sup> mod n");
    if (run.name == "private")
        return tr("m = c<sup>d</sup> mod n");
    if (run.name == "crt_p")
        return tr("m<sub>p</sub> = c<sup>dP</sup> mod p");
    if (run.name == "crt_q")
        return tr("m<sub>q</sub> = c<sup>dQ</sup> mod q");
    return fromStd(run.name);
}

std::optional<BigInt> parseNumber(const QString &text)
{
    return BigInt::fromDecimal(text.trimmed().toStdString());
}

// ---------------------------------------------------------------------------------------------
// Key generation

// The search for p and q: what each test threw out, per prime.
QString searchHtml(const RsaLabState &s, const RsaNumberStyle &num)
{
    QString h;
    h += tr("<h3>Generating a %1-bit key, e = %2</h3>").arg(s.bits).arg(num.number(s.e));
    h += tr("<p>Each prime is a random %1-bit odd number with its top two bits set, so that "
            "p·q has "
            "exactly %2 bits. A candidate first meets the <b>sieve</b> (division by every "
            "prime below "
            "2000); survivors face <b>Miller–Rabin</b> with random bases. One round lets a "
            "composite "
            "through with probability at most ¼; 64 passed rounds leave at most "
            "4<sup>−64</sup>.</p>")
             .arg(s.bits / 2)
             .arg(s.bits);
    h += tableStart() +
         headerRow({tr("prime"), tr("candidates tested"), tr("small factor (sieve)"),
                    tr("Miller–Rabin found a witness"), tr("gcd(e, p−1) ≠ 1"), tr("found")});
    for (const auto &[name, search] : {std::pair{"p", &s.p}, std::pair{"q", &s.q}})
        h += row({QString::fromLatin1(name), QString::number(search->tested),
                  QString::number(search->smallFactor), QString::number(search->composite),
                  QString::number(search->eShares),
                  search->accepted.empty() ? faded(tr("not yet")) : verdict(true, tr("yes"))});
    h += QStringLiteral("</table>");
    return h;
}

// The latest candidates, the newest last, and the one under test.
QString candidatesHtml(const RsaLabState &s, const RsaNumberStyle &num)
{
    QString h;
    const QString fresh = opaqueColor(freshColor());
    if (s.recentCandidates.empty() && s.testing.index == 0)
        return h;
    h += tr("<p><b>Latest candidates</b> (the newest last)</p>") + tableStart() +
         headerRow({tr("#"), tr("candidate"), tr("verdict")});
    // The latest few: with the counts above, they fit on one screen.
    constexpr std::size_t kShown = 8;
    const std::size_t first =
        s.recentCandidates.size() - std::min(s.recentCandidates.size(), kShown);
    for (std::size_t i = first; i < s.recentCandidates.size(); ++i) {
        const RsaCandidate &c = s.recentCandidates[i];
        QString why;
        if (c.result == "small factor")
            why = tr("divisible by %1").arg(c.factor);
        else if (c.result == "composite")
            why =
                tr("composite: round %1 of Miller–Rabin found a witness").arg(c.roundsPassed + 1);
        else if (c.result == "probable prime")
            why = verdict(true, c.roundsPassed
                                    ? tr("probable prime: passed %1 rounds").arg(c.roundsPassed)
                                    : tr("prime (below 2000: the sieve decides)"));
        else
            why = tr("prime, but e divides p−1: e would have no inverse");
        const bool last =
            i + 1 == s.recentCandidates.size() && s.lastKind == events::RsaCandidate::kind;
        h += row({(last ? kNowAnchor : QString()) +
                      QStringLiteral("%1 %2").arg(fromStd(c.prime)).arg(c.index),
                  monospace(s.bits > 128 ? compactHex(c.value) : num.number(c.value)), why},
                 last ? fresh : QString());
    }
    if (s.testing.index > 0)
        h += row({kNowAnchor +
                      QStringLiteral("%1 %2").arg(fromStd(s.testing.prime)).arg(s.testing.index),
                  faded(tr("(under test)")),
                  tr("Miller–Rabin: %1 of 64 rounds passed so far (latest base a = %2)")
                      .arg(s.testing.roundsPassed)
                      .arg(s.bits > 128 ? compactHex(s.testing.lastBase)
                                        : num.number(s.testing.lastBase))},
                 fresh);
    h += QStringLiteral("</table>");
    return h;
}

// The finished key's numbers and the checks a reader can redo by hand.
QString keyHtml(const RsaLabState &s, const RsaNumberStyle &num)
{
    QString h;
    if (s.bits == 0 && s.key.known)
        h += tr("<h3>The textbook key</h3><p>The primes are given: p = 61, q = 53, e = 17, and d "
                "inverts e modulo φ(n), as in the classic textbook example (the tutorial itself "
                "used a random 1024-bit key). Pick a size above to watch a key being searched "
                "for.</p>");
    if (!s.key.known) {
        if (s.bits > 0)
            h += note(tr("Step forward: the key appears when both primes are found."));
        return h;
    }
    const RsaKeyNumbers &k = s.key;
    const bool phi = k.exponent == "phi";
    h += (s.lastKind == events::RsaKey::kind && s.bits > 0 ? kNowAnchor : QString()) +
         tr("<h3>The key: n has %1 bits</h3>").arg(k.bits);
    h += tableStart() + headerRow({tr("number"), tr("value"), tr("role")});
    auto cell = [&](const Bytes &b) {
        return monospace(num.number(b));
    };
    h += row({tr("p"), cell(k.p), tr("secret prime (the larger one)")});
    h += row({tr("q"), cell(k.q), tr("secret prime")});
    h += row({tr("<b>n</b> = p·q"), cell(k.n), tr("<b>public</b> modulus")});
    h += row(
        {tr("φ(n) = (p−1)(q−1)"), cell(k.phi), tr("secret: knowing it means knowing p and q")});
    h += row({tr("λ(n) = lcm(p−1, q−1)"), cell(k.lambda), tr("secret; divides φ(n)")});
    h += row({tr("<b>e</b>"), cell(k.e), tr("<b>public</b> exponent")});
    h += row(
        {phi ? tr("<b>d</b> = e<sup>−1</sup> mod φ(n)") : tr("<b>d</b> = e<sup>−1</sup> mod λ(n)"),
         cell(k.d),
         tr("<b>private</b> exponent: e·d ≡ 1, so (m<sup>e</sup>)<sup>d</sup> ≡ m (mod n)")},
        opaqueColor(lengthColor()));
    h += row({tr("dP = d mod (p−1)"), cell(k.dp), tr("for the CRT: exponent modulo p")});
    h += row({tr("dQ = d mod (q−1)"), cell(k.dq), tr("for the CRT: exponent modulo q")});
    h += row({tr("qInv = q<sup>−1</sup> mod p"), cell(k.qinv), tr("for the CRT recombination")});
    h += QStringLiteral("</table>");
    // The checks a reader can redo by hand, with the numbers of this key.
    const BigInt e = BigInt::fromBytes(k.e), d = BigInt::fromBytes(k.d);
    const BigInt modulus = BigInt::fromBytes(phi ? k.phi : k.lambda);
    if (modulus.isZero())
        return h; // a damaged key: no check to write
    const DivMod ed = divMod(e * d, modulus);
    QString checks = tr("<p><b>Check:</b> e·d = %1 = %2 · %3 + <b>%4</b>.")
                         .arg(num.number((e * d).toBytes()), num.number(ed.quotient.toBytes()),
                              phi ? tr("φ(n)") : tr("λ(n)"), num.number(ed.remainder.toBytes()));
    if (phi && !BigInt::fromBytes(k.lambda).isZero()) {
        if (const auto dl = modInverse(e, BigInt::fromBytes(k.lambda)))
            checks +=
                tr(" Modulo λ(n) = %1, d would be %2: a smaller exponent that decrypts alike.")
                    .arg(num.number(k.lambda), num.number(dl->toBytes()));
    }
    h += checks + QStringLiteral("</p>");
    h += tr("<p><b>Public key</b> = (n, e): publish it. <b>Private key</b> = d, kept with p, q, "
            "dP, dQ and "
            "qInv so that decryption can work modulo p and q separately (see the next tab).</p>");
    if (k.bits < 2048)
        h += note(
            k.bits < 512
                ? tr("A toy: a key this small is factored in an instant. It is here to be read.")
                : tr("Below today's minimum: use 2048 or 3072 bits for anything real."));
    return h;
}

QString keyGenHtml(const RsaLabState &s, const RsaNumberStyle &num)
{
    if (s.bits > 0)
        return searchHtml(s, num) + candidatesHtml(s, num) + keyHtml(s, num);
    return keyHtml(s, num);
}

// ---------------------------------------------------------------------------------------------
// Exponentiation

QString runHtml(const ModexpRun &run, bool current, const RsaNumberStyle &num)
{
    QString h;
    const BigInt exponent = BigInt::fromBytes(run.exponent);
    const std::size_t bits = exponent.bitLength();
    h += QStringLiteral("<p><b>%1</b> = %2<sup>%3</sup> mod %4</p>")
             .arg(runFormula(run), monospace(num.number(run.base)),
                  monospace(num.number(run.exponent)), monospace(num.number(run.modulus)));
    const BigInt base = BigInt::fromBytes(run.base), modulus = BigInt::fromBytes(run.modulus);
    if (base >= modulus)
        h += tr("<p>The base is larger than the modulus, so it is reduced first: %1 mod %2 = "
                "%3.</p>")
                 .arg(num.number(run.base), num.number(run.modulus),
                      num.number((base % modulus).toBytes()));
    if (!run.secret)
        h += tr(
            "<p>The exponent is <b>public</b>: left to right, one bit at a time. Square for every "
            "bit; multiply by the base when the bit is 1.</p>");
    else if (run.window == 1)
        h += tr(
            "<p>The exponent is <b>secret</b>: for every bit, a squaring and then <i>always</i> a "
            "multiplication, by base<sup>1</sup> or by base<sup>0</sup> = 1, so the sequence of "
            "operations does not reveal the bits. That hides only the order of operations: "
            "real code also needs constant-time arithmetic and blinding.</p>");
    else
        h += tr("<p>The exponent is <b>secret</b>: fixed windows of %1 bits. Each window costs %1 "
                "squarings and <i>always</i> one multiplication by base<sup>digit</sup> from a "
                "table "
                "(even for digit 0), so the sequence of operations does not reveal the bits. That "
                "hides only the order of operations: which table entry is read still shows in the "
                "cache unless every entry is read, and real code also blinds the input.</p>")
                 .arg(run.window);
    // Which exponent bits are in: after the first multiplication the top window is in, and
    // each squaring brings in one more bit.
    const std::size_t windows =
        bits ? (bits + std::size_t(run.window) - 1) / std::size_t(run.window) : 0;
    const std::size_t topBits = bits - (windows ? (windows - 1) * std::size_t(run.window) : 0);
    const std::size_t consumed = run.multiplications ? std::min(bits, topBits + run.squarings) : 0;
    if (bits > 0 && bits <= kDrawnExponentBits) {
        QString drawn;
        for (std::size_t i = bits; i-- > 0;) {
            const std::size_t fromTop = bits - 1 - i;
            const QString bit = exponent.bit(i) ? QStringLiteral("1") : QStringLiteral("0");
            drawn += fromTop < consumed
                         ? shaded(QStringLiteral("<b>%1</b>").arg(bit), lengthColor())
                         : faded(bit);
            if (i && i % std::size_t(run.window) == 0 && run.window > 1)
                drawn += QLatin1Char(' ');
        }
        h += tr("<p>Exponent in binary: %1 &nbsp; (shaded: the bits already used)</p>")
                 .arg(monospace(drawn));
    } else if (bits > 0) {
        h += tr("<p>Exponent bits already in: %1 of %2.</p>").arg(consumed).arg(bits);
    }
    h += tableStart() + headerRow({tr("step"), tr("operation"), tr("exponent so far"),
                                   tr("value = base<sup>exponent so far</sup> mod modulus")});
    auto stepRow = [&](const ModexpStep &st, bool last) {
        QString op;
        if (st.square)
            op = tr("square");
        else if (st.index == 1 && !run.secret)
            op = tr("start: the top bit is 1, value = base");
        else if (st.digit == 0)
            op = tr("× base<sup>0</sup> = 1 (digit 0)");
        else
            op = tr("× base<sup>%1</sup>").arg(st.digit);
        const QString sofar =
            st.exponentSoFar.bitLength() <= 64
                ? monospace(binary(st.exponentSoFar)) +
                      faded(QStringLiteral(" = %1").arg(fromStd(st.exponentSoFar.toDecimal())))
                : tr("the top %1 bits").arg(st.exponentSoFar.bitLength());
        // Big values in full only on the current row; the others on one line each.
        const bool big = BigInt::fromBytes(st.value).toDecimal().size() > kAutoDecimalDigits;
        const QString value = big && !last ? compactHex(st.value) : num.number(st.value);
        return row({(last ? kNowAnchor : QString()) + QString::number(st.index), op, sofar,
                    monospace(value)},
                   last ? opaqueColor(freshColor()) : QString());
    };
    const bool all = run.stepCount <= run.recent.size();
    if (!all) {
        for (const ModexpStep &st : run.head)
            h += stepRow(st, false);
        const std::size_t hidden =
            run.stepCount - run.head.size() - std::min<std::size_t>(run.recent.size(), 10);
        h += row({QString(), faded(tr("… %1 more steps …").arg(hidden)), QString(), QString()});
    }
    const std::size_t from =
        all ? 0 : run.recent.size() - std::min<std::size_t>(run.recent.size(), 10);
    for (std::size_t i = from; i < run.recent.size(); ++i)
        h += stepRow(run.recent[i], current && i + 1 == run.recent.size());
    h += QStringLiteral("</table>");
    if (run.done)
        h += (current ? kNowAnchor : QString()) +
             tr("<p>Result: <b>%1</b> &nbsp; (%2 squarings, %3 multiplications)</p>")
                 .arg(monospace(num.number(run.result)))
                 .arg(run.squarings)
                 .arg(run.multiplications);
    return h;
}

QString modexpHtml(const RsaLabState &s, const RsaNumberStyle &num)
{
    QString h;
    const ModexpStep *now = currentModexpStep(s);
    for (std::size_t i = 0; i < s.operations.size(); ++i) {
        const RsaOperation &op = s.operations[i];
        h += QStringLiteral("<h3>%1</h3>").arg(fromStd(op.title).toHtmlEscaped());
        if (op.crt)
            h += tr("<p>With the CRT: m<sub>p</sub> = c<sup>dP</sup> mod p and m<sub>q</sub> = "
                    "c<sup>dQ</sup> "
                    "mod q, two exponentiations with numbers half as long, then one "
                    "recombination.</p>");
        for (std::size_t r = 0; r < op.modexps.size(); ++r) {
            const bool current = now && i + 1 == s.operations.size() && r + 1 == op.modexps.size();
            const bool justEnded = s.lastKind == events::ModexpEnd::kind &&
                                   i + 1 == s.operations.size() && r + 1 == op.modexps.size();
            h += runHtml(op.modexps[r], current || justEnded, num);
        }
        if (op.crtCombined) {
            if (s.lastKind == events::RsaCrtCombine::kind)
                h += kNowAnchor;
            h += tr("<p><b>Recombine</b> (Garner): h = qInv·(m<sub>p</sub> − m<sub>q</sub>) mod p "
                    "= %1; "
                    "m = m<sub>q</sub> + h·q = <b>%2</b></p>")
                     .arg(monospace(num.number(op.h)), monospace(num.number(op.output)));
        }
    }
    if (s.operations.size() == 2 && !s.operations[0].modexps.empty() &&
        !s.operations[1].output.empty()) {
        const Bytes m = BigInt::fromBytes(s.operations[0].modexps[0].base).toBytes();
        h += s.operations[1].output == m
                 ? verdict(true, tr("Decryption gives the message back."))
                 : verdict(false, tr("Decryption does not give the message back."));
    }
    if (s.operations.empty())
        h += note(tr("Step forward to start the encryption."));
    return h;
}

// ---------------------------------------------------------------------------------------------
// Textbook vs padded

// The padding part's operations at the cursor, by the lab's names.
struct PaddingOps
{
    const RsaOperation *textbook[2] = {}, *oaep[2] = {}, *sign = nullptr;

    explicit PaddingOps(const RsaLabState &s)
    {
        int t = 0, o = 0;
        for (const RsaOperation &op : s.operations) {
            if (op.op == "textbook" && t < 2)
                textbook[t++] = &op;
            else if (op.op == "oaep" && o < 2)
                oaep[o++] = &op;
            else if (op.op == "sign")
                sign = &op;
        }
    }
};

// The message encrypted twice by each scheme, side by side.
QString comparisonHtml(const RsaLabState &s, const PaddingOps &ops, const RsaLabInputs &in)
{
    const auto &textbook = ops.textbook;
    const auto &oaep = ops.oaep;
    // The part's key: the lab's, or one of the part's own when the lab's is a toy.
    const std::int64_t bits = s.partKeyBits;
    const std::int64_t k = (bits + 7) / 8;
    const bool ownKey = s.key.bits < kPaddingKeyBits;
    QString h;
    const QByteArray msg = in.paddingText.toUtf8();
    h += tr("<h3>The same message, encrypted twice</h3>");
    h +=
        tr("<p>Message “%1” (%2 bytes: %3). Key: %4 bits, so every ciphertext is k = %5 "
           "bytes.%6</p>")
            .arg(in.paddingText.toHtmlEscaped())
            .arg(msg.size())
            .arg(monospace(hexBytes(Bytes(msg.begin(), msg.end()))))
            .arg(bits)
            .arg(k)
            .arg(!ownKey ? QString()
                         : tr(" (The current key is too small for OAEP, which needs k ≥ 66 bytes: "
                              "this tab uses a 1024-bit key of its own.)"));
    auto cipher = [&](const RsaOperation *op) {
        return op && !op->output.empty()
                   ? monospace(shortHex(BigInt::fromBytes(op->output).toBytes(std::size_t(k))))
                   : faded(tr("(not yet)"));
    };
    auto same = [&](const RsaOperation *const pair[2], const QString &yes, const QString &no) {
        if (!pair[0] || !pair[1] || pair[0]->output.empty() || pair[1]->output.empty())
            return QString();
        return pair[0]->output == pair[1]->output ? verdict(false, yes) : verdict(true, no);
    };
    h += tableStart() +
         headerRow({tr("scheme"), tr("1st ciphertext"), tr("2nd ciphertext"), tr("equal?")});
    h += row({tr("<b>Textbook</b><br>c = m<sup>e</sup> mod n"), cipher(textbook[0]),
              cipher(textbook[1]),
              same(textbook, tr("identical: anyone can test a guess of m by encrypting it"),
                   tr("different"))});
    h += row({tr("<b>OAEP</b> (SHA-256)<br>c = EM<sup>e</sup> mod n"), cipher(oaep[0]),
              cipher(oaep[1]),
              same(oaep, tr("identical"), tr("different: a fresh random seed every time"))});
    h += QStringLiteral("</table>");
    return h;
}

// The OAEP block of the latest OAEP encryption at the cursor, part by part.
QString oaepBlockHtml(const RsaLabState &s, const PaddingOps &ops)
{
    const RsaOperation *shown =
        ops.oaep[1] && ops.oaep[1]->oaepEncoded ? ops.oaep[1] : ops.oaep[0];
    if (!shown || !shown->oaepEncoded)
        return {};
    QString h;
    {
        const RsaOperation &op = *shown;
        const std::size_t hashLen = op.lhash.size();
        const std::size_t ps = std::size_t(op.psLength);
        const Bytes message = slice(op.db, hashLen + ps + 1, op.db.size());
        // The view follows the block while it is being made; the ciphertext lands in the
        // table above.
        if (&op == &s.operations.back() && op.output.empty())
            h += kNowAnchor;
        h += tr("<h3>Inside %1 (RFC 8017 §7.1.1)</h3>").arg(fromStd(op.title).toHtmlEscaped());
        h += tableStart() + headerRow({tr("block"), tr("bytes"), tr("hex")});
        h += row({tr("lHash = SHA-256(label), label empty"), QString::number(hashLen),
                  coloredBytes({{op.lhash, lengthColor()}})});
        h += row({tr("DB = lHash ‖ PS ‖ 01 ‖ M<br>(PS: zero bytes filling up to k − 33)"),
                  QString::number(op.db.size()),
                  coloredBytes({{op.lhash, lengthColor()},
                                {slice(op.db, hashLen, ps), paddingColor()},
                                {slice(op.db, hashLen + ps, 1), freshColor()},
                                {message, messageColor()}})});
        h += row({tr("seed: 32 random bytes, new every time"), QString::number(op.seed.size()),
                  coloredBytes({{op.seed, freshColor()}})});
        h += row({tr("dbMask = MGF1(seed, |DB|)"), QString::number(op.dbMask.size()),
                  monospace(shortHex(op.dbMask))});
        h += row({tr("maskedDB = DB ⊕ dbMask"), QString::number(op.maskedDb.size()),
                  monospace(shortHex(op.maskedDb))});
        h += row({tr("seedMask = MGF1(maskedDB, 32)"), QString::number(op.seedMask.size()),
                  monospace(hexBytes(op.seedMask))});
        h += row({tr("maskedSeed = seed ⊕ seedMask"), QString::number(op.maskedSeed.size()),
                  monospace(hexBytes(op.maskedSeed))});
        h += row({tr("<b>EM</b> = 00 ‖ maskedSeed ‖ maskedDB"), QString::number(op.em.size()),
                  monospace(shortHex(op.em))},
                 opaqueColor(messageColor()));
        h += QStringLiteral("</table>");
        h += tr(
            "<p>Every byte of EM depends on the seed, and decryption checks lHash, the zeros and "
            "the 01 "
            "after unmasking: a changed ciphertext is rejected instead of decrypting to something "
            "related.</p>");
    }
    return h;
}

// The PKCS#1 v1.5 signature block, once encoded.
QString pkcs1BlockHtml(const RsaLabState &s, const PaddingOps &ops)
{
    if (!ops.sign || !ops.sign->pkcs1Encoded)
        return {};
    QString h;
    {
        const RsaOperation &op = *ops.sign;
        const std::size_t k = op.em.size();
        const std::size_t infoLen = op.digestInfo.size();
        const std::size_t ffLen = k - 3 - infoLen;
        const std::size_t prefixLen = infoLen - op.digest.size();
        if (&op == &s.operations.back() && op.output.empty())
            h += kNowAnchor;
        h += tr("<h3>PKCS#1 v1.5 signature with SHA-256 (RFC 8017 §8.2.1)</h3>");
        h += tableStart() + headerRow({tr("block"), tr("bytes"), tr("hex")});
        h += row({tr("H = SHA-256(message)"), QString::number(op.digest.size()),
                  coloredBytes({{op.digest, messageColor()}})});
        h += row({tr("DigestInfo = DER prefix naming SHA-256 ‖ H"), QString::number(infoLen),
                  coloredBytes({{slice(op.digestInfo, 0, prefixLen), lengthColor()},
                                {op.digest, messageColor()}})});
        h += row({tr("<b>EM</b> = 00 01 FF…FF 00 ‖ DigestInfo"), QString::number(k),
                  coloredBytes({{slice(op.em, 0, 2), freshColor()},
                                {slice(op.em, 2, ffLen), paddingColor()},
                                {slice(op.em, 2 + ffLen, 1), freshColor()},
                                {slice(op.em, 3 + ffLen, prefixLen), lengthColor()},
                                {op.digest, messageColor()}})},
                 QString());
        h += row({tr("<b>s</b> = EM<sup>d</sup> mod n"), QString::number(k),
                  op.output.empty()
                      ? faded(tr("(step on: the CRT exponentiations)"))
                      : monospace(shortHex(BigInt::fromBytes(op.output).toBytes(k)))});
        h += QStringLiteral("</table>");
        h += tr("<p>The verifier computes s<sup>e</sup> mod n and compares it with the block it "
                "builds "
                "itself from the message, byte for byte. The tutorial instead signed a raw MD5 "
                "digest: "
                "no structure to check, and MD5 collides.</p>");
    }
    return h;
}

QString paddingHtml(const RsaLabState &s, const RsaLabInputs &in)
{
    const PaddingOps ops(s);
    return comparisonHtml(s, ops, in) + oaepBlockHtml(s, ops) + pkcs1BlockHtml(s, ops);
}

// ---------------------------------------------------------------------------------------------
// Malleability

QString malleateHtml(const RsaLabState &s, const RsaNumberStyle &num, const RsaLabInputs &in)
{
    const RsaOperation *enc = nullptr, *mall = nullptr, *dec = nullptr;
    for (const RsaOperation &op : s.operations) {
        if (op.op == "encrypt")
            enc = &op;
        else if (op.op == "malleate")
            mall = &op;
        else if (op.op == "decrypt")
            dec = &op;
    }
    const auto m = parseNumber(in.malleateM).value_or(BigInt());
    const auto sFactor = parseNumber(in.malleateS).value_or(BigInt(1));
    if (!s.key.known)
        return note(tr("The lab's trace holds no key: nothing to show."));
    const RsaPublicKey pub{BigInt::fromBytes(s.key.n), BigInt::fromBytes(s.key.e)};
    QString h = tr("<h3>Textbook RSA is malleable</h3>"
                   "<p>Key: n = %1, e = %2. The attacker sees the public key and the ciphertext, "
                   "nothing else.</p>")
                    .arg(num.folded(QStringLiteral("n"), pub.n.toBytes()),
                         num.folded(QStringLiteral("e"), pub.e.toBytes()));
    h += tableStart() + headerRow({tr("who"), tr("does"), tr("value")});
    const QString now = opaqueColor(freshColor());
    auto latest = [&](const RsaOperation *op) {
        return !s.operations.empty() && op == &s.operations.back();
    };
    h += row({tr("owner"), tr("message m"), num.folded(QStringLiteral("m"), m.toBytes())});
    if (enc)
        h += row({tr("owner"), tr("c = m<sup>e</sup> mod n"),
                  enc->output.empty() ? faded(tr("(computing)"))
                                      : num.folded(QStringLiteral("c"), enc->output)},
                 latest(enc) ? now : QString());
    if (mall) {
        const BigInt sE = modPow(sFactor, pub.e, pub.n, ExponentKind::Public);
        h += row({tr("attacker"), tr("picks s, computes s<sup>e</sup> mod n"),
                  tr("s = %1, s<sup>e</sup> mod n = %2")
                      .arg(num.folded(QStringLiteral("s"), sFactor.toBytes()),
                           num.folded(QStringLiteral("se"), sE.toBytes()))});
        h += row({tr("attacker"), tr("c′ = c · s<sup>e</sup> mod n"),
                  mall->malleated ? num.folded(QStringLiteral("cprime"), mall->cPrime)
                                  : faded(tr("(computing)"))},
                 latest(mall) ? now : QString());
    }
    if (dec) {
        h += row({tr("owner"), tr("decrypts c′: c′<sup>d</sup> mod n"),
                  dec->output.empty() || !dec->crtCombined
                      ? faded(tr("(step on: CRT exponentiations)"))
                      : QStringLiteral("<b>%1</b>")
                            .arg(num.folded(QStringLiteral("out"), dec->output))},
                 latest(dec) ? now : QString());
        if (!dec->output.empty() && dec->crtCombined) {
            const BigInt expected = m * sFactor % pub.n;
            const bool ok = BigInt::fromBytes(dec->output) == expected;
            h +=
                row({QString(), tr("compare: m · s mod n"),
                     num.folded(QStringLiteral("ms"), expected.toBytes()) +
                         QStringLiteral(" &nbsp; ") +
                         (ok ? verdict(false,
                                       tr("equal: the attacker changed the plaintext predictably, "
                                          "without the private key"))
                             : verdict(true, tr("different")))});
        }
    }
    h += QStringLiteral("</table>");
    h += tr(
        "<p><b>Why:</b> c · s<sup>e</sup> = m<sup>e</sup> · s<sup>e</sup> = (m·s)<sup>e</sup> "
        "(mod n). "
        "Textbook RSA turns products into products. In a protocol that means an attacker can, for "
        "example, double an amount in an encrypted order, or ask a decryption service to decrypt "
        "c′ and divide the answer by s to get m.</p>"
        "<p><b>The fix:</b> OAEP (previous tab). Its encoded block has structure that decryption "
        "checks; c · s<sup>e</sup> decrypts to a block that fails the check, so it is "
        "rejected.</p>");
    return h;
}

} // namespace

// ---------------------------------------------------------------------------------------------
// Numbers

QString RsaNumberStyle::number(const Bytes &bigEndian) const
{
    const BigInt x = BigInt::fromBytes(bigEndian);
    const std::string dec = x.toDecimal();
    const bool decimal =
        base == Base::Decimal || (base == Base::Auto && dec.size() <= kAutoDecimalDigits);
    if (decimal)
        return grouped(fromStd(dec), 3);
    return QStringLiteral("0x") + grouped(fromStd(x.toHex()), 8);
}

QString RsaNumberStyle::folded(const QString &id, const Bytes &bigEndian) const
{
    // A long number shows its first and last digits and how many lie between; a link
    // unfolds it (and folds it again), and the tooltip of the view explains the link.
    constexpr int kKeep = 12;
    const QString full = number(bigEndian);
    QString digits = full;
    digits.remove(QLatin1Char(' '));
    const bool hex = digits.startsWith(QLatin1String("0x"));
    if (hex)
        digits.remove(0, 2);
    if (digits.size() <= 4 * kKeep)
        return monospace(full);
    if (unfolded.contains(id))
        return monospace(full) + QStringLiteral(" <a href=\"fold:%1\">%2</a>").arg(id, tr("fold"));
    const QString shortForm = QStringLiteral("%1%2 …(%3 digits)… %4")
                                  .arg(hex ? QStringLiteral("0x") : QString(), digits.left(kKeep))
                                  .arg(digits.size())
                                  .arg(digits.right(kKeep));
    return monospace(shortForm) +
           QStringLiteral(" <a href=\"unfold:%1\">%2</a>").arg(id, tr("show all"));
}

// ---------------------------------------------------------------------------------------------
// The views

RsaPartView::RsaPartView(RsaLabPart part, QWidget *parent) : QTextBrowser(parent), m_part(part)
{
    setOpenLinks(false);
    document()->setDocumentMargin(10);
    setLineWrapMode(QTextEdit::WidgetWidth);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff); // everything wraps
    // The names a screen reader gives each part.
    static const char *const names[][2] = {
        {QT_TRANSLATE_NOOP("wb::crypto::ui::RsaPage", "Key generation"),
         QT_TRANSLATE_NOOP(
             "wb::crypto::ui::RsaPage",
             "The primes p and q, n, φ(n) or λ(n), e and d as the key is made, step by step")},
        {QT_TRANSLATE_NOOP("wb::crypto::ui::RsaPage", "Exponentiation"),
         QT_TRANSLATE_NOOP(
             "wb::crypto::ui::RsaPage",
             "Square-and-multiply, one exponent bit a row, for encryption and decryption")},
        {QT_TRANSLATE_NOOP("wb::crypto::ui::RsaPage", "Textbook and padded encryption"),
         QT_TRANSLATE_NOOP(
             "wb::crypto::ui::RsaPage",
             "The same message encrypted twice with textbook RSA and with OAEP, and the OAEP "
             "block's parts")},
        {QT_TRANSLATE_NOOP("wb::crypto::ui::RsaPage", "Malleability"),
         QT_TRANSLATE_NOOP(
             "wb::crypto::ui::RsaPage",
             "The owner's message and ciphertext, the attacker's change to the ciphertext, and "
             "what the owner decrypts; long numbers are folded, with a link to show them whole")}};
    setAccessibleName(ui::tr(names[int(part)][0]));
    setAccessibleDescription(ui::tr(names[int(part)][1]));
}

void RsaPartView::draw(const RsaLabState &state, const RsaNumberStyle &numbers,
                       const RsaLabInputs &inputs, bool moved)
{
    QString text;
    switch (m_part) {
    case RsaLabPart::KeyGen:
        text = keyGenHtml(state, numbers);
        break;
    case RsaLabPart::Modexp:
        text = modexpHtml(state, numbers);
        break;
    case RsaLabPart::Padding:
        text = paddingHtml(state, inputs);
        break;
    case RsaLabPart::Malleate:
        text = malleateHtml(state, numbers, inputs);
        break;
    }
    // Follow the row the last step changed (marked with the anchor "now"); a redraw at the same
    // position (another number base, a palette, a number unfolded) keeps the reader's place.
    const int scroll = verticalScrollBar()->value();
    setHtml(text);
    if (moved && text.contains(kNowAnchor))
        scrollToAnchor(QStringLiteral("now"));
    else
        verticalScrollBar()->setValue(moved ? 0 : scroll);
}

void RsaPartView::drawNote(const QString &text)
{
    setHtml(note(text));
}

} // namespace wb::crypto::ui
