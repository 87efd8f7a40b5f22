#include "rsa_openssl_ref.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/encoder.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <memory>
#include <stdexcept>

namespace ref::rsa {

namespace {

[[noreturn]] void fail(const std::string &what)
{
    char buf[256] = {};
    ERR_error_string_n(ERR_get_error(), buf, sizeof buf);
    ERR_clear_error();
    throw std::runtime_error("OpenSSL: " + what + ": " + buf);
}

struct BnFree
{
    void operator()(BIGNUM *b) const { BN_free(b); }
};
using Bn = std::unique_ptr<BIGNUM, BnFree>;
struct CtxFree
{
    void operator()(BN_CTX *c) const { BN_CTX_free(c); }
};
struct PkeyFree
{
    void operator()(EVP_PKEY *k) const { EVP_PKEY_free(k); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
struct PctxFree
{
    void operator()(EVP_PKEY_CTX *c) const { EVP_PKEY_CTX_free(c); }
};
using Pctx = std::unique_ptr<EVP_PKEY_CTX, PctxFree>;

Bn bn(const Bytes &b)
{
    return Bn(BN_bin2bn(b.data(), int(b.size()), nullptr));
}

Bytes bytes(const BIGNUM *b)
{
    Bytes out(std::size_t(BN_num_bytes(b)));
    BN_bn2bin(b, out.data());
    return out;
}

template <class Op> Bytes binary(const Bytes &a, const Bytes &b, Op op)
{
    std::unique_ptr<BN_CTX, CtxFree> ctx(BN_CTX_new());
    Bn x = bn(a), y = bn(b), r(BN_new());
    if (!op(r.get(), x.get(), y.get(), ctx.get()))
        fail("BIGNUM operation");
    return bytes(r.get());
}

Pkey load(const std::string &pem)
{
    BIO *bio = BIO_new_mem_buf(pem.data(), int(pem.size()));
    EVP_PKEY *key = pem.find("PRIVATE KEY") != std::string::npos
                        ? PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr)
                        : PEM_read_bio_PUBKEY(bio, nullptr, nullptr, nullptr);
    BIO_free(bio);
    if (!key)
        fail("cannot read the PEM key");
    return Pkey(key);
}

std::string pemOf(EVP_PKEY *key, bool privatePart)
{
    BIO *bio = BIO_new(BIO_s_mem());
    const int ok = privatePart
                       ? PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr)
                       : PEM_write_bio_PUBKEY(bio, key);
    if (!ok) {
        BIO_free(bio);
        fail("cannot write PEM");
    }
    char *data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    std::string out(data, std::size_t(len));
    BIO_free(bio);
    return out;
}

// A context for `key` with RSA padding and SHA-256 set as each operation needs.
Pctx context(EVP_PKEY *key)
{
    return Pctx(EVP_PKEY_CTX_new_from_pkey(nullptr, key, nullptr));
}

void setOaep(EVP_PKEY_CTX *ctx)
{
    if (EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) <= 0 ||
        EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha256()) <= 0 ||
        EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha256()) <= 0)
        fail("OAEP parameters");
}

} // namespace

Bytes bnAdd(const Bytes &a, const Bytes &b)
{
    return binary(a, b, [](BIGNUM *r, BIGNUM *x, BIGNUM *y, BN_CTX *) { return BN_add(r, x, y); });
}
Bytes bnSub(const Bytes &a, const Bytes &b)
{
    return binary(a, b, [](BIGNUM *r, BIGNUM *x, BIGNUM *y, BN_CTX *) { return BN_sub(r, x, y); });
}
Bytes bnMul(const Bytes &a, const Bytes &b)
{
    return binary(a, b,
                  [](BIGNUM *r, BIGNUM *x, BIGNUM *y, BN_CTX *c) { return BN_mul(r, x, y, c); });
}
Bytes bnDiv(const Bytes &a, const Bytes &b)
{
    return binary(a, b, [](BIGNUM *r, BIGNUM *x, BIGNUM *y, BN_CTX *c) {
        return BN_div(r, nullptr, x, y, c);
    });
}
Bytes bnMod(const Bytes &a, const Bytes &b)
{
    return binary(a, b,
                  [](BIGNUM *r, BIGNUM *x, BIGNUM *y, BN_CTX *c) { return BN_mod(r, x, y, c); });
}
Bytes bnGcd(const Bytes &a, const Bytes &b)
{
    return binary(a, b,
                  [](BIGNUM *r, BIGNUM *x, BIGNUM *y, BN_CTX *c) { return BN_gcd(r, x, y, c); });
}

std::optional<Bytes> bnModInverse(const Bytes &a, const Bytes &m)
{
    std::unique_ptr<BN_CTX, CtxFree> ctx(BN_CTX_new());
    Bn x = bn(a), y = bn(m), r(BN_new());
    if (!BN_mod_inverse(r.get(), x.get(), y.get(), ctx.get())) {
        ERR_clear_error();
        return std::nullopt;
    }
    return bytes(r.get());
}

Bytes bnModExp(const Bytes &base, const Bytes &exponent, const Bytes &modulus)
{
    std::unique_ptr<BN_CTX, CtxFree> ctx(BN_CTX_new());
    Bn b = bn(base), e = bn(exponent), m = bn(modulus), r(BN_new());
    if (!BN_mod_exp(r.get(), b.get(), e.get(), m.get(), ctx.get()))
        fail("BN_mod_exp");
    return bytes(r.get());
}

std::string bnToDecimal(const Bytes &a)
{
    Bn x = bn(a);
    char *s = BN_bn2dec(x.get());
    std::string out(s);
    OPENSSL_free(s);
    return out;
}

bool bnIsPrime(const Bytes &a)
{
    std::unique_ptr<BN_CTX, CtxFree> ctx(BN_CTX_new());
    Bn x = bn(a);
    return BN_check_prime(x.get(), ctx.get(), nullptr) == 1;
}

std::string generatePrivatePem(unsigned bits)
{
    Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", std::size_t(bits)));
    if (!key)
        fail("RSA key generation");
    return pemOf(key.get(), true);
}

std::string traditionalPem(const std::string &pem)
{
    Pkey key = load(pem);
    const bool isPrivate = pem.find("PRIVATE KEY") != std::string::npos;
    OSSL_ENCODER_CTX *enc = OSSL_ENCODER_CTX_new_for_pkey(
        key.get(), isPrivate ? EVP_PKEY_KEYPAIR : EVP_PKEY_PUBLIC_KEY, "PEM", "type-specific",
        nullptr);
    unsigned char *data = nullptr;
    std::size_t len = 0;
    const bool ok = enc && OSSL_ENCODER_to_data(enc, &data, &len) == 1;
    OSSL_ENCODER_CTX_free(enc);
    if (!ok)
        fail("PKCS#1 encoding");
    std::string out(reinterpret_cast<char *>(data), len);
    OPENSSL_free(data);
    return out;
}

std::string ecPrivatePem()
{
    Pkey key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key)
        fail("EC key generation");
    return pemOf(key.get(), true);
}

std::string publicPemOf(const std::string &privatePem)
{
    return pemOf(load(privatePem).get(), false);
}

Bytes derOf(const std::string &pem)
{
    Pkey key = load(pem);
    unsigned char *der = nullptr;
    const bool isPrivate = pem.find("PRIVATE KEY") != std::string::npos;
    int len = 0;
    if (isPrivate) {
        PKCS8_PRIV_KEY_INFO *info = EVP_PKEY2PKCS8(key.get());
        len = i2d_PKCS8_PRIV_KEY_INFO(info, &der);
        PKCS8_PRIV_KEY_INFO_free(info);
    } else {
        len = i2d_PUBKEY(key.get(), &der);
    }
    if (len <= 0)
        fail("DER encoding");
    Bytes out(der, der + len);
    OPENSSL_free(der);
    return out;
}

bool loadsAndChecks(const std::string &pem, std::string *why)
{
    try {
        Pkey key = load(pem);
        if (EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
            if (why)
                *why = "not an RSA key";
            return false;
        }
        Pctx ctx = context(key.get());
        const bool isPrivate = pem.find("PRIVATE KEY") != std::string::npos;
        const int ok = isPrivate ? EVP_PKEY_check(ctx.get()) : EVP_PKEY_public_check(ctx.get());
        if (ok != 1)
            fail("key check");
        return true;
    } catch (const std::exception &e) {
        if (why)
            *why = e.what();
        return false;
    }
}

Bytes keyParam(const std::string &pem, const char *name)
{
    Pkey key = load(pem);
    BIGNUM *b = nullptr;
    if (!EVP_PKEY_get_bn_param(key.get(), name, &b))
        fail(std::string("key parameter ") + name);
    Bytes out = bytes(b);
    BN_clear_free(b);
    return out;
}

Bytes signPkcs1Sha256(const std::string &privatePem, std::span<const std::uint8_t> message)
{
    Pkey key = load(privatePem);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    std::size_t len = 0;
    Bytes sig;
    EVP_PKEY_CTX *pctx = nullptr;
    if (EVP_DigestSignInit_ex(md, &pctx, "SHA256", nullptr, nullptr, key.get(), nullptr) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) <= 0 ||
        EVP_DigestSign(md, nullptr, &len, message.data(), message.size()) != 1) {
        EVP_MD_CTX_free(md);
        fail("sign setup");
    }
    sig.resize(len);
    if (EVP_DigestSign(md, sig.data(), &len, message.data(), message.size()) != 1) {
        EVP_MD_CTX_free(md);
        fail("sign");
    }
    EVP_MD_CTX_free(md);
    sig.resize(len);
    return sig;
}

bool verifyPkcs1Sha256(const std::string &publicPem, std::span<const std::uint8_t> message,
                       std::span<const std::uint8_t> signature)
{
    Pkey key = load(publicPem);
    EVP_MD_CTX *md = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = nullptr;
    int ok = EVP_DigestVerifyInit_ex(md, &pctx, "SHA256", nullptr, nullptr, key.get(), nullptr);
    if (ok == 1)
        ok = EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) > 0 ? 1 : 0;
    if (ok == 1)
        ok = EVP_DigestVerify(md, signature.data(), signature.size(), message.data(),
                              message.size());
    EVP_MD_CTX_free(md);
    ERR_clear_error();
    return ok == 1;
}

Bytes oaepSha256Encrypt(const std::string &publicPem, std::span<const std::uint8_t> message)
{
    Pkey key = load(publicPem);
    Pctx ctx = context(key.get());
    if (EVP_PKEY_encrypt_init(ctx.get()) != 1)
        fail("encrypt init");
    setOaep(ctx.get());
    std::size_t len = 0;
    if (EVP_PKEY_encrypt(ctx.get(), nullptr, &len, message.data(), message.size()) != 1)
        fail("encrypt size");
    Bytes out(len);
    if (EVP_PKEY_encrypt(ctx.get(), out.data(), &len, message.data(), message.size()) != 1)
        fail("encrypt");
    out.resize(len);
    return out;
}

std::optional<Bytes> oaepSha256Decrypt(const std::string &privatePem,
                                       std::span<const std::uint8_t> ciphertext)
{
    Pkey key = load(privatePem);
    Pctx ctx = context(key.get());
    if (EVP_PKEY_decrypt_init(ctx.get()) != 1)
        fail("decrypt init");
    setOaep(ctx.get());
    std::size_t len = 0;
    if (EVP_PKEY_decrypt(ctx.get(), nullptr, &len, ciphertext.data(), ciphertext.size()) != 1)
        fail("decrypt size");
    Bytes out(len);
    if (EVP_PKEY_decrypt(ctx.get(), out.data(), &len, ciphertext.data(), ciphertext.size()) != 1) {
        ERR_clear_error();
        return std::nullopt;
    }
    out.resize(len);
    return out;
}

namespace {
Bytes raw(const std::string &pem, std::span<const std::uint8_t> input, bool encrypt)
{
    Pkey key = load(pem);
    Pctx ctx = context(key.get());
    if ((encrypt ? EVP_PKEY_encrypt_init(ctx.get()) : EVP_PKEY_decrypt_init(ctx.get())) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_NO_PADDING) <= 0)
        fail("raw RSA setup");
    std::size_t len = std::size_t(EVP_PKEY_get_size(key.get()));
    Bytes out(len);
    const int ok = encrypt
                       ? EVP_PKEY_encrypt(ctx.get(), out.data(), &len, input.data(), input.size())
                       : EVP_PKEY_decrypt(ctx.get(), out.data(), &len, input.data(), input.size());
    if (ok != 1)
        fail("raw RSA");
    out.resize(len);
    return out;
}
} // namespace

Bytes rawPublic(const std::string &publicPem, std::span<const std::uint8_t> input)
{
    return raw(publicPem, input, true);
}

Bytes rawPrivate(const std::string &privatePem, std::span<const std::uint8_t> input)
{
    return raw(privatePem, input, false);
}

} // namespace ref::rsa
