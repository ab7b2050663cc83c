// The kernels' bodies. Each kernels_<path>.c includes this file once (through path.h), inside
// a `#pragma clang attribute push(target(...))`, with RK(name) naming that path's copy.
// Vectors are always 16 floats: one register on AVX-512, two on AVX2, four on SSE2, so every
// path does the same arithmetic in the same order. The formulas are FastMath's (Swift),
// operation for operation, with one difference: where a formula multiplies and adds, it says
// so with fma16, which the AVX2 and AVX-512 copies (RK_FMA) compute as one fused multiply-add
// and the baseline as a product and a sum. So the two AVX paths give the same bits as each
// other, and the baseline the bits of the Swift formulas; the two differ in the last bits.
#include <stdint.h>
#include <string.h>
#include <math.h>
#include "dispatch.h"
#include "xoshiro.h"

#pragma clang fp contract(off)
// Helpers are always inlined, so how a 16-lane vector would pass between functions never matters.
#pragma clang diagnostic ignored "-Wpsabi"

typedef float vf __attribute__((vector_size(64)));
typedef int32_t vi __attribute__((vector_size(64)));
typedef float vf8 __attribute__((vector_size(32)));

#define INL static inline __attribute__((always_inline))

INL vf ld(const float *p) { vf v; memcpy(&v, p, sizeof v); return v; }
INL void st(float *p, vf v) { memcpy(p, &v, sizeof v); }
/// The first n (< 16) floats at p, zeros after.
INL vf ld_part(const float *p, int64_t n) {
    vf v = {0};
    for (int64_t i = 0; i < n; i++) v[i] = p[i];
    return v;
}
INL void st_part(float *p, vf v, int64_t n) {
    for (int64_t i = 0; i < n; i++) p[i] = v[i];
}
INL vf splat(float x) { return (vf){0} + x; }
#if defined(RK_FMA)
/// a · b + c, rounded once.
INL vf fma16(vf a, vf b, vf c) { return __builtin_elementwise_fma(a, b, c); }
#else
/// a · b + c, the product rounded, then the sum (fp contract is off).
INL vf fma16(vf a, vf b, vf c) { return a * b + c; }
#endif
/// m ? a : b lane by lane (m all ones or all zeros per lane).
INL vf sel(vi m, vf a, vf b) { return (vf)(((vi)a & m) | ((vi)b & ~m)); }
/// FastMath.min / max: x beyond the bound becomes the bound; NaN stays.
INL vf vmin(vf x, float bound) { return sel(x > bound, splat(bound), x); }
INL vf vmax(vf x, float bound) { return sel(x < bound, splat(bound), x); }
INL vf vabs(vf x) { return (vf)((vi)x & 0x7FFFFFFF); }

static const float exp_low = -87.33654f, exp_high = 88.72283f;

/// 2^n for integer-valued n in [-126, 127] (n given as its int32 lanes).
INL vf pow2i(vi n) { return (vf)((n + 127) << 23); }

/// e^c = 2^n · e^f: c = n·ln 2 + f (ln 2 in two parts), e^f by Cephes' polynomial. With fused
/// multiply-adds (the AVX paths) within 2 ulp of e^c over [exp_low, 0] (CKernelTests
/// measures it against double precision), as without.
INL vf exp_reduced(vf c, vi *ni) {
    const vf magic = splat(12582912.0f);
    vf t = fma16(c, splat(1.44269504f), magic);
    vf n = t - magic;
    *ni = (vi)t - (vi)magic;
    vf f = fma16(n, splat(2.1219444e-4f), fma16(n, splat(-0.693359375f), c));
    vf z = f * f, z2 = z * z;
    vf a = fma16(f, splat(1.6666665459e-1f), splat(5.0000001201e-1f));
    vf b = fma16(f, splat(8.3334519073e-3f), splat(4.1665795894e-2f));
    vf c2 = fma16(f, splat(1.98756915e-4f), splat(1.3981999507e-3f));
    return fma16(fma16(z2, c2, fma16(z, b, a)), z, f) + 1;
}

/// exp for c within [exp_low, exp_high]: FastMath.expClamped (2^n in two factors: n reaches 128).
INL vf exp_clamped(vf c) {
    vi ni;
    vf p = exp_reduced(c, &ni);
    vi half = ni >> 1;
    return p * pow2i(half) * pow2i(ni - half);
}

INL vf vexp(vf x) {
    vf r = exp_clamped(vmax(vmin(x, exp_high), exp_low));
    r = sel(x < exp_low, splat(0), r);
    r = sel(x > exp_high, splat(INFINITY), r);
    return sel(x != x, x, r);
}

/// exp for x within [exp_low, 0]: n ≥ −126, so 2^n is one normal factor, and p · 2^n rounds
/// once, as p · 2^(n/2) · 2^(n − n/2) does (the first product is exact): exp_clamped's bits.
INL vf exp_low_clamped(vf c) {
    vi ni;
    vf p = exp_reduced(c, &ni);
    return p * pow2i(ni);
}

INL vf exp_nonpositive(vf x) { return exp_low_clamped(vmax(x, exp_low)); }

/// The Cephes polynomial of FastMath.log: log(2^e · (1 + m)) for m ∈ [√½ − 1, √2 − 1).
INL vf log_reduced(vf m, vf e) {
    vf m2 = m * m, m4 = m2 * m2;
    vf a = fma16(m, splat(-2.4999993993e-1f), splat(3.3333331174e-1f));
    vf b = fma16(m, splat(-1.6668057665e-1f), splat(2.0000714765e-1f));
    vf c = fma16(m, splat(-1.2420140846e-1f), splat(1.4249322787e-1f));
    vf d = fma16(m, splat(-1.1514610310e-1f), splat(1.1676998740e-1f));
    vf poly = fma16(m4, fma16(m4, splat(7.0376836292e-2f), fma16(m2, d, c)), fma16(m2, b, a));
    vf y = poly * m * m2;
    y = fma16(m2, splat(-0.5f), fma16(e, splat(-2.12194440e-4f), y));
    return fma16(e, splat(0.693359375f), m + y);
}

/// FastMath.log: the Cephes reduction and polynomial; zero, negative, subnormal, infinite and
/// NaN lanes go through logf.
INL vf vlog(vf x) {
    vi bits = (vi)x;
    vf e = __builtin_convertvector((bits >> 23) - 126, vf);
    vf m = (vf)((bits & 0x007FFFFF) | 0x3F000000);
    vi small = m < 0.707106781186547524f;
    e = sel(small, e - 1, e);
    m = (m + sel(small, m, splat(0))) - 1;
    vf r = log_reduced(m, e);
    vi special = (x < 1.17549435e-38f) | (x >= INFINITY) | (x != x);
    if (__builtin_reduce_or(special))  // rare: one test for all lanes, then lane by lane
        for (int i = 0; i < 16; i++) if (special[i]) r[i] = logf(x[i]);
    return r;
}

/// vlog(1 + u) for u ∈ [0, 1] (softplus's tail), bit for bit: 1 + u lies in [1, 2], so its
/// halving is vlog's mantissa and the exponent is 0 or 1; no bit extraction, no special lanes
/// (a NaN u gives NaN).
INL vf log_one_plus_unit(vf u) {
    vf h = (1 + u) * 0.5f;
    vi small = h < 0.707106781186547524f;
    vf e = sel(small, splat(0), splat(1));
    vf m = (h + sel(small, h, splat(0))) - 1;
    return log_reduced(m, e);
}

/// vexp(x) for x ≤ 0 or NaN, bit for bit (NaN gives a NaN): only the low clamp and its zero.
INL vf exp_nonpositive_or_zero(vf x) { return sel(x < exp_low, splat(0), exp_low_clamped(vmax(x, exp_low))); }

/// √a lane by lane with the hardware square root (sqrtps on every path: correctly rounded, so
/// each path and sqrtf give the same bits).
INL vf vsqrt(vf a) { return __builtin_elementwise_sqrt(a); }

// MARK: activations

INL vf elu(vf x) { return sel(x > 0, x, exp_nonpositive(vmin(x, 0)) - 1); }
INL vf relu(vf x) { return vmax(x, 0); }
INL vf act_forward(vf x, int act) {
    return act == RK_ACT_ELU ? elu(x) : act == RK_ACT_RELU ? relu(x) : x;
}
/// g · act'(x) from the output y (y > 0 exactly where x > 0 for ELU and ReLU).
INL vf act_backward(vf g, vf y, int act) {
    if (act == RK_ACT_ELU) return g * sel(y > 0, splat(1), y + 1);
    if (act == RK_ACT_RELU) return g * sel(y > 0, splat(1), splat(0));
    return g;
}

void RK(bias_act_forward)(float *y, const float *bias, int64_t rows, int64_t width, int act) {
    for (int64_t r = 0; r < rows; r++) {
        float *row = y + r * width;
        int64_t c = 0;
        for (; c + 16 <= width; c += 16) {
            vf v = ld(row + c);
            if (bias) v = v + ld(bias + c);
            st(row + c, act_forward(v, act));
        }
        if (c < width) {
            vf v = ld_part(row + c, width - c);
            if (bias) v = v + ld_part(bias + c, width - c);
            st_part(row + c, act_forward(v, act), width - c);
        }
    }
}

void RK(act_backward)(const float *g, const float *mask, const float *y, float *dz, float *dbias,
                      int64_t rows, int64_t width, int act) {
    if (dbias && width == 64) {
        // The usual width: the bias gradient's four vectors stay in registers from row to row
        // (the same additions in the same order as adding into dbias row after row).
        vf acc[4];
        for (int v = 0; v < 4; v++) acc[v] = ld(dbias + 16 * v);
        for (int64_t r = 0; r < rows; r++) {
            const int64_t o = r * 64;
            for (int v = 0; v < 4; v++) {
                vf gv = ld(g + o + 16 * v);
                if (mask) gv = gv * ld(mask + o + 16 * v);
                vf d = act_backward(gv, ld(y + o + 16 * v), act);
                st(dz + o + 16 * v, d);
                acc[v] += d;
            }
        }
        for (int v = 0; v < 4; v++) st(dbias + 16 * v, acc[v]);
        return;
    }
    for (int64_t r = 0; r < rows; r++) {
        int64_t o = r * width, c = 0;
        for (; c + 16 <= width; c += 16) {
            vf gv = ld(g + o + c);
            if (mask) gv = gv * ld(mask + o + c);
            vf d = act_backward(gv, ld(y + o + c), act);
            st(dz + o + c, d);
            if (dbias) st(dbias + c, ld(dbias + c) + d);
        }
        if (c < width) {
            int64_t n = width - c;
            vf gv = ld_part(g + o + c, n);
            if (mask) gv = gv * ld_part(mask + o + c, n);
            vf d = act_backward(gv, ld_part(y + o + c, n), act);
            st_part(dz + o + c, d, n);
            if (dbias) st_part(dbias + c, ld_part(dbias + c, n) + d, n);
        }
    }
}

void RK(multiply)(const float *x, const float *y, float *out, int64_t n) {
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) st(out + i, ld(x + i) * ld(y + i));
    for (; i < n; i++) out[i] = x[i] * y[i];
}

void RK(add)(const float *x, float *y, int64_t n) {
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) st(y + i, ld(y + i) + ld(x + i));
    for (; i < n; i++) y[i] += x[i];
}

void RK(sum)(const float *x, const float *y, float *out, int64_t n) {
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) st(out + i, ld(x + i) + ld(y + i));
    for (; i < n; i++) out[i] = x[i] + y[i];
}

// MARK: Adagrad

/// acc += g²; w −= lr · g / (√acc + eps), with the exact square root and division
/// (Adagrad.step's formula; on the AVX paths acc + g² is one fused multiply-add, in the vector
/// blocks and the scalar tail alike). The weights' lines are asked for, to be written, 16 lines
/// ahead (never past the block's end, where the other thread's elements lie): in a split step
/// each thread steps its own range of a dense weight that both threads' parts have just read
/// (PartedUpdate), so each line must first be taken from the other core. When the host places
/// the two cores far apart that took 21.4–23.4 µs a piece of a bpr step instead of 19.4–21.1
/// with a read prefetch, and the step 125.8–128.7 µs instead of 123.2–124.5 with `prefetchw`
/// (the AVX-512 path's); in calm spells no change measured.
INL void adagrad_block(float *w, float *a, const float *g, int64_t n, float lr, float eps) {
    const int64_t ahead = 256;  // floats: 16 lines
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        if (i + ahead < n) __builtin_prefetch(w + i + ahead, 1, 3);
        vf gv = ld(g + i);
        vf av = fma16(gv, gv, ld(a + i));
        st(a + i, av);
        st(w + i, ld(w + i) - lr * gv / (vsqrt(av) + eps));
    }
    for (; i < n; i++) {
#if defined(RK_FMA)
        a[i] = fmaf(g[i], g[i], a[i]);
#else
        a[i] += g[i] * g[i];
#endif
        w[i] -= lr * g[i] / (sqrtf(a[i]) + eps);
    }
}

void RK(adagrad)(float *w, float *acc, const float *g, int64_t n, float lr, float eps) {
    adagrad_block(w, acc, g, n, lr, eps);
}

void RK(adagrad_rows)(float *table, float *acc, const float *grads, const int32_t *rows,
                      int64_t count, int64_t width, float lr, float eps) {
    // Rows of a big table are scattered in memory: ask for a row's lines (and its
    // accumulator's) a few rows ahead, so several are in flight while one is updated.
    const int64_t ahead = 8;
    for (int64_t k = 0; k < count; k++) {
        if (k + ahead < count) {
            int64_t next = (int64_t)rows[k + ahead] * width;
            for (int64_t c = 0; c < width; c += 16) {
                __builtin_prefetch(table + next + c, 1, 3);
                __builtin_prefetch(acc + next + c, 1, 3);
            }
        }
        int64_t o = (int64_t)rows[k] * width;
        adagrad_block(table + o, acc + o, grads + k * width, width, lr, eps);
    }
}

// MARK: losses

/// One exp per pair serves softplus and σ (as BPRLoss.swift did): FastMath's exp and log,
/// taking the short forms their arguments allow (e^−|x| ≤ 1).
INL void bpr_pairs(vf x, vf *loss, vf *sigma) {
    vf e = exp_nonpositive_or_zero(-vabs(x));
    vf r = 1 / (1 + e);
    *loss = vmax(x, 0) + log_one_plus_unit(e);
    *sigma = sel(x < 0, e * r, r);
}

INL vf8 lo8(vf v) { return __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7); }
INL vf8 hi8(vf v) { return __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15); }

/// Σ softplus(neg − pos) over the b × k pairs; σ(neg − pos) per pair into s.
INL float bpr_forward(const float *pos, const float *neg, float *s, int64_t b, int64_t k) {
    int64_t n = b * k;
    for (int64_t i = 0; i < b; i++) {
        const float p = pos[i];
        const float *row = neg + i * k;
        float *d = s + i * k;
        for (int64_t j = 0; j < k; j++) d[j] = row[j] - p;
    }
    // An eight-lane total, added block after block, as the Swift loop summed it.
    vf8 total = {0};
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        vf l, sigma;
        bpr_pairs(ld(s + i), &l, &sigma);
        total += lo8(l);
        total += hi8(l);
        st(s + i, sigma);
    }
    if (i < n) {
        int64_t m = n - i;
        vf l, sigma, valid = {0};
        for (int64_t q = 0; q < m; q++) valid[q] = 1;
        bpr_pairs(ld_part(s + i, m), &l, &sigma);
        l = l * valid;
        total += lo8(l);
        if (m > 8) total += hi8(l);
        st_part(s + i, sigma, m);
    }
    float sum = -0.0f;
    for (int q = 0; q < 8; q++) sum += total[q];
    return sum;
}

/// Σ p[0..<n] as Kernels.sum adds it: a 16-lane running total, its lanes in order, then the tail.
INL float sum16(const float *p, int64_t n) {
    vf acc = {0};
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) acc += ld(p + i);
    float s = -0.0f;
    for (int q = 0; q < 16; q++) s += acc[q];
    for (; i < n; i++) s += p[i];
    return s;
}

/// The largest of p[0..<n] (−∞ for none), as Kernels.maximum finds it. NaN never wins a
/// comparison, so the lanes hold no NaN and any order of comparing them gives the same largest
/// value (up to the sign of a zero, which nothing downstream can tell apart): halves, not a chain.
INL float max16(const float *p, int64_t n) {
    vf acc = splat(-INFINITY);
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) { vf v = ld(p + i); acc = sel(v > acc, v, acc); }
    vf h = __builtin_shufflevector(acc, acc, 8, 9, 10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5, 6, 7);
    acc = sel(h > acc, h, acc);
    h = __builtin_shufflevector(acc, acc, 4, 5, 6, 7, 0, 1, 2, 3, 12, 13, 14, 15, 8, 9, 10, 11);
    acc = sel(h > acc, h, acc);
    h = __builtin_shufflevector(acc, acc, 2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13);
    acc = sel(h > acc, h, acc);
    h = __builtin_shufflevector(acc, acc, 1, 0, 3, 2, 5, 4, 7, 6, 9, 8, 11, 10, 13, 12, 15, 14);
    acc = sel(h > acc, h, acc);
    float m = acc[0];
    for (; i < n; i++) m = p[i] > m ? p[i] : m;
    return m;
}

/// One stage of transpose16: rows i and i + s (i & s == 0) swap their off-diagonal s-wide blocks;
/// LO and HI are the two shuffles' lane lists (constants, as the builtin wants them).
#define RK_LIST(...) __VA_ARGS__
#define RK_SWAP_BLOCKS(r, s, LO, HI) \
    for (int i = 0; i < 16; i++) if (!(i & (s))) { \
        vf a = r[i], b = r[i + (s)]; \
        r[i] = __builtin_shufflevector(a, b, RK_LIST LO); \
        r[i + (s)] = __builtin_shufflevector(a, b, RK_LIST HI); \
    }

/// Transposes 16 vectors in place (r[i][l] becomes r[l][i]): off-diagonal blocks swapped at
/// every scale.
INL void transpose16(vf r[16]) {
    RK_SWAP_BLOCKS(r, 8, (0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23),
                   (8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31))
    RK_SWAP_BLOCKS(r, 4, (0, 1, 2, 3, 16, 17, 18, 19, 8, 9, 10, 11, 24, 25, 26, 27),
                   (4, 5, 6, 7, 20, 21, 22, 23, 12, 13, 14, 15, 28, 29, 30, 31))
    RK_SWAP_BLOCKS(r, 2, (0, 1, 16, 17, 4, 5, 20, 21, 8, 9, 24, 25, 12, 13, 28, 29),
                   (2, 3, 18, 19, 6, 7, 22, 23, 10, 11, 26, 27, 14, 15, 30, 31))
    RK_SWAP_BLOCKS(r, 1, (0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30),
                   (1, 17, 3, 19, 5, 21, 7, 23, 9, 25, 11, 27, 13, 29, 15, 31))
}

/// gp[i] = −(Σ_j σ[i, j]) · scale, gn = σ · scale (gn may be σ itself: the sum comes first).
INL void bpr_backward(const float *sigma, float *gp, float *gn, int64_t b, int64_t k, float scale) {
    for (int64_t i = 0; i < b; i++) {
        const float *s = sigma + i * k;
        float *d = gn + i * k;
        gp[i] = -sum16(s, k) * scale;
        int64_t j = 0;
        for (; j + 16 <= k; j += 16) st(d + j, ld(s + j) * scale);
        for (; j < k; j++) d[j] = s[j] * scale;
    }
}

/// Sixteen rows' 16-lane totals added up lane by lane (lanes in order from −0), side by side:
/// lane r of the result is row r's total, the bits of adding its lanes one after the other.
INL vf row_totals(vf acc[16]) {
    transpose16(acc);
    vf z = splat(-0.0f);
    for (int l = 0; l < 16; l++) z += acc[l];
    return z;
}

/// bpr_forward and bpr_backward in one pass when k is a multiple of 16: σ's row sums stay in
/// registers and sixteen rows' are added side by side. On SSE2 the loss total is bpr_forward's
/// (the same blocks, the same eight-lane total): the same bits as the two passes. The AVX
/// paths take one log per lane for up to 64 pairs: Σ log(1 + e) = log Π (1 + e), each factor in
/// [1, 2], so a product of 64 stays below 2^64; it rounds 64 times, ≤ 32 ulp of the product,
/// ≤ 2e-6 on the log of a sum of 64 terms, and the sum is only the reported loss (σ, the
/// gradient, is computed pair by pair).
INL float bpr_rows(const float *pos, const float *neg, float *gp, float *gn, int64_t b, int64_t k, float scale) {
#if defined(RK_FMA)
    vf hinge = {0}, logs = {0}, product = splat(1);
    int factors = 0;
#else
    vf8 total = {0};
#endif
    for (int64_t i = 0; i < b; i += 16) {
        const int rows = b - i < 16 ? (int)(b - i) : 16;
        vf acc[16];
        for (int r = 0; r < rows; r++) {
            const float p = pos[i + r], *row = neg + (i + r) * k;
            float *q = gn + (i + r) * k;
            vf a = {0};
            for (int64_t j = 0; j < k; j += 16) {
                const vf x = ld(row + j) - p;
                vf sigma;
#if defined(RK_FMA)
                const vf e = exp_nonpositive_or_zero(-vabs(x)), d = 1 + e, rd = 1 / d;
                sigma = sel(x < 0, e * rd, rd);
                hinge += vmax(x, 0);
                product *= d;
                if (++factors == 64) { logs += vlog(product); product = splat(1); factors = 0; }
#else
                vf l;
                bpr_pairs(x, &l, &sigma);
                total += lo8(l);
                total += hi8(l);
#endif
                a += sigma;
                st(q + j, sigma * scale);
            }
            acc[r] = a;
        }
        for (int r = rows; r < 16; r++) acc[r] = (vf){0};
        const vf g = -row_totals(acc) * scale;
        if (rows == 16) st(gp + i, g); else st_part(gp + i, g, rows);
    }
    float sum = -0.0f;
#if defined(RK_FMA)
    const vf total = hinge + (logs + vlog(product));
    for (int q = 0; q < 16; q++) sum += total[q];
#else
    for (int q = 0; q < 8; q++) sum += total[q];
#endif
    return sum;
}

float RK(bpr)(const float *pos, const float *neg, float *gp, float *gn, int64_t b, int64_t k, float scale) {
    if (k % 16 == 0) return bpr_rows(pos, neg, gp, gn, b, k, scale);
    const float total = bpr_forward(pos, neg, gn, b, k);
    bpr_backward(gn, gp, gn, b, k, scale);
    return total;
}

/// One example's listwise loss and gradients: softmax over [p, n_0…n_{k−1}] as FastMath computes
/// it, gn = prob · scale, returns the loss term and writes *gp = (prob_p − 1) · scale.
INL float listwise_row(float p, const float *n, float *gn, float *gp, int64_t k, float scale) {
    const float mn = max16(n, k);
    const float m = p > mn ? p : mn;
    const float ep = expf(p - m);
    int64_t j = 0;
    for (; j + 16 <= k; j += 16) st(gn + j, exp_nonpositive(ld(n + j) - m));
    if (j < k) st_part(gn + j, exp_nonpositive(ld_part(n + j, k - j) - m), k - j);
    const float z = ep + sum16(gn, k);
    const float inv = 1 / z;
    for (j = 0; j + 16 <= k; j += 16) st(gn + j, ld(gn + j) * inv * scale);
    for (; j < k; j++) gn[j] = gn[j] * inv * scale;
    *gp = (ep * inv - 1) * scale;
    return logf(z) + m - p;
}

/// Sixteen examples at once: listwise_row's numbers, with the in-order sums of the sixteen rows'
/// lanes added side by side (a transpose, then sixteen vector adds) instead of one chain per row.
/// Adds the sixteen loss terms to `total` in row order and returns it.
INL float listwise_block(float total, const float *pos, const float *neg, float *gp, float *gn, int64_t k, float scale) {
    vf m, ep, acc[16];
    const int64_t full = k / 16 * 16;
    for (int r = 0; r < 16; r++) {
        const float p = pos[r], *n = neg + r * k, mn = max16(n, k);
        float *q = gn + r * k;
        m[r] = p > mn ? p : mn;
#if !defined(RK_FMA)
        ep[r] = expf(p - m[r]);
#endif
        vf a = {0};
        for (int64_t j = 0; j < full; j += 16) {
            vf e = exp_nonpositive(ld(n + j) - m[r]);
            st(q + j, e);
            a += e;
        }
        if (full < k) st_part(q + full, exp_nonpositive(ld_part(n + full, k - full) - m[r]), k - full);
        acc[r] = a;
    }
#if defined(RK_FMA)
    // The AVX paths take the sixteen rows' e^(p − m) and log z as vectors (the kernels' exp and
    // log, within 1 and 2 ulp) instead of sixteen calls each to libm's expf and logf.
    ep = exp_nonpositive(ld(pos) - m);
#endif
    vf z = row_totals(acc);
    for (int64_t j = full; j < k; j++)
        for (int r = 0; r < 16; r++) z[r] += gn[r * k + j];
    z = ep + z;
    const vf inv = 1 / z;
#if defined(RK_FMA)
    const vf logz = vlog(z);
#endif
    st(gp, (ep * inv - 1) * scale);
    for (int r = 0; r < 16; r++) {
        float *q = gn + r * k;
        const float ir = inv[r];
        int64_t j = 0;
        for (; j + 16 <= k; j += 16) st(q + j, ld(q + j) * ir * scale);
        for (; j < k; j++) q[j] = q[j] * ir * scale;
#if defined(RK_FMA)
        total += logz[r] + m[r] - pos[r];
#else
        total += logf(z[r]) + m[r] - pos[r];
#endif
    }
    return total;
}

float RK(listwise)(const float *pos, const float *neg, float *gp, float *gn, int64_t b, int64_t k, float scale) {
    float total = 0;
    int64_t i = 0;
    for (; i + 16 <= b; i += 16) total = listwise_block(total, pos + i, neg + i * k, gp + i, gn + i * k, k, scale);
    for (; i < b; i++) total += listwise_row(pos[i], neg + i * k, gn + i * k, gp + i, k, scale);
    return total;
}

float RK(wmse)(const float *pos, const float *neg, float *gp, float *gn, int64_t b, int64_t k, float sp, float sn) {
    float lp = 0;
    const float tp = 2 * sp, tn = 2 * sn;
    for (int64_t i = 0; i < b; i++) {
        const float d = pos[i] - 1;
        lp += d * d;
        gp[i] = tp * d;
    }
    // Σ neg² as Kernels.dot adds it (a 16-lane total, its lanes in order, then the tail), gn beside it.
    const int64_t n = b * k;
    vf acc = {0};
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        vf v = ld(neg + i);
        acc += v * v;
        st(gn + i, v * tn);
    }
    float ln = -0.0f;
    for (int q = 0; q < 16; q++) ln += acc[q];
    for (; i < n; i++) { ln += neg[i] * neg[i]; gn[i] = tn * neg[i]; }
    return sp * lp + sn * ln;
}

/// Inverted dropout's mask, drawn from xoshiro256** (state s, continued) exactly as
/// DropoutOp.swift draws it: two 32-bit draws per number; u < threshold drops (mask 0), the
/// rest keep (mask = keep, given as its bit pattern). Then y = x · mask.
INL uint32_t keep_factor(uint64_t u, int64_t threshold, uint32_t keep_bits) {
    int64_t dropped = ((int64_t)u - threshold) >> 63;
    return keep_bits & ~(uint32_t)dropped;
}

typedef uint64_t vu64 __attribute__((vector_size(64)));
typedef uint32_t vu32 __attribute__((vector_size(64)));

/// Eight xoshiro256** streams side by side, one per lane (x · 5 and x · 9 as shifts and adds:
/// the same numbers, and no 64-bit multiply needed on AVX2 or SSE2).
INL vu64 rotl64(vu64 x, int k) { return (x << k) | (x >> (64 - k)); }
INL vu64 xoshiro_lanes(vu64 s[4]) {
    vu64 m = (s[1] << 2) + s[1];
    vu64 r = rotl64(m, 7);
    r = (r << 3) + r;
    vu64 t = s[1] << 17;
    s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl64(s[3], 45);
    return r;
}

/// r[t] holds draw t of every lane; writes lane j's eight draws to out + j · stride (an 8 × 8 transpose).
INL void store_lanes(const vu64 r[8], uint64_t *out, int64_t stride) {
    vu64 a[8], b[8];
    for (int i = 0; i < 8; i += 2) {
        a[i] = __builtin_shufflevector(r[i], r[i + 1], 0, 8, 2, 10, 4, 12, 6, 14);
        a[i + 1] = __builtin_shufflevector(r[i], r[i + 1], 1, 9, 3, 11, 5, 13, 7, 15);
    }
    for (int i = 0; i < 8; i += 4)
        for (int h = 0; h < 2; h++) {
            b[i + h] = __builtin_shufflevector(a[i + h], a[i + h + 2], 0, 1, 8, 9, 4, 5, 12, 13);
            b[i + h + 2] = __builtin_shufflevector(a[i + h], a[i + h + 2], 2, 3, 10, 11, 6, 7, 14, 15);
        }
    for (int h = 0; h < 4; h++) {
        vu64 lo = __builtin_shufflevector(b[h], b[h + 4], 0, 1, 2, 3, 8, 9, 10, 11);
        vu64 hi = __builtin_shufflevector(b[h], b[h + 4], 4, 5, 6, 7, 12, 13, 14, 15);
        memcpy(out + h * stride, &lo, sizeof lo);
        memcpy(out + (h + 4) * stride, &hi, sizeof hi);
    }
}

/// Draws `count` numbers of the stream s (advanced past them) into out (written with memcpy: the
/// caller's memory is a float mask): rounds of eight lanes side by side, lane j of a round starting
/// j · chunk draws on (a jump), while there are enough draws to pay for the jumps; serially after.
INL void xoshiro_fill(uint64_t s[4], void *out, int64_t count) {
    char *o = out;
    int64_t done = 0;
    while (count - done >= 1024) {
        const int64_t chunk = (count - done) / 64 * 8 < 4096 ? (count - done) / 64 * 8 : 4096;
        const struct rk_jump *jump = rk_xoshiro_jump(chunk);
        if (!jump) break;
        uint64_t start[8][4];
        memcpy(start[0], s, sizeof start[0]);
        for (int j = 1; j < 8; j++) rk_xoshiro_apply(jump, start[j - 1], start[j]);
        vu64 lanes[4];
        for (int q = 0; q < 4; q++) for (int j = 0; j < 8; j++) lanes[q][j] = start[j][q];
        uint64_t *round = (uint64_t *)(o + done * 8);
        for (int64_t t = 0; t < chunk; t += 8) {
            vu64 r[8];
            for (int u = 0; u < 8; u++) r[u] = xoshiro_lanes(lanes);
            store_lanes(r, round + t, chunk);
        }
        for (int q = 0; q < 4; q++) s[q] = lanes[q][7];  // lane 7 ends where the serial stream would be
        done += 8 * chunk;
    }
    for (; done < count; done++) {
        uint64_t r = xoshiro_next(s);
        memcpy(o + done * 8, &r, sizeof r);
    }
}

void RK(dropout_forward)(uint64_t *state, int64_t threshold, uint32_t keep_bits,
                         const float *x, float *mask, float *y, int64_t n) {
    uint64_t s[4] = { state[0], state[1], state[2], state[3] };
    // The draws go straight into the mask's memory: draw i's low half is element 2i, its high half 2i + 1.
    xoshiro_fill(s, mask, n / 2);
    if (n % 2) {
        uint32_t low = (uint32_t)(xoshiro_next(s) & 0xFFFFFFFFu);
        memcpy(mask + n - 1, &low, sizeof low);
    }
    for (int q = 0; q < 4; q++) state[q] = s[q];
    const uint32_t cut = (uint32_t)threshold;
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        vu32 u;
        memcpy(&u, mask + i, sizeof u);
        vu32 m = (vu32)(u >= cut) & keep_bits;  // u < threshold drops
        vf f;
        memcpy(&f, &m, sizeof f);
        st(mask + i, f);
        st(y + i, ld(x + i) * f);
    }
    for (; i < n; i++) {
        uint32_t u;
        memcpy(&u, mask + i, sizeof u);
        u = keep_factor(u, threshold, keep_bits);
        memcpy(mask + i, &u, sizeof u);
        y[i] = x[i] * mask[i];
    }
}

/// Σ x[i]·y[i] as Kernels.dot: 16-lane products summed lane by lane from −0, then the tail.
INL float dot16(const float *x, const float *y, int64_t d) {
    vf acc = {0};
    int64_t i = 0;
    for (; i + 16 <= d; i += 16) acc += ld(x + i) * ld(y + i);
    float s = -0.0f;
    for (int q = 0; q < 16; q++) s += acc[q];
    for (; i < d; i++) s += x[i] * y[i];
    return s;
}

void RK(row_dot)(const float *a, const float *b, float *out, int64_t rows, int64_t d) {
    for (int64_t r = 0; r < rows; r++) out[r] = dot16(a + r * d, b + r * d, d);
}

void RK(scale_rows)(const float *g, const float *src, float *dst, int64_t rows, int64_t d) {
    for (int64_t r = 0; r < rows; r++) {
        const float s = g[r], *x = src + r * d;
        float *y = dst + r * d;
        int64_t i = 0;
        for (; i + 16 <= d; i += 16) st(y + i, ld(x + i) * s);
        for (; i < d; i++) y[i] = s * x[i];
    }
}

int64_t RK(sparse_rows_add)(int32_t *slot_of, int32_t *touched, int64_t count, float *values,
                            const int32_t *indices, const float *rows, int64_t n, int64_t width) {
    for (int64_t k = 0; k < n; k++) {
        const int32_t r = indices[k];
        const float *src = rows + k * width;
        if (slot_of[r] < 0) {
            slot_of[r] = (int32_t)count;
            touched[count] = r;
            memcpy(values + count * width, src, (size_t)width * sizeof(float));
            count++;
        } else {
            float *dst = values + (int64_t)slot_of[r] * width;
            int64_t i = 0;
            for (; i + 16 <= width; i += 16) st(dst + i, ld(dst + i) + ld(src + i));
            for (; i < width; i++) dst[i] += src[i];
        }
    }
    return count;
}

/// dst[0..<width] = src[0..<width] in vector moves (rows are short: a library call costs more).
INL void copy_row(float *dst, const float *src, int64_t width) {
    int64_t i = 0;
    for (; i + 16 <= width; i += 16) st(dst + i, ld(src + i));
    if (i < width) memcpy(dst + i, src + i, (size_t)(width - i) * sizeof(float));
}

void RK(gather_rows)(const float *table, int64_t width, const int32_t *indices, int64_t n, float *out) {
    // Rows come from anywhere in the table: ask for the lines of the row `ahead` places on,
    // so several rows are on their way while this one is copied.
    const int64_t ahead = 8;
    for (int64_t k = 0; k < n && k < ahead; k++)
        for (int64_t c = 0; c < width; c += 16) __builtin_prefetch(table + (int64_t)indices[k] * width + c, 0, 3);
    for (int64_t k = 0; k < n; k++) {
        if (k + ahead < n) {
            const float *next = table + (int64_t)indices[k + ahead] * width;
            for (int64_t c = 0; c < width; c += 16) __builtin_prefetch(next + c, 0, 3);
        }
        copy_row(out + k * width, table + (int64_t)indices[k] * width, width);
    }
}

void RK(scatter_add_rows)(float *table, int64_t width, const int32_t *indices, int64_t n, const float *rows) {
    for (int64_t k = 0; k < n; k++) {
        float *dst = table + (int64_t)indices[k] * width;
        const float *src = rows + k * width;
        int64_t i = 0;
        for (; i + 16 <= width; i += 16) st(dst + i, ld(dst + i) + ld(src + i));
        for (; i < width; i++) dst[i] += src[i];
    }
}

/// y += a · x over n floats, each element a product then a sum (Kernels.axpy's bits).
INL void axpy16(float a, const float *x, float *y, int64_t n) {
    const vf av = splat(a);
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) st(y + i, ld(y + i) + av * ld(x + i));
    for (; i < n; i++) y[i] += a * x[i];
}

// A Gramian sum's excluded pairs (GramianOp): row r of v [rows, d] with each column c of u
// [n, d] that its group g = groups[r] leaves out, c = columns[k] for k in starts[g]..<starts[g+1],
// the pairs in row order. The u rows are looked up at random: later pairs' are asked for ahead.

/// The 16-lane products of x and y summed lane by lane (dot16 before its lane sum and tail).
INL vf dot_lanes(const float *x, const float *y, int64_t d) {
    vf acc = {0};
    for (int64_t i = 0; i + 16 <= d; i += 16) acc += ld(x + i) * ld(y + i);
    return acc;
}

double RK(excluded_scores)(const float *v, const float *e, const float *u, const float *cb, int64_t d,
                           const int32_t *groups, int64_t rows, const int64_t *starts, const int32_t *columns,
                           float *scores, double total) {
    const int64_t body = d / 16 * 16;
    int64_t o = 0;
    for (int64_t r = 0; r < rows; r++) {
        const float *vr = v + r * d;
        // The bias after the dot: the bits of a dot over [v_r, e_r] · [u_c, cb_c] (its last term).
        const float er = e ? e[r] : 1.0f;
        const int64_t g = groups[r], end = starts[g + 1];
        int64_t k = starts[g];
        // Sixteen pairs at a time: their lane products transposed, so that lane p of
        // t[0] + t[1] + … + t[15] is pair p's lane sum in dot16's order (−0 + x is x, so
        // starting from t[0] keeps its bits) — sixteen vector adds instead of 256 scalar ones.
        for (; k + 16 <= end; k += 16, o += 16) {
            if (k + 32 <= end) for (int q = 16; q < 32; q++) __builtin_prefetch(u + (int64_t)columns[k + q] * d, 0, 3);
            vf t[16];
            for (int q = 0; q < 16; q++) t[q] = dot_lanes(vr, u + (int64_t)columns[k + q] * d, d);
            transpose16(t);
            vf sum = t[0];
            for (int q = 1; q < 16; q++) sum = sum + t[q];
            float s[16];
            st(s, sum);
            for (int q = 0; q < 16; q++) {
                const float *uq = u + (int64_t)columns[k + q] * d;
                for (int64_t i = body; i < d; i++) s[q] += vr[i] * uq[i];
                if (cb) s[q] += er * cb[columns[k + q]];
                scores[o + q] = s[q];
                total -= (double)(s[q] * s[q]);
            }
        }
        // Four pairs at a time: each lane sum is a chain of 16 dependent adds, and four chains
        // side by side run in the time of one (every score keeps dot16's bits).
        for (; k + 4 <= end; k += 4, o += 4) {
            if (k + 12 <= end) for (int q = 8; q < 12; q++) __builtin_prefetch(u + (int64_t)columns[k + q] * d, 0, 3);
            const float *u0 = u + (int64_t)columns[k] * d, *u1 = u + (int64_t)columns[k + 1] * d,
                        *u2 = u + (int64_t)columns[k + 2] * d, *u3 = u + (int64_t)columns[k + 3] * d;
            const vf a0 = dot_lanes(vr, u0, d), a1 = dot_lanes(vr, u1, d), a2 = dot_lanes(vr, u2, d),
                     a3 = dot_lanes(vr, u3, d);
            float s0 = -0.0f, s1 = -0.0f, s2 = -0.0f, s3 = -0.0f;
#pragma clang loop unroll(full)
            for (int q = 0; q < 16; q++) { s0 += a0[q]; s1 += a1[q]; s2 += a2[q]; s3 += a3[q]; }
            for (int64_t i = d / 16 * 16; i < d; i++) {
                s0 += vr[i] * u0[i]; s1 += vr[i] * u1[i]; s2 += vr[i] * u2[i]; s3 += vr[i] * u3[i];
            }
            if (cb) {
                s0 += er * cb[columns[k]]; s1 += er * cb[columns[k + 1]];
                s2 += er * cb[columns[k + 2]]; s3 += er * cb[columns[k + 3]];
            }
            scores[o] = s0; scores[o + 1] = s1; scores[o + 2] = s2; scores[o + 3] = s3;
            total -= (double)(s0 * s0);
            total -= (double)(s1 * s1);
            total -= (double)(s2 * s2);
            total -= (double)(s3 * s3);
        }
        for (; k < end; k++, o++) {
            float s = dot16(vr, u + (int64_t)columns[k] * d, d);
            if (cb) s += er * cb[columns[k]];
            scores[o] = s;
            total -= (double)(s * s);
        }
    }
    return total;
}

void RK(excluded_backward)(const float *v, const float *e, const float *u, int64_t d, const int32_t *groups,
                           int64_t rows, const int64_t *starts, const int32_t *columns, const float *scores,
                           float two, float *gv, float *gu, float *gcb) {
    const int64_t body = d / 16 * 16;
    int64_t o = 0;
    for (int64_t r = 0; r < rows; r++) {
        const float *vr = v + r * d;
        const float er = e ? e[r] : 1.0f;
        float *y = gv ? gv + r * d : NULL;
        const int64_t g = groups[r], begin = starts[g], end = starts[g + 1];
        if (y) {
            // Row r's gradient kept in registers over the row's pairs (the same additions in the
            // same order as one axpy per pair), four blocks of 16 at a time: each block's sum is a
            // chain of dependent adds, and four chains side by side run in the time of one.
            int64_t i = 0;
            for (; i + 64 <= body; i += 64) {
                vf a0 = ld(y + i), a1 = ld(y + i + 16), a2 = ld(y + i + 32), a3 = ld(y + i + 48);
                for (int64_t k = begin, p = o; k < end; k++, p++) {
                    const vf s = splat(-two * scores[p]);
                    const float *ur = u + (int64_t)columns[k] * d + i;
                    a0 = a0 + s * ld(ur);
                    a1 = a1 + s * ld(ur + 16);
                    a2 = a2 + s * ld(ur + 32);
                    a3 = a3 + s * ld(ur + 48);
                }
                st(y + i, a0); st(y + i + 16, a1); st(y + i + 32, a2); st(y + i + 48, a3);
            }
            for (; i < body; i += 16) {
                vf acc = ld(y + i);
                for (int64_t k = begin, p = o; k < end; k++, p++)
                    acc = acc + splat(-two * scores[p]) * ld(u + (int64_t)columns[k] * d + i);
                st(y + i, acc);
            }
        }
        // One pass over the pairs for the columns' gradients and the row's last d − body
        // elements (their u values sit beside the lines this pass reads anyway).
        for (int64_t k = begin, p = o; k < end; k++, p++) {
            const int64_t c = columns[k];
            const float a = -two * scores[p];
            if (gu) {
                if (k + 4 < end) __builtin_prefetch(gu + (int64_t)columns[k + 4] * d, 1, 3);
                axpy16(a, vr, gu + c * d, d);
            }
            if (gcb) gcb[c] += a * er;
            if (y) for (int64_t i = body; i < d; i++) y[i] += a * u[c * d + i];
        }
        o += end - begin;
    }
}

// Few levels: each score compared with every level, sixteen at a time, counting the scores
// above and at or above each level in per-lane counters (four levels a pass over the scores,
// their counters in registers): no histogram, no table lookup, no branch. The same counts as
// the histogram below, several times faster for an item's few relevant users.
// Up to RK_FEW_LEVELS (set per path, where this pass stops beating the histogram: 48 on
// AVX-512, 28 on AVX2, 8 on SSE2, measured at 138k users).
INL void count_four_levels(const float *s, int64_t n, const float *v, int64_t levels, int64_t *gt, int64_t *ge) {
    // Missing levels compare as NaN: never true, so their counts stay 0 and are not read.
    const vf l0 = splat(v[0]), l1 = splat(levels > 1 ? v[1] : NAN), l2 = splat(levels > 2 ? v[2] : NAN),
             l3 = splat(levels > 3 ? v[3] : NAN);
    int64_t u = 0;
    while (u + 16 <= n) {
        // 32-bit lanes count at most 2^24 vectors before they are added up.
        const int64_t end = u + ((n - u) / 16 < (1 << 24) ? (n - u) / 16 : (1 << 24)) * 16;
        vi g0 = {0}, g1 = {0}, g2 = {0}, g3 = {0}, e0 = {0}, e1 = {0}, e2 = {0}, e3 = {0};
        for (; u < end; u += 16) {  // a true comparison is −1 in its lane
            const vf x = ld(s + u);
            g0 += x > l0; e0 += x >= l0; g1 += x > l1; e1 += x >= l1;
            g2 += x > l2; e2 += x >= l2; g3 += x > l3; e3 += x >= l3;
        }
        for (int q = 0; q < 16; q++) {
            gt[0] -= g0[q]; ge[0] -= e0[q]; gt[1] -= g1[q]; ge[1] -= e1[q];
            gt[2] -= g2[q]; ge[2] -= e2[q]; gt[3] -= g3[q]; ge[3] -= e3[q];
        }
    }
    for (; u < n; u++)
        for (int64_t j = 0; j < levels && j < 4; j++) { gt[j] += s[u] > v[j]; ge[j] += s[u] >= v[j]; }
}

INL void count_few_levels(const float *s, int64_t n, const float *v, int64_t levels, int64_t *above, int64_t *equal) {
    int64_t gt[RK_FEW_LEVELS + 3] = {0}, ge[RK_FEW_LEVELS + 3] = {0};
    for (int64_t j = 0; j < levels; j += 4) count_four_levels(s, n, v + j, levels - j, gt + j, ge + j);
    // Level j's share: scores above level j − 1 and at most level j; below the lowest level,
    // none (as the histogram, which leaves them out); above the highest, at j = levels.
    above[0] += ge[0] - gt[0];
    for (int64_t j = 1; j < levels; j++) above[j] += gt[j - 1] - gt[j];
    above[levels] += gt[levels - 1];
    for (int64_t j = 0; j < levels; j++) equal[j] += ge[j] - gt[j];
}

void RK(count_levels)(const float *s, int64_t n, const float *v, int64_t levels, const int32_t *index,
                      int32_t buckets, int32_t *scratch, float *pending, int64_t *above, int64_t *equal) {
    if (levels <= RK_FEW_LEVELS) { count_few_levels(s, n, v, levels, above, equal); return; }
    // One pass: each user's bucket counted in one of four histograms (one per user of each
    // group of four, so that neighbours in the same bucket do not wait for each other's
    // increment), and every user written to `pending`, which moves on only for a user whose
    // bucket holds a level: no branch on the scores. Then the pending few are placed exactly.
    const float low = v[0], high = v[levels - 1], scale = level_scale(v, levels, buckets);
    const int64_t width = buckets + 2;
    memset(scratch, 0, (size_t)(4 * width) * sizeof(int32_t));
    int64_t m = 0;
    for (int64_t u = 0; u < n; u++) {
        const float x = s[u];
        const int32_t b = level_bucket(x, low, high, scale, buckets);
        scratch[(u & 3) * width + b]++;
        pending[m] = x;
        m += (uint32_t)index[b] >> 30;
    }
    for (int64_t b = 1; b < width; b++) {
        if (index[b] & RK_LEVEL_MIXED) continue;
        above[index[b]] += (int64_t)scratch[b] + scratch[width + b] + scratch[2 * width + b] + scratch[3 * width + b];
    }
    for (int64_t k = 0; k < m; k++) {
        const float x = pending[k];
        int64_t j = index[level_bucket(x, low, high, scale, buckets)] & RK_LEVEL_MASK;
        while (v[j] < x) j++;
        above[j]++;
        equal[j] += v[j] == x;
    }
}

int64_t RK(first_above)(const float *s, int64_t from, int64_t n, float floor) {
    int64_t i = from;
    for (; i < n && (i & 15); i++)
        if (s[i] > floor) return i;
    const vf f = splat(floor);
    for (; i + 64 <= n; i += 64) {
        const vi m = (ld(s + i) > f) | (ld(s + i + 16) > f) | (ld(s + i + 32) > f) | (ld(s + i + 48) > f);
        // One horizontal OR (a lane loop here compiled to sixteen scalar compares per block).
        if (__builtin_reduce_or(m)) break;
    }
    for (; i < n; i++)
        if (s[i] > floor) return i;
    return n;
}

/// Whether (a, ia) ranks below (b, ib): a lower score, or an equal one and a higher id.
INL int rank_worse(float a, int32_t ia, float b, int32_t ib) { return a < b || (a == b && ia > ib); }

/// Moves entry i of a heap of `count` (its root the worst) down to its place.
INL void heap_down(float *hs, int32_t *hi, int64_t count, int64_t i) {
    for (;;) {
        const int64_t l = 2 * i + 1, r = l + 1;
        int64_t m = i;
        if (l < count && rank_worse(hs[l], hi[l], hs[m], hi[m])) m = l;
        if (r < count && rank_worse(hs[r], hi[r], hs[m], hi[m])) m = r;
        if (m == i) return;
        const float ts = hs[i]; hs[i] = hs[m]; hs[m] = ts;
        const int32_t ti = hi[i]; hi[i] = hi[m]; hi[m] = ti;
        i = m;
    }
}

/// A lower bound on the k-th best of s[0..<n] (excluded left out; −∞ when it cannot tell): each
/// block of 16 has its best, and k blocks whose best is at least the k-th best block's give k
/// users at least that good. Starting the scan there, the heap sees few more than k users
/// instead of the dozens a floor rising from −∞ lets in.
/// Any blocks would do: the first RK_BOUND_BLOCKS (their bests fit on the stack).
#define RK_BOUND_BLOCKS 4096
INL float top_k_bound(const float *s, int64_t n, const uint8_t *excluded, int64_t k, float *block_best) {
    const int64_t blocks = n / 16 < RK_BOUND_BLOCKS ? n / 16 : RK_BOUND_BLOCKS;
    if (blocks < k || k < 1) return -INFINITY;
    for (int64_t b = 0; b < blocks; b++) {
        vf x = ld(s + b * 16);
        if (excluded) {
            vi keep = {0};
            for (int q = 0; q < 16; q++) keep[q] = excluded[b * 16 + q] ? 0 : -1;
            x = sel(keep, x, splat(-INFINITY));
        }
        // NaN compares false: it never becomes a block's best.
        float m = -INFINITY;
        for (int q = 0; q < 16; q++) m = x[q] > m ? x[q] : m;
        block_best[b] = m;
    }
    // The k-th largest block best: a selection in place (quickselect, the middle as pivot).
    int64_t lo = 0, hi = blocks - 1, want = k - 1;
    while (lo < hi) {
        const float pivot = block_best[lo + (hi - lo) / 2];
        int64_t i = lo, j = hi;
        while (i <= j) {
            while (block_best[i] > pivot) i++;
            while (block_best[j] < pivot) j--;
            if (i <= j) { const float t = block_best[i]; block_best[i] = block_best[j]; block_best[j] = t; i++; j--; }
        }
        if (want <= j) hi = j; else if (want >= i) lo = i; else break;
    }
    return block_best[want];
}

int64_t RK(top_k)(const float *s, int64_t n, const uint8_t *excluded, int64_t k, float *hs, int32_t *hi) {
    int64_t count = 0;
    float block_best[RK_BOUND_BLOCKS];
    const float bound = top_k_bound(s, n, excluded, k, block_best);
    // Just below the bound: the users at it are offered (the lower ids among equals may win).
    float floor = bound > -INFINITY ? nextafterf(bound, -INFINITY) : -INFINITY;
    // Users come in increasing id, so a full heap's root (a lower id) wins every tie: only a
    // score above the floor can enter, and the scan skips the rest sixteen at a time.
    for (int64_t u = RK(first_above)(s, 0, n, floor); u < n; u = RK(first_above)(s, u + 1, n, floor)) {
        if (excluded && excluded[u]) continue;
        const float x = s[u];
        const int32_t id = (int32_t)u;
        if (count < k) {
            int64_t i = count++;
            hs[i] = x; hi[i] = id;
            while (i > 0) {
                const int64_t p = (i - 1) / 2;
                if (!rank_worse(hs[i], hi[i], hs[p], hi[p])) break;
                const float ts = hs[i]; hs[i] = hs[p]; hs[p] = ts;
                const int32_t ti = hi[i]; hi[i] = hi[p]; hi[p] = ti;
                i = p;
            }
        } else if (rank_worse(hs[0], hi[0], x, id)) {
            hs[0] = x; hi[0] = id;
            heap_down(hs, hi, count, 0);
        }
        if (count == k) floor = hs[0];
    }
    // Best first: the worst left goes to the end each time.
    for (int64_t end = count - 1; end > 0; end--) {
        const float ts = hs[0]; hs[0] = hs[end]; hs[end] = ts;
        const int32_t ti = hi[0]; hi[0] = hi[end]; hi[end] = ti;
        heap_down(hs, hi, end, 0);
    }
    return count;
}

void RK(count_nonfinite)(const float *s, int64_t n, int64_t *nan, int64_t *infinite) {
    int64_t i = 0, a = 0, b = 0;
    while (i + 16 <= n) {
        // 32-bit lanes count at most 2^24 vectors before they are added up.
        const int64_t end = i + ((n - i) / 16 < (1 << 24) ? (n - i) / 16 : (1 << 24)) * 16;
        vi va = {0}, vb = {0};
        for (; i < end; i += 16) {
            const vf x = ld(s + i);
            va -= x != x;
            vb -= vabs(x) == INFINITY;
        }
        for (int q = 0; q < 16; q++) { a += va[q]; b += vb[q]; }
    }
    for (; i < n; i++) { a += s[i] != s[i]; b += fabsf(s[i]) == INFINITY; }
    *nan += a;
    *infinite += b;
}

int64_t RK(count_equal)(const float *s, int64_t n, float v) {
    int64_t i = 0, a = 0;
    while (i + 16 <= n) {
        // 32-bit lanes count at most 2^24 vectors before they are added up.
        const int64_t end = i + ((n - i) / 16 < (1 << 24) ? (n - i) / 16 : (1 << 24)) * 16;
        vi va = {0};
        for (; i < end; i += 16) va -= ld(s + i) == v;
        for (int q = 0; q < 16; q++) a += va[q];
    }
    for (; i < n; i++) a += s[i] == v;
    return a;
}

#include "negative_sampling.h"
