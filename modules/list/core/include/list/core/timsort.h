#pragma once
// Timsort exactly as CPython's Objects/listobject.c runs it (list.sort), for any element type
// with a less-than, instrumented. The essay behind it is CPython's Objects/listsort.txt.
//
// "Exactly" is checked by the tests: on the same input the cpython311 policy makes the same
// number of less-than calls as python3.11's list.sort, in the same order of runs and merges,
// and leaves equal elements in their original order.
//
//     std::vector<int> v = {3, 1, 2};
//     auto stats = wb::list::timsort(std::span(v));                  // right
//     auto bad = wb::list::timsort(std::span(v), std::less_equal<>{}); // wrong: needs a strict
//                                          // weak order; <= breaks stability and run detection
//
// Probing. With options.trace null the sort records nothing and runs an instantiation with
// no probe code at all; the only cost is one test before it starts (measured in bench/). With a
// trace it records, in order:
//   sort_begin, run, reverse, [insert...], boost, power (cpython311), push, merge_begin,
//   merge_trim, gallop_enter, gallop, min_gallop, gallop_leave, merge_end, sort_end
// and, when options.eachComparison is set, one "compare" event per less-than call. Every
// event carries "comparisons", the running total, so a view can show the counter growing
// without per-comparison events; eachComparison is meant for inputs of a few thousand
// elements. Field lists are in modules/list/README.md; applySortEvent (replay.h) rebuilds
// the view state from them.
//
// Exception safety: if `less` throws, the exception propagates and the range holds a
// permutation of its input (what a merge had copied to its temp area is put back first),
// as CPython's Fail paths guarantee. T must be nothrow-movable.

#include "workbench/core/trace.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <functional>
#include <iterator>
#include <memory>
#include <optional>
#include <source_location>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace wb::list {

// cpython27: merge_collapse keeps |A| > |B| + |C| and |B| > |C| on the pending stack
//            (with the 2015 fix that also checks one run deeper), runs pushed first.
// cpython311: powersort (found_new_run / powerloop), merges decided before the push.
// tutorial:  what the classic tutorial describes: no merge during the scan, then the bottom
//            two runs merged again and again (66, 99, 130 on its example). Never CPython.
enum class MergePolicy { CPython27, CPython311, Tutorial };

std::string_view mergePolicyName(MergePolicy p);
std::optional<MergePolicy> parseMergePolicy(std::string_view name);

// merge_compute_minrun: n itself below 64; else the six leading bits of n, plus 1 if any
// lower bit is set. 130 -> 33, 64 -> 32, 63 -> 63, 1000 -> 63.
std::int64_t mergeComputeMinrun(std::int64_t n);
// powerloop: the depth of the node between run 1 [s1, s1+n1) and run 2 [s1+n1, s1+n1+n2) in
// the ideal merge tree of [0, n), found bit by bit from the two midpoints.
int powerloop(std::int64_t s1, std::int64_t n1, std::int64_t n2, std::int64_t n);

// MIN_GALLOP: a merge switches to galloping after this many consecutive wins of one run.
inline constexpr std::int64_t kMinGallop = 7;

struct RunInfo
{
    std::int64_t start = 0;
    std::int64_t naturalLength = 0; // as count_run found it
    std::int64_t length = 0;        // as pushed, after boosting to minrun
    bool descending = false;        // strictly descending, reversed in place
};

struct MergeInfo
{
    std::int64_t base = 0;
    std::int64_t lengthA = 0;
    std::int64_t lengthB = 0;
    std::int64_t length = 0;     // lengthA + lengthB
    std::int64_t stackIndex = 0; // merge_at(i): pending[i] and pending[i + 1]
};

struct SortStats
{
    std::int64_t n = 0;
    std::int64_t minrun = 0;
    std::vector<RunInfo> runs;     // in the order pushed
    std::vector<MergeInfo> merges; // in the order performed
    std::uint64_t comparisons = 0; // calls of less
    std::int64_t gallopEntries = 0;
    std::int64_t minGallop = kMinGallop; // MergeState.min_gallop when the sort ended
};

struct SortOptions
{
    MergePolicy policy = MergePolicy::CPython311;
    wb::Trace *trace = nullptr;
    bool eachComparison = false; // one "compare" event per less-than call (small inputs)
};

// Turns an element into the integer that events carry in "values" fields (so a replay can
// rebuild the array). Arithmetic types work as they are; for records pass a projection such
// as [](const Rec &r) { return r.key; }. Types without one simply have no "values" fields.
struct DefaultProjection
{
    template <class T>
    requires std::is_arithmetic_v<T> std::int64_t operator()(const T &x) const
    {
        return static_cast<std::int64_t>(x);
    }
};

namespace detail {

std::string mergeReasonLabel(const char *reason, std::int64_t detail);

// The probe level, fixed at compile time so the hot loops carry no probe test at all:
// None (no trace: the plain sort), Coarse (runs, merges, gallop mode), Fine (plus one event
// per comparison and per binary insertion). timsort() picks one with a single test up front.
enum class ProbeMode { None, Coarse, Fine };

// Counts comparisons in a local (a register) and stores the total when the routine ends.
// A member counter would be reloaded after every element store when T is a 64-bit integer,
// since the two may alias.
struct CountScope
{
    explicit CountScope(std::uint64_t &sink) : sink(sink), n(sink) {}
    ~CountScope() { sink = n; }
    CountScope(const CountScope &) = delete;
    CountScope &operator=(const CountScope &) = delete;
    std::uint64_t &sink;
    std::uint64_t n;
};

// c ? x : y for two pointers, computed with a mask instead of a jump. The merge loops and the
// binary insertion choose between two pointers on every comparison; on random data a jump
// there is mispredicted half the time, and GCC turns a plain `?:` into one. The integer form
// is not turned back into a branch.
template <class P> inline P *pick(bool c, P *x, P *y) noexcept
{
    const auto ux = reinterpret_cast<std::uintptr_t>(x);
    const auto uy = reinterpret_cast<std::uintptr_t>(y);
    const std::uintptr_t mask = std::uintptr_t{0} - static_cast<std::uintptr_t>(c);
    return reinterpret_cast<P *>(uy ^ ((ux ^ uy) & mask));
}

// The number of consecutive equal outcomes, ending with `now`: one more than before when
// `now` repeats `last`, else 1. Branch-free, like pick.
inline std::int64_t nextStreak(std::int64_t streak, bool now, bool last) noexcept
{
    return (streak & -static_cast<std::int64_t>(now == last)) + 1;
}

// How many comparisons CPython's binarysort makes to insert a pivot into a sorted prefix of
// n elements when its slot turns out to be k (0 <= k <= n): the bisection compares
// "pivot < a[p]", which holds exactly when p >= k, so its path depends on n and k alone.
struct BisectSteps
{
    static constexpr int kMax = 64; // binary insertion never sees a prefix of minrun (<= 64)
    std::uint8_t steps[kMax][kMax + 1] = {};
};

constexpr BisectSteps makeBisectSteps()
{
    BisectSteps t;
    for (int n = 1; n < BisectSteps::kMax; ++n)
        for (int k = 0; k <= n; ++k) {
            int l = 0, r = n, count = 0;
            do {
                const int p = l + ((r - l) >> 1);
                ++count;
                if (k <= p) // pivot < a[p]
                    r = p;
                else
                    l = p + 1;
            } while (l < r);
            t.steps[n][k] = static_cast<std::uint8_t>(count);
        }
    return t;
}

inline constexpr BisectSteps kBisectSteps = makeBisectSteps();

// Binary insertion sort's outcome for m <= 64 signed words whose first `start` are sorted:
// for each j in [start, m), k[j] = the number of i < j with a[i] <= a[j] (the slot a[j] is
// inserted at), and index[0..m) = the positions of a's elements in sorted order after those
// insertions (stable). a is readable up to a[m + 3]. Uses AVX2 when the CPU has it (checked
// once), else a portable loop.
void insertionOrder(const std::int64_t *a, int start, int m, std::uint8_t *k,
                    std::uint8_t *index) noexcept;
// The same without AVX2 (what insertionOrder runs on other CPUs); public for the tests.
void insertionOrderPortable(const std::int64_t *a, int start, int m, std::uint8_t *k,
                            std::uint8_t *index) noexcept;

// One MergeState plus the routines that use it.
template <class T, class Less, class Project, ProbeMode Mode> class TimSort
{
    static constexpr bool Probed = Mode != ProbeMode::None;
    static constexpr bool Fine = Mode == ProbeMode::Fine;
    static_assert(std::is_nothrow_move_constructible_v<T> && std::is_nothrow_move_assignable_v<T>,
                  "timsort moves elements while an exception may be in flight");
    static constexpr bool kValues = std::is_invocable_v<Project &, const T &>;
    // Elements of one machine word that copy as bytes (integers, pointers, doubles): the
    // merge loops keep both candidates in registers and read the next ones ahead.
    static constexpr bool kRegister =
        std::is_trivially_copyable_v<T> && sizeof(T) == sizeof(std::uint64_t);
    // Integers under std::less: a comparison has no effect but its answer, so binary insertion
    // may find the slot by counting the prefix's elements not greater than the pivot (no
    // branch to mispredict) and add the comparisons CPython's bisection makes to reach that
    // slot (kBisectSteps). Same slot, same count; traced comparisons (Fine) and every other
    // element or comparison type run CPython's loop. Not floating point: with a NaN the
    // prefix is not ordered and the bisection's slot depends on its path.
    static constexpr bool kCounted = kRegister && std::is_integral_v<T> && !Fine &&
                                     (std::is_same_v<std::remove_cv_t<Less>, std::less<>> ||
                                      std::is_same_v<std::remove_cv_t<Less>, std::less<T>>);
    static constexpr bool kRawTemp =
        std::is_trivially_copyable_v<T> && std::is_trivially_default_constructible_v<T>;

public:
    TimSort(T *base, std::int64_t n, Less &less, const SortOptions &options, Project &project)
        : m_base(base), m_listlen(n), m_less(less), m_policy(options.policy),
          m_trace(Probed ? options.trace : nullptr), m_project(project)
    {
        m_pending.reserve(85);
    }

    SortStats run()
    {
        SortStats &st = m_stats;
        st.n = m_listlen;
        st.minrun = mergeComputeMinrun(m_listlen);
        if (probing())
            m_trace->add("sort_begin",
                         "sort " + std::to_string(m_listlen) + " elements, minrun " +
                             std::to_string(st.minrun) + ", " +
                             std::string(mergePolicyName(m_policy)),
                         {{"n", m_listlen},
                          {"minrun", st.minrun},
                          {"policy", std::string(mergePolicyName(m_policy))},
                          {"min_gallop", kMinGallop},
                          {"values", values(m_base, m_listlen)},
                          {"comparisons", 0}});
        if (m_listlen >= 2) {
            // Every run but the last has at least minrun elements: room for all of them
            // (and the merges) up front instead of growing the vectors run by run.
            const auto maxRuns = static_cast<std::size_t>((m_listlen + st.minrun - 1) / st.minrun);
            st.runs.reserve(maxRuns);
            st.merges.reserve(maxRuns - 1);
            scan(st.minrun);
        }
        st.minGallop = m_minGallop;
        if (probing())
            m_trace->add("sort_end",
                         "sorted with " + std::to_string(m_comparisons) + " comparisons, " +
                             std::to_string(st.merges.size()) + " merges",
                         {{"comparisons", m_comparisons},
                          {"runs", static_cast<std::int64_t>(st.runs.size())},
                          {"merges", static_cast<std::int64_t>(st.merges.size())},
                          {"values", values(m_base, m_listlen)}});
        st.comparisons = m_comparisons;
        return st;
    }

    std::uint64_t comparisons() const { return m_comparisons; }

private:
    struct Slice
    {
        T *base;
        std::int64_t len;
        int power;
    };

    // c ? x : y for register elements (kRegister), without a jump.
    static T sel(bool c, const T &x, const T &y) noexcept
    {
        const auto ux = std::bit_cast<std::uint64_t>(x);
        const auto uy = std::bit_cast<std::uint64_t>(y);
        const std::uint64_t mask = std::uint64_t{0} - static_cast<std::uint64_t>(c);
        return std::bit_cast<T>(uy ^ ((ux ^ uy) & mask));
    }

    // Integers under std::less on x86-64 (kCmov): the merge loops' step as one compare and
    // conditional moves. GCC turns a `?:` on a data-dependent condition into a jump (wrong
    // half the time on random data) and sel's mask into four dependent instructions; here
    // the chain carried from one step to the next is the compare, one move and the load of
    // the winner's next element.
    static constexpr bool kCmov =
#if defined(__x86_64__) && defined(__GNUC__)
        kRegister && std::is_integral_v<T> && !Fine &&
        (std::is_same_v<std::remove_cv_t<Less>, std::less<>> ||
         std::is_same_v<std::remove_cv_t<Less>, std::less<T>>);
#else
        false;
#endif

#if defined(__x86_64__) && defined(__GNUC__)
    // merge_lo's step: B wins when vb < va; out = the winner (A on a tie); the winner's
    // register takes its run's next element and its pointer moves up. Returns whether B won.
    static bool stepLo(T &va, T &vb, T a1, T b1, T *&pa, T *&pb, T &out) noexcept
    {
        bool w;
        T *ta, *tb;
#define WB_TIMSORT_STEP_LO(LT, GE)                                                                \
    asm("cmp %[va], %[vb]\n\t"                                                                    \
        "mov %[va], %[out]\n\t"                                                                   \
        "cmov" LT " %[vb], %[out]\n\t"                                                            \
        "cmov" GE " %[a1], %[va]\n\t"                                                             \
        "cmov" LT " %[b1], %[vb]\n\t"                                                             \
        "lea 8(%[pa]), %[ta]\n\t"                                                                 \
        "lea 8(%[pb]), %[tb]\n\t"                                                                 \
        "cmov" GE " %[ta], %[pa]\n\t"                                                             \
        "cmov" LT " %[tb], %[pb]\n\t"                                                             \
        "set" LT " %[w]"                                                                          \
        : [out] "=&r"(out), [va] "+r"(va), [vb] "+r"(vb), [pa] "+r"(pa), [pb] "+r"(pb),           \
          [ta] "=&r"(ta), [tb] "=&r"(tb), [w] "=q"(w)                                             \
        : [a1] "r"(a1), [b1] "r"(b1)                                                              \
        : "cc")
        if constexpr (std::is_signed_v<T>)
            WB_TIMSORT_STEP_LO("l", "ge");
        else
            WB_TIMSORT_STEP_LO("b", "ae");
#undef WB_TIMSORT_STEP_LO
        return w;
    }
    // merge_hi's step, mirrored: A wins when vb < va; out = the winner (B on a tie); the
    // winner's register takes its run's next element down and its pointer moves down.
    static bool stepHi(T &va, T &vb, T a1, T b1, T *&pa, T *&pb, T &out) noexcept
    {
        bool w;
        T *ta, *tb;
#define WB_TIMSORT_STEP_HI(LT, GE)                                                                \
    asm("cmp %[va], %[vb]\n\t"                                                                    \
        "mov %[vb], %[out]\n\t"                                                                   \
        "cmov" LT " %[va], %[out]\n\t"                                                            \
        "cmov" LT " %[a1], %[va]\n\t"                                                             \
        "cmov" GE " %[b1], %[vb]\n\t"                                                             \
        "lea -8(%[pa]), %[ta]\n\t"                                                                \
        "lea -8(%[pb]), %[tb]\n\t"                                                                \
        "cmov" LT " %[ta], %[pa]\n\t"                                                             \
        "cmov" GE " %[tb], %[pb]\n\t"                                                             \
        "set" LT " %[w]"                                                                          \
        : [out] "=&r"(out), [va] "+r"(va), [vb] "+r"(vb), [pa] "+r"(pa), [pb] "+r"(pb),           \
          [ta] "=&r"(ta), [tb] "=&r"(tb), [w] "=q"(w)                                             \
        : [a1] "r"(a1), [b1] "r"(b1)                                                              \
        : "cc")
        if constexpr (std::is_signed_v<T>)
            WB_TIMSORT_STEP_HI("l", "ge");
        else
            WB_TIMSORT_STEP_HI("b", "ae");
#undef WB_TIMSORT_STEP_HI
        return w;
    }
#else
    static bool stepLo(T &, T &, T, T, T *&, T *&, T &) noexcept
    {
        return false;
    }
    static bool stepHi(T &, T &, T, T, T *&, T *&, T &) noexcept
    {
        return false;
    }
#endif

    // [first, last) moves up one slot (register elements, kRegister). Binary insertion moves
    // a few dozen words per element; a memmove call per insertion costs more than the move
    // itself, so this copies 32-byte chunks from the top down, and the lowest chunk, read
    // before anything is written, last.
    static void shiftUp(T *first, T *last) noexcept
    {
        constexpr std::ptrdiff_t kChunk = 32;
        constexpr std::ptrdiff_t kWord = sizeof(T);
        auto *lo = reinterpret_cast<unsigned char *>(first);
        auto *hi = reinterpret_cast<unsigned char *>(last);
        const std::ptrdiff_t bytes = hi - lo;
        if (bytes <= 2 * kWord) { // one or two words
            unsigned char w[2 * kWord];
            if (bytes == kWord) {
                std::memcpy(w, lo, kWord);
                std::memcpy(lo + kWord, w, kWord);
            } else {
                std::memcpy(w, lo, 2 * kWord);
                std::memcpy(lo + kWord, w, 2 * kWord);
            }
            return;
        }
        if (bytes < kChunk) { // three words: two overlapping pairs, both read first
            unsigned char a[2 * kWord], b[2 * kWord];
            std::memcpy(a, lo, 2 * kWord);
            std::memcpy(b, hi - 2 * kWord, 2 * kWord);
            std::memcpy(hi - kWord, b, 2 * kWord);
            std::memcpy(lo + kWord, a, 2 * kWord);
            return;
        }
        unsigned char head[kChunk];
        std::memcpy(head, lo, kChunk);
        while (hi - lo > kChunk) {
            hi -= kChunk;
            unsigned char buf[kChunk];
            std::memcpy(buf, hi, kChunk);
            std::memcpy(hi + kWord, buf, kChunk);
        }
        std::memcpy(lo + kWord, head, kChunk);
    }

    bool probing() const
    {
        if constexpr (Probed)
            return m_trace != nullptr;
        else
            return false;
    }

    std::int64_t idx(const T *p) const
    {
        return p - m_base;
    }

    std::vector<std::int64_t> values(const T *p, std::int64_t n) const
    {
        std::vector<std::int64_t> v;
        if constexpr (kValues) {
            v.reserve(static_cast<std::size_t>(n));
            for (std::int64_t i = 0; i < n; ++i)
                v.push_back(static_cast<std::int64_t>(m_project(p[i])));
        }
        return v;
    }

    // ISLT: one call of less, counted in the caller's CountScope.
    bool lt(const T &x, const T &y, CountScope &c,
            std::source_location loc = std::source_location::current())
    {
        ++c.n;
        const bool r = m_less(x, y);
        if constexpr (Fine)
            m_trace->add("compare",
                         "comparison " + std::to_string(c.n) + ": " + (r ? "less" : "not less"),
                         {{"comparisons", c.n}, {"less", r}}, 0, loc);
        else
            (void)loc;
        return r;
    }

    // ---- the scan: find runs, boost them, push them, keep the stack balanced ------------

    void scan(std::int64_t minrun)
    {
        T *lo = m_base;
        std::int64_t nremaining = m_listlen;
        do {
            bool descending = false;
            std::int64_t n = countRun(lo, lo + nremaining, descending);
            RunInfo info{idx(lo), n, n, descending};
            if (probing())
                m_trace->add("run",
                             "natural run at " + std::to_string(idx(lo)) + ", length " +
                                 std::to_string(n) + (descending ? ", strictly descending" : ""),
                             {{"start", idx(lo)},
                              {"natural_length", n},
                              {"descending", descending},
                              {"comparisons", m_comparisons}});
            if (descending) {
                std::reverse(lo, lo + n);
                if (probing())
                    m_trace->add(
                        "reverse",
                        "reverse [" + std::to_string(idx(lo)) + ", " +
                            std::to_string(idx(lo) + n) + ") in place",
                        {{"low", idx(lo)}, {"high", idx(lo) + n}, {"comparisons", m_comparisons}});
            }
            if (n < minrun) {
                const std::int64_t force = nremaining <= minrun ? nremaining : minrun;
                binarysort(lo, lo + force, lo + n);
                if (probing())
                    m_trace->add("boost",
                                 "binary insertion sort over [" + std::to_string(idx(lo)) + ", " +
                                     std::to_string(idx(lo) + force) + "), sorted prefix " +
                                     std::to_string(n),
                                 {{"start", idx(lo)},
                                  {"natural_length", n},
                                  {"length", force},
                                  {"values", values(lo, force)},
                                  {"comparisons", m_comparisons}});
                n = force;
            }
            info.length = n;
            m_stats.runs.push_back(info);
            if (m_policy == MergePolicy::CPython311)
                foundNewRun(n);
            push(lo, n);
            if (m_policy == MergePolicy::CPython27)
                mergeCollapse();
            lo += n;
            nremaining -= n;
        } while (nremaining);

        if (m_policy == MergePolicy::Tutorial) {
            while (m_n > 1)
                mergeAt(0, "tutorial", 0);
        } else {
            mergeForceCollapse();
        }
    }

    void push(T *lo, std::int64_t n)
    {
        m_pending.push_back({lo, n, 0});
        ++m_n;
        if (probing()) {
            std::vector<std::int64_t> lens;
            for (int i = 0; i < m_n; ++i)
                lens.push_back(m_pending[i].len);
            m_trace->add("push",
                         "push run [" + std::to_string(idx(lo)) + ", " +
                             std::to_string(idx(lo) + n) + "), stack depth " + std::to_string(m_n),
                         {{"index", m_n - 1},
                          {"base", idx(lo)},
                          {"length", n},
                          {"stack", std::move(lens)},
                          {"comparisons", m_comparisons}});
        }
    }

    // count_run: the length of the run starting at lo, at most hi - lo. A run is
    // non-decreasing, or strictly decreasing (strict, so reversing it keeps stability).
    std::int64_t countRun(T *lo, T *hi, bool &descending)
    {
        CountScope c(m_comparisons);
        descending = false;
        ++lo;
        if (lo == hi)
            return 1;
        std::int64_t n = 2;
        if (lt(*lo, *(lo - 1), c)) {
            descending = true;
            for (lo = lo + 1; lo < hi; ++lo, ++n)
                if (!lt(*lo, *(lo - 1), c))
                    break;
        } else {
            for (lo = lo + 1; lo < hi; ++lo, ++n)
                if (lt(*lo, *(lo - 1), c))
                    break;
        }
        return n;
    }

    // binarysort: [lo, start) is sorted; insert each of [start, hi) after the last element
    // not greater than it (equal elements keep their order).
    void binarysort(T *lo, T *hi, T *start)
    {
        CountScope c(m_comparisons);
        if (lo == start)
            ++start;
        if constexpr (kCounted) {
            if (hi - lo <= BisectSteps::kMax) {
                binarysortCounted(lo, hi, start, c);
                return;
            }
        }
        for (; start < hi; ++start) {
            T *l = lo;
            const T &pivot = *start;
            // Invariant: pivot >= all of [lo, l), pivot < all of [r, start).
            // Both bounds are selected, not jumped to (see pick): same comparisons.
            if constexpr (kRegister) {
                // [l, l + n) is CPython's [l, r). Both possible next probes are read while
                // the comparison runs, so the search does not wait for a load per step.
                // Every address read is in [lo, start].
                const T key = pivot;
                std::int64_t n = start - lo;
                T vp = l[n >> 1];
                do {
                    const std::int64_t half = n >> 1;
                    T *const p = l + half;
                    const std::int64_t nl = half;         // [l, p) if pivot < *p
                    const std::int64_t nr = n - half - 1; // [p + 1, r) otherwise
                    const T vl = l[nl >> 1];
                    const T vr = p[1 + (nr >> 1)];
                    const bool less = lt(key, vp, c);
                    l = pick(less, l, p + 1);
                    n = nr + ((nl - nr) & -static_cast<std::int64_t>(less));
                    vp = sel(less, vl, vr);
                } while (n > 0);
            } else {
                T *r = start;
                do {
                    T *p = l + ((r - l) >> 1);
                    const bool less = lt(pivot, *p, c);
                    r = pick(less, p, r);
                    l = pick(less, l, p + 1);
                } while (l < r);
            }
            if (l != start) {
                // One block move instead of CPython's slot-by-slot loop; the slots end up
                // the same.
                T tmp = std::move(*start);
                if constexpr (kRegister)
                    shiftUp(l, start);
                else
                    std::move_backward(l, start, start + 1);
                *l = std::move(tmp);
            }
            if constexpr (Fine)
                m_trace->add("insert",
                             "insert element " + std::to_string(idx(start)) + " at " +
                                 std::to_string(idx(l)),
                             {{"from", idx(start)}, {"to", idx(l)}, {"comparisons", c.n}});
        }
    }

    // kCounted binary insertion of [start, hi) into the sorted [lo, start), hi - lo <= 64.
    // Inserting lo[j] into the sorted first j elements lands it after the k_j of them that
    // are not greater, wherever they sit: k_j is counted over lo[0..j) as they stand.
    // insertionOrder counts them all (with AVX2 where the CPU has it) and replays the
    // insertions on one-byte indexes, so the elements move once, at the end.
    void binarysortCounted(T *lo, T *hi, T *start, CountScope &c)
    {
        const std::int64_t m = hi - lo;
        const std::int64_t s = start - lo;
        // As signed words: an unsigned key has its top bit flipped, which keeps the order.
        constexpr std::uint64_t flip = std::is_signed_v<T> ? 0 : std::uint64_t{1} << 63;
        alignas(32) std::int64_t a[BisectSteps::kMax + 4];
        for (std::int64_t i = 0; i < m; ++i)
            a[i] = static_cast<std::int64_t>(static_cast<std::uint64_t>(lo[i]) ^ flip);
        alignas(32) std::uint8_t k[BisectSteps::kMax];
        alignas(32) std::uint8_t index[BisectSteps::kMax];
        insertionOrder(a, static_cast<int>(s), static_cast<int>(m), k, index);
        std::uint64_t steps = 0;
        for (std::int64_t j = s; j < m; ++j)
            steps += kBisectSteps.steps[j][k[j]];
        c.n += steps;
        T sorted[BisectSteps::kMax];
        for (std::int64_t i = 0; i < m; ++i)
            sorted[i] = lo[index[i]];
        std::memcpy(lo, sorted, static_cast<std::size_t>(m) * sizeof(T));
    }

    // gallop_left: the k with a[k-1] < key <= a[k], searching out from a[hint] in steps
    // 1, 3, 7, 15, ... then binary search. Equal elements in a end up after key.
    std::int64_t gallopLeft(const T &key, T *a, std::int64_t n, std::int64_t hint)
    {
        CountScope c(m_comparisons);
        a += hint;
        std::int64_t lastofs = 0, ofs = 1;
        if (lt(*a, key, c)) {
            // a[hint] < key: gallop right until a[hint + lastofs] < key <= a[hint + ofs].
            const std::int64_t maxofs = n - hint;
            while (ofs < maxofs) {
                if (lt(a[ofs], key, c)) {
                    lastofs = ofs;
                    ofs = (ofs << 1) + 1;
                } else {
                    break;
                }
            }
            if (ofs > maxofs)
                ofs = maxofs;
            lastofs += hint;
            ofs += hint;
        } else {
            // key <= a[hint]: gallop left until a[hint - ofs] < key <= a[hint - lastofs].
            const std::int64_t maxofs = hint + 1;
            while (ofs < maxofs) {
                if (lt(*(a - ofs), key, c))
                    break;
                lastofs = ofs;
                ofs = (ofs << 1) + 1;
            }
            if (ofs > maxofs)
                ofs = maxofs;
            const std::int64_t k = lastofs;
            lastofs = hint - ofs;
            ofs = hint - k;
        }
        a -= hint;
        // a[lastofs] < key <= a[ofs]: binary search in between.
        ++lastofs;
        while (lastofs < ofs) {
            const std::int64_t m = lastofs + ((ofs - lastofs) >> 1);
            if (lt(a[m], key, c))
                lastofs = m + 1;
            else
                ofs = m;
        }
        return ofs;
    }

    // gallop_right: the k with a[k-1] <= key < a[k]. Equal elements in a end up before key.
    std::int64_t gallopRight(const T &key, T *a, std::int64_t n, std::int64_t hint)
    {
        CountScope c(m_comparisons);
        a += hint;
        std::int64_t lastofs = 0, ofs = 1;
        if (lt(key, *a, c)) {
            // key < a[hint]: gallop left until a[hint - ofs] <= key < a[hint - lastofs].
            const std::int64_t maxofs = hint + 1;
            while (ofs < maxofs) {
                if (lt(key, *(a - ofs), c)) {
                    lastofs = ofs;
                    ofs = (ofs << 1) + 1;
                } else {
                    break;
                }
            }
            if (ofs > maxofs)
                ofs = maxofs;
            const std::int64_t k = lastofs;
            lastofs = hint - ofs;
            ofs = hint - k;
        } else {
            // a[hint] <= key: gallop right until a[hint + lastofs] <= key < a[hint + ofs].
            const std::int64_t maxofs = n - hint;
            while (ofs < maxofs) {
                if (lt(key, a[ofs], c))
                    break;
                lastofs = ofs;
                ofs = (ofs << 1) + 1;
            }
            if (ofs > maxofs)
                ofs = maxofs;
            lastofs += hint;
            ofs += hint;
        }
        a -= hint;
        ++lastofs;
        while (lastofs < ofs) {
            const std::int64_t m = lastofs + ((ofs - lastofs) >> 1);
            if (lt(key, a[m], c))
                ofs = m;
            else
                lastofs = m + 1;
        }
        return ofs;
    }

    // ---- merge policies -----------------------------------------------------------------

    // cpython27: restore |A| > |B| + |C| (and one run deeper, the 2015 fix) and |B| > |C|,
    // where C is the top of the stack.
    void mergeCollapse()
    {
        Slice *p = m_pending.data();
        while (m_n > 1) {
            std::int64_t n = m_n - 2;
            const bool deep1 = n > 0 && p[n - 1].len <= p[n].len + p[n + 1].len;
            const bool deep2 = n > 1 && p[n - 2].len <= p[n - 1].len + p[n].len;
            if (deep1 || deep2) {
                if (p[n - 1].len < p[n + 1].len)
                    --n;
                mergeAt(n, deep1 ? "|A| <= |B| + |C|" : "2015 fix: deeper run too short", 0);
            } else if (p[n].len <= p[n + 1].len) {
                mergeAt(n, "|B| <= |C|", 0);
            } else {
                break;
            }
        }
    }

    // cpython311: the new run of length n2 follows the top run; merge while the run below
    // the top has a higher power than the boundary the new run creates.
    void foundNewRun(std::int64_t n2)
    {
        if (!m_n)
            return;
        Slice *p = m_pending.data();
        const std::int64_t s1 = p[m_n - 1].base - m_base;
        const std::int64_t n1 = p[m_n - 1].len;
        const int power = powerloop(s1, n1, n2, m_listlen);
        while (m_n > 1 && p[m_n - 2].power > power)
            mergeAt(m_n - 2, "power", power);
        p[m_n - 1].power = power;
        if (probing())
            m_trace->add("power",
                         "powerloop(" + std::to_string(s1) + ", " + std::to_string(n1) + ", " +
                             std::to_string(n2) + ", " + std::to_string(m_listlen) +
                             ") = " + std::to_string(power) + " for pending[" +
                             std::to_string(m_n - 1) + "]",
                         {{"index", m_n - 1},
                          {"power", power},
                          {"s1", s1},
                          {"n1", n1},
                          {"n2", n2},
                          {"comparisons", m_comparisons}});
    }

    void mergeForceCollapse()
    {
        Slice *p = m_pending.data();
        while (m_n > 1) {
            std::int64_t n = m_n - 2;
            if (n > 0 && p[n - 1].len < p[n + 1].len)
                --n;
            mergeAt(n, "force collapse", 0);
        }
    }

    // ---- merging ------------------------------------------------------------------------

    // merge_at(i): merge pending[i] and pending[i + 1], which are adjacent.
    void mergeAt(std::int64_t i, const char *reason, int newPower)
    {
        T *ssa = m_pending[i].base;
        std::int64_t na = m_pending[i].len;
        T *ssb = m_pending[i + 1].base;
        std::int64_t nb = m_pending[i + 1].len;
        m_stats.merges.push_back({idx(ssa), na, nb, na + nb, i});
        if (probing())
            m_trace->add("merge_begin",
                         "merge_at(" + std::to_string(i) + "): " + std::to_string(na) + " + " +
                             std::to_string(nb) + " at " + std::to_string(idx(ssa)) + " (" +
                             mergeReasonLabel(reason, m_pending[i].power) +
                             (std::string_view(reason) == "power"
                                  ? " > " + std::to_string(newPower)
                                  : std::string()) +
                             ")",
                         {{"index", i},
                          {"base", idx(ssa)},
                          {"length_a", na},
                          {"length_b", nb},
                          {"length", na + nb},
                          {"reason", reason},
                          {"power", m_pending[i].power},
                          {"new_power", newPower},
                          {"comparisons", m_comparisons}});
        const T *mergedBase = ssa;
        const std::int64_t mergedLength = na + nb;

        // pending[i] now spans both runs; pending[i + 1] goes (CPython merges only the 2nd-
        // or 3rd-last run, so at most the top slides down; the tutorial order merges deeper).
        m_pending[i].len = na + nb;
        m_pending.erase(m_pending.begin() + i + 1);
        --m_n;

        // Elements of A before where B[0] belongs are already in place.
        const std::int64_t k = gallopRight(*ssb, ssa, na, 0);
        ssa += k;
        na -= k;
        std::int64_t keptB = 0;
        if (na > 0) {
            // Elements of B after where A's last belongs are already in place.
            const std::int64_t nbTrimmed = gallopLeft(ssa[na - 1], ssb, nb, nb - 1);
            keptB = nb - nbTrimmed;
            nb = nbTrimmed;
        }
        const char *routine = na == 0 || nb == 0 ? "none" : (na <= nb ? "merge_lo" : "merge_hi");
        if (probing())
            m_trace->add("merge_trim",
                         std::to_string(k) + " of A already in place, " + std::to_string(keptB) +
                             " of B stay; " + routine + " with a temp area of " +
                             std::to_string(na && nb ? std::min(na, nb) : 0),
                         {{"skipped_a", k},
                          {"kept_b", keptB},
                          {"na", na},
                          {"nb", nb},
                          {"routine", routine},
                          {"temp", na && nb ? std::min(na, nb) : std::int64_t{0}},
                          {"comparisons", m_comparisons}});
        if (na > 0 && nb > 0) {
            if (na <= nb)
                mergeLo(ssa, na, ssb, nb);
            else
                mergeHi(ssa, na, ssb, nb);
        }
        if (probing())
            m_trace->add("merge_end",
                         "merged run of " + std::to_string(mergedLength) + " at " +
                             std::to_string(idx(mergedBase)),
                         {{"index", i},
                          {"base", idx(mergedBase)},
                          {"length", mergedLength},
                          {"values", values(mergedBase, mergedLength)},
                          {"min_gallop", m_minGallop},
                          {"comparisons", m_comparisons}});
    }

    void setMinGallop(std::int64_t v, std::source_location loc = std::source_location::current())
    {
        if (probing() && v != m_minGallop)
            m_trace->add("min_gallop",
                         "min_gallop " + std::to_string(m_minGallop) + " -> " + std::to_string(v),
                         {{"old", m_minGallop}, {"new", v}, {"comparisons", m_comparisons}}, 0,
                         loc);
        m_minGallop = v;
    }

    void gallopEvent(const char *what, const char *run, std::int64_t k,
                     std::source_location loc = std::source_location::current())
    {
        if (probing())
            m_trace->add(
                "gallop",
                std::string(what) + ": " + std::to_string(k) + " element(s) of " + run +
                    " moved as a block",
                {{"search", what}, {"run", run}, {"count", k}, {"comparisons", m_comparisons}}, 0,
                loc);
    }

    // merge_getmem + the copy of the shorter run: the temp area grows to at least twice its
    // last size when it must grow (so a sort reallocates it a few times, not once per merge),
    // and trivially copyable elements go there with one memcpy.
    // No merge needs more than half the list (the shorter run goes to the temp area).
    std::size_t halfList() const
    {
        return static_cast<std::size_t>(m_listlen / 2);
    }

    T *toTemp(T *src, std::int64_t count)
    {
        const auto n = static_cast<std::size_t>(count);
        if constexpr (kRawTemp) {
            if (n > m_rawSize) { // old contents are dead: no copy, no clearing
                // Once, at the first merge, as large as any merge of this sort can need:
                // one block instead of a series of growing ones (each new large block costs
                // page faults on first touch).
                m_rawSize = std::max(n, halfList());
                m_raw.reset(new T[m_rawSize]);
            }
            std::memcpy(static_cast<void *>(m_raw.get()), src, n * sizeof(T));
            return m_raw.get();
        } else {
            if (n > m_temp.capacity())
                m_temp.reserve(std::max(n, std::min(2 * m_temp.capacity(), halfList())));
            m_temp.assign(std::make_move_iterator(src), std::make_move_iterator(src + count));
        }
        return m_temp.data();
    }

    // merge_lo: na <= nb; A goes to the temp area and the merge fills from the left.
    void mergeLo(T *ssa, std::int64_t na, T *ssb, std::int64_t nb)
    {
        T *dest = ssa;
        ssa = toTemp(ssa, na);
        T *const aEnd = ssa + na;       // what is left of A is always [ssa, aEnd)
        T *const bLastP = ssb + nb - 1; // B's last element
        CountScope c(m_comparisons);
        try {
            *dest++ = std::move(*ssb++);
            if (--nb == 0)
                goto Succeed;
            if (na == 1)
                goto CopyB;
            {
                std::int64_t minGallop = m_minGallop;
                for (;;) {
                    // One pair at a time, as CPython's acount/bcount loop: `streak` is the
                    // number of consecutive wins of the run that won last (B if bLast). The
                    // winner is selected, not jumped to (see pick). CPython tests nb == 0 and
                    // na == 1 after every element; neither can happen before min(na - 1, nb)
                    // more elements, so the loop runs in stretches of that many and tests
                    // them after each stretch (before the streak, in CPython's order). Same
                    // comparisons, same exits.
                    std::int64_t streak = 0;
                    bool bLast = false;
                    for (;;) {
                        std::int64_t m = std::min(na - 1, nb); // >= 1
                        T *const sb0 = ssb;
                        if constexpr (kRegister) {
                            // The two candidates live in registers and the next element of
                            // each run is read before the comparison, so the loop does not
                            // wait for a load after every comparison. A has >= 2 elements
                            // left here, so ssa[1] is in A; B's read stops at its last.
                            T va = *ssa;
                            T vb = *ssb;
                            if constexpr (kCmov) {
                                // With nb > m, B keeps an element beyond this stretch, so
                                // ssb[1] is in B at every step and needs no clamp.
                                const auto stretch = [&](auto clamp) {
                                    std::uint64_t cn = c.n;
                                    do {
                                        const T a1 = ssa[1];
                                        const T b1 = clamp ? *(ssb + (ssb < bLastP)) : ssb[1];
                                        T out;
                                        const bool bWins = stepLo(va, vb, a1, b1, ssa, ssb, out);
                                        ++cn;
                                        *dest++ = out;
                                        streak = nextStreak(streak, bWins, bLast);
                                        bLast = bWins;
                                    } while (--m != 0 && streak < minGallop);
                                    c.n = cn;
                                };
                                if (nb > m)
                                    stretch(std::false_type{});
                                else
                                    stretch(std::true_type{});
                            } else
                                do {
                                    const T a1 = ssa[1];
                                    const T b1 = *(ssb + (ssb < bLastP));
                                    const bool bWins = lt(vb, va, c);
                                    *dest++ = sel(bWins, vb, va);
                                    va = sel(bWins, va, a1);
                                    vb = sel(bWins, b1, vb);
                                    ssb += bWins;
                                    ssa += !bWins;
                                    streak = nextStreak(streak, bWins, bLast);
                                    bLast = bWins;
                                } while (--m != 0 && streak < minGallop);
                        } else {
                            do {
                                const bool bWins = lt(*ssb, *ssa, c);
                                *dest++ = std::move(*pick(bWins, ssb, ssa));
                                ssb += bWins;
                                ssa += !bWins;
                                streak = nextStreak(streak, bWins, bLast);
                                bLast = bWins;
                            } while (--m != 0 && streak < minGallop);
                        }
                        na = aEnd - ssa;
                        nb -= ssb - sb0;
                        if (nb == 0)
                            goto Succeed;
                        if (na == 1)
                            goto CopyB;
                        if (streak >= minGallop)
                            break; // one run won min_gallop times in a row
                    }
                    const std::int64_t acount0 = bLast ? 0 : streak;
                    const std::int64_t bcount0 = bLast ? streak : 0;
                    ++m_stats.gallopEntries;
                    c.sink = c.n;
                    if (probing())
                        m_trace->add("gallop_enter",
                                     std::string("galloping: ") + (acount0 ? "A" : "B") + " won " +
                                         std::to_string(acount0 ? acount0 : bcount0) +
                                         " times in a row (min_gallop " +
                                         std::to_string(minGallop) + ")",
                                     {{"run", acount0 ? "A" : "B"},
                                      {"wins", acount0 ? acount0 : bcount0},
                                      {"min_gallop", minGallop},
                                      {"routine", "merge_lo"},
                                      {"comparisons", m_comparisons}});
                    ++minGallop;
                    std::int64_t acount = 0;
                    std::int64_t bcount = 0;
                    do {
                        minGallop -= minGallop > 1;
                        setMinGallop(minGallop);
                        c.sink = c.n; // the gallop counts into m_comparisons itself
                        std::int64_t k = gallopRight(*ssb, ssa, na, 0);
                        c.n = c.sink;
                        acount = k;
                        gallopEvent("gallop_right", "A", k);
                        if (k) {
                            dest = std::move(ssa, ssa + k, dest);
                            ssa += k;
                            na -= k;
                            if (na == 1)
                                goto CopyB;
                            if (na == 0) // only with an inconsistent less
                                goto Succeed;
                        }
                        *dest++ = std::move(*ssb++);
                        if (--nb == 0)
                            goto Succeed;

                        c.sink = c.n; // the gallop counts into m_comparisons itself
                        k = gallopLeft(*ssa, ssb, nb, 0);
                        c.n = c.sink;
                        bcount = k;
                        gallopEvent("gallop_left", "B", k);
                        if (k) {
                            dest = std::move(ssb, ssb + k, dest);
                            ssb += k;
                            nb -= k;
                            if (nb == 0)
                                goto Succeed;
                        }
                        *dest++ = std::move(*ssa++);
                        if (--na == 1)
                            goto CopyB;
                    } while (acount >= kMinGallop || bcount >= kMinGallop);
                    ++minGallop; // leaving gallop mode costs a point
                    setMinGallop(minGallop);
                    if (probing())
                        m_trace->add("gallop_leave",
                                     "leave galloping, min_gallop " + std::to_string(minGallop),
                                     {{"min_gallop", minGallop}, {"comparisons", m_comparisons}});
                }
            }
        Succeed:
            if (na)
                std::move(ssa, ssa + na, dest);
            return;
        CopyB:
            // A's last element belongs after everything left in B.
            dest = std::move(ssb, ssb + nb, dest);
            *dest = std::move(*ssa);
            return;
        } catch (...) {
            // na may lag behind ssa inside a stretch; aEnd does not.
            std::move(ssa, aEnd, dest);
            throw;
        }
    }

    // merge_hi: na > nb; B goes to the temp area and the merge fills from the right.
    void mergeHi(T *ssa, std::int64_t na, T *ssb, std::int64_t nb)
    {
        T *dest = ssb + nb - 1;
        T *basea = ssa;
        T *baseb = toTemp(ssb, nb); // what is left of B is always [baseb, ssb]
        ssb = baseb + nb - 1;
        ssa += na - 1;
        CountScope c(m_comparisons);
        try {
            *dest-- = std::move(*ssa--);
            if (--na == 0)
                goto Succeed;
            if (nb == 1)
                goto CopyA;
            {
                std::int64_t minGallop = m_minGallop;
                for (;;) {
                    // As in mergeLo, mirrored: stretches of min(na, nb - 1) elements, after
                    // which CPython's na == 0 and nb == 1 can first occur.
                    std::int64_t streak = 0;
                    bool aLast = false;
                    for (;;) {
                        std::int64_t m = std::min(na, nb - 1); // >= 1
                        T *const sa0 = ssa;
                        if constexpr (kRegister) {
                            // As in mergeLo: B has >= 2 elements left here, so ssb[-1] is in
                            // B; A's read stops at its first.
                            T va = *ssa;
                            T vb = *ssb;
                            if constexpr (kCmov) {
                                // With na > m, A keeps an element below this stretch, so
                                // ssa[-1] is in A at every step and needs no clamp.
                                const auto stretch = [&](auto clamp) {
                                    std::uint64_t cn = c.n;
                                    do {
                                        const T a1 = clamp ? *(ssa - (ssa > basea)) : ssa[-1];
                                        const T b1 = ssb[-1];
                                        T out;
                                        const bool aWins = stepHi(va, vb, a1, b1, ssa, ssb, out);
                                        ++cn;
                                        *dest-- = out;
                                        streak = nextStreak(streak, aWins, aLast);
                                        aLast = aWins;
                                    } while (--m != 0 && streak < minGallop);
                                    c.n = cn;
                                };
                                if (na > m)
                                    stretch(std::false_type{});
                                else
                                    stretch(std::true_type{});
                            } else
                                do {
                                    const T a1 = *(ssa - (ssa > basea));
                                    const T b1 = ssb[-1];
                                    const bool aWins = lt(vb, va, c);
                                    *dest-- = sel(aWins, va, vb);
                                    va = sel(aWins, a1, va);
                                    vb = sel(aWins, vb, b1);
                                    ssa -= aWins;
                                    ssb -= !aWins;
                                    streak = nextStreak(streak, aWins, aLast);
                                    aLast = aWins;
                                } while (--m != 0 && streak < minGallop);
                        } else {
                            do {
                                const bool aWins = lt(*ssb, *ssa, c);
                                *dest-- = std::move(*pick(aWins, ssa, ssb));
                                ssa -= aWins;
                                ssb -= !aWins;
                                streak = nextStreak(streak, aWins, aLast);
                                aLast = aWins;
                            } while (--m != 0 && streak < minGallop);
                        }
                        na -= sa0 - ssa;
                        nb = ssb + 1 - baseb;
                        if (na == 0)
                            goto Succeed;
                        if (nb == 1)
                            goto CopyA;
                        if (streak >= minGallop)
                            break;
                    }
                    const std::int64_t acount0 = aLast ? streak : 0;
                    const std::int64_t bcount0 = aLast ? 0 : streak;
                    ++m_stats.gallopEntries;
                    c.sink = c.n;
                    if (probing())
                        m_trace->add("gallop_enter",
                                     std::string("galloping: ") + (acount0 ? "A" : "B") + " won " +
                                         std::to_string(acount0 ? acount0 : bcount0) +
                                         " times in a row (min_gallop " +
                                         std::to_string(minGallop) + ")",
                                     {{"run", acount0 ? "A" : "B"},
                                      {"wins", acount0 ? acount0 : bcount0},
                                      {"min_gallop", minGallop},
                                      {"routine", "merge_hi"},
                                      {"comparisons", m_comparisons}});
                    ++minGallop;
                    std::int64_t acount = 0;
                    std::int64_t bcount = 0;
                    do {
                        minGallop -= minGallop > 1;
                        setMinGallop(minGallop);
                        c.sink = c.n; // the gallop counts into m_comparisons itself
                        std::int64_t k = na - gallopRight(*ssb, basea, na, na - 1);
                        c.n = c.sink;
                        acount = k;
                        gallopEvent("gallop_right", "A", k);
                        if (k) {
                            dest -= k;
                            ssa -= k;
                            std::move_backward(ssa + 1, ssa + 1 + k, dest + 1 + k);
                            na -= k;
                            if (na == 0)
                                goto Succeed;
                        }
                        *dest-- = std::move(*ssb--);
                        if (--nb == 1)
                            goto CopyA;

                        c.sink = c.n; // the gallop counts into m_comparisons itself
                        k = nb - gallopLeft(*ssa, baseb, nb, nb - 1);
                        c.n = c.sink;
                        bcount = k;
                        gallopEvent("gallop_left", "B", k);
                        if (k) {
                            dest -= k;
                            ssb -= k;
                            std::move(ssb + 1, ssb + 1 + k, dest + 1);
                            nb -= k;
                            if (nb == 1)
                                goto CopyA;
                            if (nb == 0) // only with an inconsistent less
                                goto Succeed;
                        }
                        *dest-- = std::move(*ssa--);
                        if (--na == 0)
                            goto Succeed;
                    } while (acount >= kMinGallop || bcount >= kMinGallop);
                    ++minGallop;
                    setMinGallop(minGallop);
                    if (probing())
                        m_trace->add("gallop_leave",
                                     "leave galloping, min_gallop " + std::to_string(minGallop),
                                     {{"min_gallop", minGallop}, {"comparisons", m_comparisons}});
                }
            }
        Succeed:
            if (nb)
                std::move(baseb, baseb + nb, dest - (nb - 1));
            return;
        CopyA:
            // B's first element belongs before everything left in A.
            std::move_backward(ssa + 1 - na, ssa + 1, dest + 1);
            dest -= na;
            *dest = std::move(*ssb);
            return;
        } catch (...) {
            // nb may lag behind ssb inside a stretch; ssb itself does not.
            nb = ssb + 1 - baseb;
            if (nb)
                std::move(baseb, baseb + nb, dest - (nb - 1));
            throw;
        }
    }

    T *m_base;
    std::int64_t m_listlen;
    Less &m_less;
    MergePolicy m_policy;
    wb::Trace *m_trace;
    Project &m_project;
    std::uint64_t m_comparisons = 0;
    std::int64_t m_minGallop = kMinGallop;
    // The pending-run stack. CPython's MAX_MERGE_PENDING (85) bounds it for its policies;
    // the tutorial order keeps every run, hence a vector.
    std::vector<Slice> m_pending;
    int m_n = 0;
    std::vector<T> m_temp;      // the temp area in general
    std::unique_ptr<T[]> m_raw; // ... and for trivially copyable T (kRawTemp)
    std::size_t m_rawSize = 0;
    SortStats m_stats;
};

} // namespace detail

// Sorts `a` in place, stably, as CPython's list.sort does; returns what happened. The probe
// level is chosen here, once: without a trace the plain instantiation runs.
template <class T, class Less = std::less<>, class Project = DefaultProjection>
SortStats timsort(std::span<T> a, Less less = {}, const SortOptions &options = {},
                  Project project = {})
{
    using detail::ProbeMode;
    using detail::TimSort;
    const auto n = static_cast<std::int64_t>(a.size());
    if (!options.trace)
        return TimSort<T, Less, Project, ProbeMode::None>(a.data(), n, less, options, project)
            .run();
    if (options.eachComparison)
        return TimSort<T, Less, Project, ProbeMode::Fine>(a.data(), n, less, options, project)
            .run();
    return TimSort<T, Less, Project, ProbeMode::Coarse>(a.data(), n, less, options, project).run();
}

// The plain sort called directly, without even the one test for a trace: the benchmark's
// baseline for what a detached probe costs.
template <class T, class Less = std::less<>>
SortStats timsortUnprobed(std::span<T> a, Less less = {},
                          MergePolicy policy = MergePolicy::CPython311)
{
    DefaultProjection project;
    SortOptions options;
    options.policy = policy;
    return detail::TimSort<T, Less, DefaultProjection, detail::ProbeMode::None>(
               a.data(), static_cast<std::int64_t>(a.size()), less, options, project)
        .run();
}

} // namespace wb::list
