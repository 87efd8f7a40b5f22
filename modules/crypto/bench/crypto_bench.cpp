// Throughput of each primitive on 16 KiB buffers, ours and OpenSSL's EVP in the same run.
// At the end a table prints ours / OpenSSL per primitive (goal: >= 0.8).
//
//     build-release/bench/crypto_bench --benchmark_min_time=0.2
#include "crypto/core/arc4.h"
#include "crypto/core/des.h"
#include "crypto/core/hash.h"
#include "crypto/core/modes.h"

#include <benchmark/benchmark.h>
#include <openssl/evp.h>
#include <openssl/provider.h>

#include <cstdio>
#include <map>
#include <string>

using namespace wb::crypto;

namespace {

constexpr std::size_t kBuffer = 16 * 1024;

Bytes buffer()
{
    Bytes b(kBuffer);
    for (std::size_t i = 0; i < b.size(); ++i)
        b[i] = std::uint8_t(i * 131 + 7);
    return b;
}

void oursHash(benchmark::State &state, HashAlg alg, bool accelerated)
{
    const Bytes data = buffer();
    Hasher h(alg);
    h.setAccelerated(accelerated);
    std::uint8_t out[32];
    for (auto _ : state) {
        h.update(data);
        h.final(out);
        benchmark::DoNotOptimize(out);
    }
    state.SetBytesProcessed(std::int64_t(state.iterations() * kBuffer));
}

void openSslHash(benchmark::State &state, const char *name)
{
    const Bytes data = buffer();
    EVP_MD *md = EVP_MD_fetch(nullptr, name, nullptr);
    if (!md) {
        state.SkipWithError("OpenSSL lacks this digest");
        return;
    }
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    std::uint8_t out[EVP_MAX_MD_SIZE];
    unsigned len = 0;
    for (auto _ : state) {
        EVP_DigestInit_ex2(ctx, md, nullptr);
        EVP_DigestUpdate(ctx, data.data(), data.size());
        EVP_DigestFinal_ex(ctx, out, &len);
        benchmark::DoNotOptimize(out);
    }
    EVP_MD_CTX_free(ctx);
    EVP_MD_free(md);
    state.SetBytesProcessed(std::int64_t(state.iterations() * kBuffer));
}

void oursDes(benchmark::State &state, std::size_t keySize)
{
    const Bytes data = buffer();
    Bytes out(kBuffer);
    const Bytes key(keySize, 0x5a);
    const DesCipher cipher = keySize == 8 ? DesCipher::des(key) : DesCipher::tripleDes(key);
    DesModeCipher ecb(cipher, Mode::Ecb, Direction::Encrypt);
    for (auto _ : state) {
        ecb.process(data, out.data());
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(std::int64_t(state.iterations() * kBuffer));
}

void oursArc4(benchmark::State &state)
{
    const Bytes data = buffer();
    Bytes out(kBuffer);
    Arc4 rc4(Bytes(16, 0x5a));
    for (auto _ : state) {
        rc4.process(data, out.data());
        benchmark::DoNotOptimize(out.data());
    }
    state.SetBytesProcessed(std::int64_t(state.iterations() * kBuffer));
}

void openSslCipher(benchmark::State &state, const char *name, std::size_t keySize)
{
    const Bytes data = buffer();
    Bytes out(kBuffer + 16);
    EVP_CIPHER *c = EVP_CIPHER_fetch(nullptr, name, nullptr);
    if (!c) {
        state.SkipWithError("OpenSSL lacks this cipher");
        return;
    }
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    const Bytes key(keySize, 0x5a);
    EVP_EncryptInit_ex2(ctx, c, nullptr, nullptr, nullptr);
    EVP_CIPHER_CTX_set_key_length(ctx, int(keySize));
    EVP_EncryptInit_ex2(ctx, nullptr, key.data(), nullptr, nullptr);
    EVP_CIPHER_CTX_set_padding(ctx, 0);
    int n = 0;
    for (auto _ : state) {
        EVP_EncryptUpdate(ctx, out.data(), &n, data.data(), int(data.size()));
        benchmark::DoNotOptimize(out.data());
    }
    EVP_CIPHER_CTX_free(ctx);
    EVP_CIPHER_free(c);
    state.SetBytesProcessed(std::int64_t(state.iterations() * kBuffer));
}

// Collects bytes/second of "ours/<x>" and "openssl/<x>" and prints the ratios at the end.
class RatioReporter : public benchmark::ConsoleReporter
{
public:
    void ReportRuns(const std::vector<Run> &runs) override
    {
        ConsoleReporter::ReportRuns(runs);
        for (const Run &r : runs) {
            if (r.error_occurred)
                continue;
            const auto it = r.counters.find("bytes_per_second");
            if (it == r.counters.end())
                continue;
            const std::string name = r.benchmark_name();
            const auto slash = name.find('/');
            m_rates[name.substr(slash + 1)][name.substr(0, slash)] = it->second.value;
        }
    }
    void Finalize() override
    {
        ConsoleReporter::Finalize();
        std::printf("\n%-16s %12s %12s %8s\n", "primitive", "ours MB/s", "OpenSSL MB/s", "ratio");
        for (const auto &[primitive, rates] : m_rates) {
            const auto ours = rates.find("ours"), ref = rates.find("openssl");
            if (ours == rates.end())
                continue;
            if (ref == rates.end()) {
                std::printf("%-16s %12.1f %12s %8s\n", primitive.c_str(), ours->second / 1e6, "-",
                            "-");
                continue;
            }
            std::printf("%-16s %12.1f %12.1f %7.2fx\n", primitive.c_str(), ours->second / 1e6,
                        ref->second / 1e6, ours->second / ref->second);
        }
    }

private:
    std::map<std::string, std::map<std::string, double>> m_rates;
};

} // namespace

int main(int argc, char **argv)
{
    OSSL_PROVIDER_load(nullptr, "default");
    if (!OSSL_PROVIDER_load(nullptr, "legacy"))
        std::fprintf(stderr, "warning: OpenSSL legacy provider not found (MD4, DES, RC4)\n");

    const std::pair<HashAlg, const char *> hashes[] = {{HashAlg::Md2, "MD2"},
                                                       {HashAlg::Md4, "MD4"},
                                                       {HashAlg::Md5, "MD5"},
                                                       {HashAlg::Sha1, "SHA1"},
                                                       {HashAlg::Sha256, "SHA256"}};
    for (auto [alg, name] : hashes) {
        const std::string id(hashName(alg));
        benchmark::RegisterBenchmark(("ours/" + id).c_str(), oursHash, alg, true);
        if (alg != HashAlg::Md2)
            benchmark::RegisterBenchmark(("openssl/" + id).c_str(), openSslHash, name);
        if (alg == HashAlg::Sha1 || alg == HashAlg::Sha256) {
            // The portable (teaching) code against the same OpenSSL number.
            benchmark::RegisterBenchmark(("ours/" + id + "-portable").c_str(), oursHash, alg,
                                         false);
            benchmark::RegisterBenchmark(("openssl/" + id + "-portable").c_str(), openSslHash,
                                         name);
        }
    }
    benchmark::RegisterBenchmark("ours/des-ecb", oursDes, std::size_t(8));
    benchmark::RegisterBenchmark("openssl/des-ecb", openSslCipher, "DES-ECB", std::size_t(8));
    benchmark::RegisterBenchmark("ours/des3-ecb", oursDes, std::size_t(24));
    benchmark::RegisterBenchmark("openssl/des3-ecb", openSslCipher, "DES-EDE3", std::size_t(24));
    benchmark::RegisterBenchmark("ours/rc4", oursArc4);
    benchmark::RegisterBenchmark("openssl/rc4", openSslCipher, "RC4", std::size_t(16));

    benchmark::Initialize(&argc, argv);
    RatioReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return 0;
}
