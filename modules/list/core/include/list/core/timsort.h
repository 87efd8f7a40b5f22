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
//
// This header holds the API and the class TimSort (one MergeState); the routines are in
// detail/timsort_runs.h (the scan, binary insertion, the merge policies), timsort_gallop.h
// and timsort_merge.h, which it includes.

#include "list/core/events.h"
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
            wb::record(
                m_trace,
                events::SortBegin{m_listlen, st.minrun, std::string(mergePolicyName(m_policy)),
                                  kMinGallop, values(m_base, m_listlen), 0},
                "sort " + std::to_string(m_listlen) + " elements, minrun " +
                    std::to_string(st.minrun) + ", " + std::string(mergePolicyName(m_policy)));
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
            wb::record(m_trace,
                       events::SortEnd{m_comparisons, static_cast<std::int64_t>(st.runs.size()),
                                       static_cast<std::int64_t>(st.merges.size()),
                                       values(m_base, m_listlen)},
                       "sorted with " + std::to_string(m_comparisons) + " comparisons, " +
                           std::to_string(st.merges.size()) + " merges");
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
            wb::record(m_trace, events::Compare{c.n, r},
                       "comparison " + std::to_string(c.n) + ": " + (r ? "less" : "not less"), 0,
                       loc);
        else
            (void)loc;
        return r;
    }

    // ---- the scan: find runs, boost them, push them (detail/timsort_runs.h) -----------------

    void scan(std::int64_t minrun);
    void push(T *lo, std::int64_t n);
    std::int64_t countRun(T *lo, T *hi, bool &descending);
    void binarysort(T *lo, T *hi, T *start);
    void binarysortCounted(T *lo, T *hi, T *start, CountScope &c);

    // ---- galloping (detail/timsort_gallop.h) ------------------------------------------------

    std::int64_t gallopLeft(const T &key, T *a, std::int64_t n, std::int64_t hint);
    std::int64_t gallopRight(const T &key, T *a, std::int64_t n, std::int64_t hint);
    void setMinGallop(std::int64_t v, std::source_location loc = std::source_location::current());
    void gallopEvent(const char *what, const char *run, std::int64_t k,
                     std::source_location loc = std::source_location::current());

    // ---- merge policies (detail/timsort_runs.h) ---------------------------------------------

    void mergeCollapse();
    void foundNewRun(std::int64_t n2);
    void mergeForceCollapse();

    // ---- merging (detail/timsort_merge.h) ---------------------------------------------------

    void mergeAt(std::int64_t i, const char *reason, int newPower);
    std::size_t halfList() const;
    T *toTemp(T *src, std::int64_t count);
    void mergeLo(T *ssa, std::int64_t na, T *ssb, std::int64_t nb);
    void mergeHi(T *ssa, std::int64_t na, T *ssb, std::int64_t nb);

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

} // namespace wb::list

// TimSort's members that are defined outside the class, by topic.
#include "list/core/detail/timsort_gallop.h"
#include "list/core/detail/timsort_merge.h"
#include "list/core/detail/timsort_runs.h"

namespace wb::list {

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
