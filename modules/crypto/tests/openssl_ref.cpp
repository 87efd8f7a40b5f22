#include "openssl_ref.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/provider.h>

#include <stdexcept>

namespace ref {

namespace {
// Providers stay loaded for the test run and are unloaded at exit, so LeakSanitizer sees
// OpenSSL release everything it allocated.
struct Providers
{
    OSSL_PROVIDER *def = OSSL_PROVIDER_load(nullptr, "default");
    OSSL_PROVIDER *legacy = OSSL_PROVIDER_load(nullptr, "legacy");
    ~Providers()
    {
        if (legacy)
            OSSL_PROVIDER_unload(legacy);
        if (def)
            OSSL_PROVIDER_unload(def);
    }
};
} // namespace

bool loadProviders()
{
    static const Providers providers;
    return providers.def != nullptr && providers.legacy != nullptr;
}

std::optional<Bytes> digest(const std::string &name, std::span<const std::uint8_t> data)
{
    loadProviders();
    EVP_MD *md = EVP_MD_fetch(nullptr, name.c_str(), nullptr);
    if (!md) {
        ERR_clear_error();
        return std::nullopt;
    }
    Bytes out(EVP_MD_get_size(md));
    unsigned len = 0;
    const int ok = EVP_Digest(data.data(), data.size(), out.data(), &len, md, nullptr);
    EVP_MD_free(md);
    if (!ok)
        throw std::runtime_error("EVP_Digest failed for " + name);
    out.resize(len);
    return out;
}

Bytes cipher(const std::string &name, std::span<const std::uint8_t> key,
             std::span<const std::uint8_t> iv, std::span<const std::uint8_t> data, bool encrypt)
{
    loadProviders();
    EVP_CIPHER *c = EVP_CIPHER_fetch(nullptr, name.c_str(), nullptr);
    if (!c)
        throw std::runtime_error("OpenSSL lacks cipher " + name);
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    Bytes out(data.size() + 16);
    int n1 = 0, n2 = 0;
    bool ok = EVP_CipherInit_ex2(ctx, c, nullptr, nullptr, encrypt ? 1 : 0, nullptr) &&
              EVP_CIPHER_CTX_set_key_length(ctx, int(key.size())) &&
              EVP_CipherInit_ex2(ctx, nullptr, key.data(), iv.empty() ? nullptr : iv.data(), -1,
                                 nullptr) &&
              EVP_CIPHER_CTX_set_padding(ctx, 0) &&
              EVP_CipherUpdate(ctx, out.data(), &n1, data.data(), int(data.size())) &&
              EVP_CipherFinal_ex(ctx, out.data() + n1, &n2);
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(c);
    if (!ok)
        throw std::runtime_error("OpenSSL " + name + " failed");
    out.resize(std::size_t(n1 + n2));
    return out;
}

Bytes hmac(const std::string &digestName, std::span<const std::uint8_t> key,
           std::span<const std::uint8_t> data)
{
    loadProviders();
    EVP_MD *md = EVP_MD_fetch(nullptr, digestName.c_str(), nullptr);
    if (!md)
        throw std::runtime_error("OpenSSL lacks digest " + digestName);
    Bytes out(EVP_MAX_MD_SIZE);
    unsigned len = 0;
    const std::uint8_t dummy = 0;
    const bool ok = HMAC(md, key.empty() ? &dummy : key.data(), int(key.size()), data.data(),
                         data.size(), out.data(), &len) != nullptr;
    EVP_MD_free(md);
    if (!ok)
        throw std::runtime_error("OpenSSL HMAC failed");
    out.resize(len);
    return out;
}

Bytes pbkdf2Sha256(std::span<const std::uint8_t> password, std::span<const std::uint8_t> salt,
                   unsigned iterations, std::size_t length)
{
    Bytes out(length);
    if (!PKCS5_PBKDF2_HMAC(reinterpret_cast<const char *>(password.data()), int(password.size()),
                           salt.data(), int(salt.size()), int(iterations), EVP_sha256(),
                           int(length), out.data()))
        throw std::runtime_error("OpenSSL PBKDF2 failed");
    return out;
}

} // namespace ref
