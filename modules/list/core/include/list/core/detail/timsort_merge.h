#pragma once
// Timsort's merging: merge_at trims two adjacent runs with galloping and hands the rest to
// merge_lo or merge_hi, which copy the shorter run to the temp area and merge one pair at a
// time until one run keeps winning, then gallop. Part of list/core/timsort.h, which
// includes it after the class TimSort; include that instead.

namespace wb::list::detail {

// merge_at(i): merge pending[i] and pending[i + 1], which are adjacent.
template <class T, class Less, class Project, ProbeMode Mode>
inline void TimSort<T, Less, Project, Mode>::mergeAt(std::int64_t i, const char *reason,
                                                     int newPower)
{
    T *ssa = m_pending[i].base;
    std::int64_t na = m_pending[i].len;
    T *ssb = m_pending[i + 1].base;
    std::int64_t nb = m_pending[i + 1].len;
    m_stats.merges.push_back({idx(ssa), na, nb, na + nb, i});
    if (probing())
        wb::record(m_trace,
                   events::MergeBegin{i, idx(ssa), na, nb, na + nb, reason, m_pending[i].power,
                                      newPower, m_comparisons},
                   "merge_at(" + std::to_string(i) + "): " + std::to_string(na) + " + " +
                       std::to_string(nb) + " at " + std::to_string(idx(ssa)) + " (" +
                       mergeReasonLabel(reason, m_pending[i].power) +
                       (std::string_view(reason) == "power" ? " > " + std::to_string(newPower)
                                                            : std::string()) +
                       ")");
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
        wb::record(m_trace,
                   events::MergeTrim{k, keptB, na, nb, routine,
                                     na && nb ? std::min(na, nb) : std::int64_t{0}, m_comparisons},
                   std::to_string(k) + " of A already in place, " + std::to_string(keptB) +
                       " of B stay; " + routine + " with a temp area of " +
                       std::to_string(na && nb ? std::min(na, nb) : 0));
    if (na > 0 && nb > 0) {
        if (na <= nb)
            mergeLo(ssa, na, ssb, nb);
        else
            mergeHi(ssa, na, ssb, nb);
    }
    if (probing())
        wb::record(m_trace,
                   events::MergeEnd{i, idx(mergedBase), mergedLength,
                                    values(mergedBase, mergedLength), m_minGallop, m_comparisons},
                   "merged run of " + std::to_string(mergedLength) + " at " +
                       std::to_string(idx(mergedBase)));
}

// merge_getmem + the copy of the shorter run: the temp area grows to at least twice its
// last size when it must grow (so a sort reallocates it a few times, not once per merge),
// and trivially copyable elements go there with one memcpy.
// No merge needs more than half the list (the shorter run goes to the temp area).
template <class T, class Less, class Project, ProbeMode Mode>
inline std::size_t TimSort<T, Less, Project, Mode>::halfList() const
{
    return static_cast<std::size_t>(m_listlen / 2);
}

template <class T, class Less, class Project, ProbeMode Mode>
inline T *TimSort<T, Less, Project, Mode>::toTemp(T *src, std::int64_t count)
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
template <class T, class Less, class Project, ProbeMode Mode>
inline void TimSort<T, Less, Project, Mode>::mergeLo(T *ssa, std::int64_t na, T *ssb,
                                                     std::int64_t nb)
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
                    wb::record(
                        m_trace,
                        events::GallopEnter{acount0 ? "A" : "B", acount0 ? acount0 : bcount0,
                                            minGallop, "merge_lo", m_comparisons},
                        std::string("galloping: ") + (acount0 ? "A" : "B") + " won " +
                            std::to_string(acount0 ? acount0 : bcount0) +
                            " times in a row (min_gallop " + std::to_string(minGallop) + ")");
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
                    wb::record(m_trace, events::GallopLeave{minGallop, m_comparisons},
                               "leave galloping, min_gallop " + std::to_string(minGallop));
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
template <class T, class Less, class Project, ProbeMode Mode>
inline void TimSort<T, Less, Project, Mode>::mergeHi(T *ssa, std::int64_t na, T *ssb,
                                                     std::int64_t nb)
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
                    wb::record(
                        m_trace,
                        events::GallopEnter{acount0 ? "A" : "B", acount0 ? acount0 : bcount0,
                                            minGallop, "merge_hi", m_comparisons},
                        std::string("galloping: ") + (acount0 ? "A" : "B") + " won " +
                            std::to_string(acount0 ? acount0 : bcount0) +
                            " times in a row (min_gallop " + std::to_string(minGallop) + ")");
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
                    wb::record(m_trace, events::GallopLeave{minGallop, m_comparisons},
                               "leave galloping, min_gallop " + std::to_string(minGallop));
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

} // namespace wb::list::detail
