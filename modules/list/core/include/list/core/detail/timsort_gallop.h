#pragma once
// Timsort's galloping: gallop_left and gallop_right, the exponential then binary searches
// that place one element in a run, and the min_gallop threshold that decides when a merge
// gallops. Part of list/core/timsort.h, which includes it after the class TimSort; include
// that instead.

namespace wb::list::detail {

// gallop_left: the k with a[k-1] < key <= a[k], searching out from a[hint] in steps
// 1, 3, 7, 15, ... then binary search. Equal elements in a end up after key.
template <class T, class Less, class Project, ProbeMode Mode>
inline std::int64_t TimSort<T, Less, Project, Mode>::gallopLeft(const T &key, T *a, std::int64_t n,
                                                                std::int64_t hint)
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
template <class T, class Less, class Project, ProbeMode Mode>
inline std::int64_t TimSort<T, Less, Project, Mode>::gallopRight(const T &key, T *a,
                                                                 std::int64_t n, std::int64_t hint)
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

template <class T, class Less, class Project, ProbeMode Mode>
inline void TimSort<T, Less, Project, Mode>::setMinGallop(std::int64_t v, std::source_location loc)
{
    if (probing() && v != m_minGallop)
        wb::record(m_trace, events::MinGallop{m_minGallop, v, m_comparisons},
                   "min_gallop " + std::to_string(m_minGallop) + " -> " + std::to_string(v), 0,
                   loc);
    m_minGallop = v;
}

template <class T, class Less, class Project, ProbeMode Mode>
inline void TimSort<T, Less, Project, Mode>::gallopEvent(const char *what, const char *run,
                                                         std::int64_t k, std::source_location loc)
{
    if (probing())
        wb::record(m_trace, events::Gallop{what, run, k, m_comparisons},
                   std::string(what) + ": " + std::to_string(k) + " element(s) of " + run +
                       " moved as a block",
                   0, loc);
}

} // namespace wb::list::detail
