#pragma once
// Timsort's scan over the list and its stack of pending runs: count_run, binary insertion
// to boost short runs to minrun, the push, and the three merge policies (cpython27's
// merge_collapse, cpython311's powersort, the tutorial's order). Part of
// list/core/timsort.h, which includes it after the class TimSort; include that instead.

namespace wb::list::detail {

// ---- the scan: find runs, boost them, push them, keep the stack balanced ----------------

template <class T, class Less, class Project, ProbeMode Mode>
inline void TimSort<T, Less, Project, Mode>::scan(std::int64_t minrun)
{
    T *lo = m_base;
    std::int64_t nremaining = m_listlen;
    do {
        bool descending = false;
        std::int64_t n = countRun(lo, lo + nremaining, descending);
        RunInfo info{idx(lo), n, n, descending};
        if (probing())
            wb::record(m_trace, events::Run{idx(lo), n, descending, m_comparisons},
                       "natural run at " + std::to_string(idx(lo)) + ", length " +
                           std::to_string(n) + (descending ? ", strictly descending" : ""));
        if (descending) {
            std::reverse(lo, lo + n);
            if (probing())
                wb::record(m_trace, events::Reverse{idx(lo), idx(lo) + n, m_comparisons},
                           "reverse [" + std::to_string(idx(lo)) + ", " +
                               std::to_string(idx(lo) + n) + ") in place");
        }
        if (n < minrun) {
            const std::int64_t force = nremaining <= minrun ? nremaining : minrun;
            binarysort(lo, lo + force, lo + n);
            if (probing())
                wb::record(
                    m_trace, events::Boost{idx(lo), n, force, values(lo, force), m_comparisons},
                    "binary insertion sort over [" + std::to_string(idx(lo)) + ", " +
                        std::to_string(idx(lo) + force) + "), sorted prefix " + std::to_string(n));
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

template <class T, class Less, class Project, ProbeMode Mode>
inline void TimSort<T, Less, Project, Mode>::push(T *lo, std::int64_t n)
{
    m_pending.push_back({lo, n, 0});
    ++m_n;
    if (probing()) {
        std::vector<std::int64_t> lens;
        for (int i = 0; i < m_n; ++i)
            lens.push_back(m_pending[i].len);
        wb::record(m_trace, events::Push{m_n - 1, idx(lo), n, std::move(lens), m_comparisons},
                   "push run [" + std::to_string(idx(lo)) + ", " + std::to_string(idx(lo) + n) +
                       "), stack depth " + std::to_string(m_n));
    }
}

// count_run: the length of the run starting at lo, at most hi - lo. A run is
// non-decreasing, or strictly decreasing (strict, so reversing it keeps stability).
template <class T, class Less, class Project, ProbeMode Mode>
inline std::int64_t TimSort<T, Less, Project, Mode>::countRun(T *lo, T *hi, bool &descending)
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
template <class T, class Less, class Project, ProbeMode Mode>
inline void TimSort<T, Less, Project, Mode>::binarysort(T *lo, T *hi, T *start)
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
            wb::record(m_trace, events::Insert{idx(start), idx(l), c.n},
                       "insert element " + std::to_string(idx(start)) + " at " +
                           std::to_string(idx(l)));
    }
}

// kCounted binary insertion of [start, hi) into the sorted [lo, start), hi - lo <= 64.
// Inserting lo[j] into the sorted first j elements lands it after the k_j of them that
// are not greater, wherever they sit: k_j is counted over lo[0..j) as they stand.
// insertionOrder counts them all (with AVX2 where the CPU has it) and replays the
// insertions on one-byte indexes, so the elements move once, at the end.
template <class T, class Less, class Project, ProbeMode Mode>
inline void TimSort<T, Less, Project, Mode>::binarysortCounted(T *lo, T *hi, T *start,
                                                               CountScope &c)
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

// ---- merge policies ---------------------------------------------------------------------

// cpython27: restore |A| > |B| + |C| (and one run deeper, the 2015 fix) and |B| > |C|,
// where C is the top of the stack.
template <class T, class Less, class Project, ProbeMode Mode>
inline void TimSort<T, Less, Project, Mode>::mergeCollapse()
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
template <class T, class Less, class Project, ProbeMode Mode>
inline void TimSort<T, Less, Project, Mode>::foundNewRun(std::int64_t n2)
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
        wb::record(m_trace, events::Power{m_n - 1, power, s1, n1, n2, m_comparisons},
                   "powerloop(" + std::to_string(s1) + ", " + std::to_string(n1) + ", " +
                       std::to_string(n2) + ", " + std::to_string(m_listlen) + ") = " +
                       std::to_string(power) + " for pending[" + std::to_string(m_n - 1) + "]");
}

template <class T, class Less, class Project, ProbeMode Mode>
inline void TimSort<T, Less, Project, Mode>::mergeForceCollapse()
{
    Slice *p = m_pending.data();
    while (m_n > 1) {
        std::int64_t n = m_n - 2;
        if (n > 0 && p[n - 1].len < p[n + 1].len)
            --n;
        mergeAt(n, "force collapse", 0);
    }
}

} // namespace wb::list::detail
