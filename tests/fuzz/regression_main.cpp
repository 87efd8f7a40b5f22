// The plain (non-libFuzzer) driver every fuzz target is also linked into, so an ordinary
// gcc build and CI run each target's checks: every file of the checked-in seed corpus, then
// a fixed set of mutations of each seed (bit flips, interesting bytes, insertions, deletions,
// truncations, splices with another seed). The mutations come from a seeded generator, so a
// failure reproduces with the same command.
//
//     crypto_fuzz_regress_hex CORPUS_DIR [MUTATIONS_PER_SEED]
//     core_fuzz_regress_recording CORPUS_DIR [MUTATIONS_PER_SEED]
//
// Exit status 0 when every input passed; an invariant failure aborts with the input's
// description on stderr; 2 for a usage error (missing or empty corpus).

#include "fuzz_support.h"

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

namespace {

using Input = std::vector<std::uint8_t>;

// splitmix64: small, seedable, and the same on every platform.
class Generator
{
public:
    explicit Generator(std::uint64_t seed) : m_state(seed) {}
    std::uint64_t next()
    {
        std::uint64_t z = (m_state += 0x9e3779b97f4a7c15ULL);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    }
    // Uniform enough in [0, n) for n > 0.
    std::size_t below(std::size_t n) { return std::size_t(next() % n); }

private:
    std::uint64_t m_state;
};

Input mutate(const Input &seed, const Input &other, Generator &gen)
{
    static constexpr std::uint8_t kInteresting[] = {0x00, 0x01, 0x0d, 0x20, 0x30, 0x39, 0x41,
                                                    0x46, 0x61, 0x66, 0x7f, 0x80, 0xfe, 0xff};
    Input out = seed;
    const int edits = 1 + int(gen.below(4));
    for (int e = 0; e < edits; ++e) {
        const std::size_t at = out.empty() ? 0 : gen.below(out.size());
        switch (gen.below(6)) {
        case 0: // flip one bit
            if (!out.empty())
                out[at] ^= std::uint8_t(1u << gen.below(8));
            break;
        case 1: // an interesting byte
            if (!out.empty())
                out[at] = kInteresting[gen.below(sizeof kInteresting)];
            break;
        case 2: // insert a random byte
            out.insert(out.begin() + std::ptrdiff_t(at), std::uint8_t(gen.next()));
            break;
        case 3: // delete a short range
            if (!out.empty())
                out.erase(out.begin() + std::ptrdiff_t(at),
                          out.begin() +
                              std::ptrdiff_t(std::min(out.size(), at + 1 + gen.below(8))));
            break;
        case 4: // truncate
            out.resize(at);
            break;
        default: { // splice: our prefix, the other seed's suffix
            const std::size_t from = other.empty() ? 0 : gen.below(other.size());
            out.resize(at);
            out.insert(out.end(), other.begin() + std::ptrdiff_t(from), other.end());
            break;
        }
        }
    }
    return out;
}

// What is running now, so a failed invariant (abort) can say which input it was.
const Input *g_current = nullptr;
std::string g_label;

void describeFailedInput(int)
{
    if (g_current) {
        std::fprintf(stderr, "failing input: %s, %zu bytes:\n", g_label.c_str(),
                     g_current->size());
        for (std::size_t i = 0; i < g_current->size() && i < 4096; ++i)
            std::fprintf(stderr, "%02x%s", (*g_current)[i], i % 32 == 31 ? "\n" : "");
        std::fprintf(stderr, "\n");
    }
    std::signal(SIGABRT, SIG_DFL);
}

void run(const Input &input, std::string label)
{
    g_current = &input;
    g_label = std::move(label);
    LLVMFuzzerTestOneInput(input.data(), input.size());
    g_current = nullptr;
}

} // namespace

int main(int argc, char **argv)
{
    if (argc < 2 || argc > 3) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR [MUTATIONS_PER_SEED]\n", argv[0]);
        return 2;
    }
    if (LLVMFuzzerInitialize)
        LLVMFuzzerInitialize(&argc, &argv);
    const std::filesystem::path dir = argv[1];
    const std::size_t mutations = argc == 3 ? std::stoul(argv[2]) : 64;

    std::vector<std::filesystem::path> files;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(dir, ec))
        if (entry.is_regular_file())
            files.push_back(entry.path());
    if (ec || files.empty()) {
        std::fprintf(stderr, "%s: no seed files in '%s'%s%s\n", argv[0], dir.c_str(),
                     ec ? ": " : "", ec ? ec.message().c_str() : "");
        return 2;
    }
    std::sort(files.begin(), files.end()); // a fixed order: the same mutations every run

    std::vector<Input> seeds;
    for (const auto &f : files) {
        std::ifstream in(f, std::ios::binary);
        seeds.emplace_back(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }

    std::signal(SIGABRT, describeFailedInput);
    std::size_t inputs = 0;
    run({}, "the empty input");
    ++inputs;
    for (std::size_t s = 0; s < seeds.size(); ++s) {
        const std::string name = files[s].filename().string();
        run(seeds[s], "seed " + name);
        ++inputs;
        Generator gen(0x5eed0000 + s);
        for (std::size_t m = 0; m < mutations; ++m) {
            const Input mutated = mutate(seeds[s], seeds[gen.below(seeds.size())], gen);
            run(mutated, "mutation " + std::to_string(m) + " of seed " + name);
            ++inputs;
        }
    }
    std::printf("%zu seed files, %zu inputs, every invariant held\n", seeds.size(), inputs);
    return 0;
}
