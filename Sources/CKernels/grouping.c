// ItemGrouping's pass over a batch, in C: the Swift loops ran at ≈ 2 µs for 256 examples
// (checked Int32 arithmetic, stores the compiler could not keep apart from the next loads).
#include "CKernels.h"

// The groups in the order the parts are filled: by size, largest first, in group order within
// a size. Most groups are of one example: they come last, in group order, and only the larger
// ones are counting-sorted (sorting all of them spent a fifth of the pass incrementing the
// same counter, and copying them back another tenth). On return the larger groups are at
// sorted[0..<*multis] and the others at singles[-1], singles[-2], … (*ones of them).
static void order_groups(const int32_t *restrict size_of, int64_t groups, int64_t n, int32_t *restrict by_size,
                         int32_t *restrict size_starts, int32_t **sorted, int64_t *multis_out, int64_t *ones_out,
                         int32_t *largest_out) {
    // by_size: the larger groups from the front in group order, the others from the back
    // (written on every group, kept when counted: no branch); 2·multis + ones ≤ n.
    int32_t *restrict back = by_size + n;
    int64_t multis = 0, ones = 0;
    int32_t largest = 1;
    for (int64_t g = 0; g < groups; g++) {
        const int32_t size = size_of[g], one = size == 1;
        by_size[multis] = (int32_t)g;
        back[-1 - ones] = (int32_t)g;
        multis += !one;
        ones += one;
        largest = size > largest ? size : largest;
    }
    // Slot largest − size for sizes largest..2, stable, into the room after the larger groups.
    for (int32_t slot = 0; slot <= largest; slot++) size_starts[slot] = 0;
    for (int64_t j = 0; j < multis; j++) size_starts[largest - size_of[by_size[j]] + 1]++;
    for (int32_t slot = 1; slot <= largest; slot++) size_starts[slot] += size_starts[slot - 1];
    int32_t *restrict out = by_size + multis;
    for (int64_t j = 0; j < multis; j++) out[size_starts[largest - size_of[by_size[j]]]++] = by_size[j];
    *sorted = out;
    *multis_out = multis;
    *ones_out = ones;
    *largest_out = largest;
}

void rk_group_items(const int32_t *items, const int32_t *positives, int64_t n, int64_t parts,
                    int32_t *group_of, int32_t *scratch, int32_t *out_items, int32_t *out_positives) {
    if (n <= 0) return;
    // Columns: each group's item, its size then its next position, the groups by size, each
    // group's part, the size classes' starts (up to the largest size), the parts' fill.
    int32_t *restrict group_item = scratch, *restrict next = scratch + n, *restrict by_size = scratch + 2 * n;
    int32_t *restrict part_of = scratch + 3 * n, *restrict size_starts = scratch + 4 * n;
    int64_t groups = 0;
    // Without a branch on whether an item is new (most are: unpredictable): group_item's slot
    // `groups` is written each time and kept only when a group starts there.
    for (int64_t k = 0; k < n; k++) {
        const int32_t item = items[k], known = group_of[item], fresh = known < 0;
        const int32_t g = fresh ? (int32_t)groups : known;
        const int32_t count = fresh ? 1 : next[g] + 1;
        group_of[item] = g;
        group_item[groups] = item;
        next[g] = count;
        groups += fresh;
    }
    int32_t *sorted, largest;
    int64_t multis, ones;
    order_groups(next, groups, n, by_size, size_starts, &sorted, &multis, &ones, &largest);
    const int32_t *singles = by_size + n;
    if (parts == 2) {
        // Each group to the part with fewer examples so far (ties: the first), after that
        // part's groups so far; part 1's positions shifted by part 0's size as they are used.
        int32_t first = 0, second = 0;
        for (int64_t j = 0; j < multis + ones; j++) {
            const int32_t g = j < multis ? sorted[j] : singles[multis - 1 - j];
            const int32_t size = next[g], to_second = second < first;
            part_of[g] = to_second;
            next[g] = to_second ? second : first;
            first += to_second ? 0 : size;
            second += to_second ? size : 0;
        }
        // Each group's examples in batch order from its first position.
        for (int64_t k = 0; k < n; k++) {
            const int32_t g = group_of[items[k]];
            const int32_t to = next[g]++ + (-part_of[g] & first);
            out_items[to] = items[k];
            out_positives[to] = positives[k];
        }
    } else {
        // The same for any number of parts: the fewest examples so far (ties: the first such
        // part), then each part's groups after the parts before it.
        int32_t *restrict fill = size_starts + largest + 1;
        for (int64_t p = 0; p < parts; p++) fill[p] = 0;
        for (int64_t j = 0; j < multis + ones; j++) {
            const int32_t g = j < multis ? sorted[j] : singles[multis - 1 - j];
            int64_t least = 0;
            for (int64_t p = 1; p < parts; p++) least = fill[p] < fill[least] ? p : least;
            part_of[g] = (int32_t)least;
            fill[least] += next[g];
        }
        int32_t start = 0;
        for (int64_t p = 0; p < parts; p++) {
            const int32_t size = fill[p];
            fill[p] = start;
            start += size;
        }
        for (int64_t j = 0; j < multis + ones; j++) {
            const int32_t g = j < multis ? sorted[j] : singles[multis - 1 - j];
            const int32_t size = next[g];
            next[g] = fill[part_of[g]];
            fill[part_of[g]] += size;
        }
        for (int64_t k = 0; k < n; k++) {
            const int32_t to = next[group_of[items[k]]]++;
            out_items[to] = items[k];
            out_positives[to] = positives[k];
        }
    }
    for (int64_t g = 0; g < groups; g++) group_of[group_item[g]] = -1;
}
