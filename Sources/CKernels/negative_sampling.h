// Negative sampling (word2vec, paragraph vectors), included at the end of body.h, so once per
// path. The arithmetic is that of the Swift step it replaced (NegativeSamplingStep with
// Kernels.dot and Kernels.crossUpdate), operation for operation: 16-lane sums added up lane by
// lane from −0, then the tail; no fused multiply-adds. So every path trains the same bits.

/// grad += g·out (out's old values), out += g·in, in one pass over out.
INL void ns_cross(float g, const float *in, float *out, float *grad, int64_t n) {
    const vf gv = splat(g);
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const vf o = ld(out + i);
        st(grad + i, ld(grad + i) + gv * o);
        st(out + i, o + gv * ld(in + i));
    }
    for (; i < n; i++) {
        const float o = out[i];
        grad[i] += g * o;
        out[i] = o + g * in[i];
    }
}

/// y += a·x.
INL void ns_axpy(float a, const float *x, float *y, int64_t n) {
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) st(y + i, ld(y + i) + splat(a) * ld(x + i));
    for (; i < n; i++) y[i] += a * x[i];
}

INL void ns_prefetch(const float *p, int64_t n) {
    for (int64_t c = 0; c < n; c += 16) __builtin_prefetch(p + c);
}

/// A noise word (AliasSampler.sample): one draw picks a slot and the coin that keeps it.
INL int32_t ns_sample(const rk_negative_sampling *m, uint64_t *s) {
    const uint64_t r = xoshiro_next(s);
    const int64_t i = (int64_t)(((uint64_t)(uint32_t)r * (uint64_t)m->words) >> 32);
    const float u = (float)(r >> 40) * 0x1p-24f;
    return u < m->probability[i] ? (int32_t)i : m->alias[i];
}

/// One logistic step of l1 against an output row (label 1: the target, 0: noise).
INL void ns_update(const rk_negative_sampling *m, const float *l1, float *out, float label, float lr, float *neu1e) {
    const float f = dot16(l1, out, m->dim);
    float g;
    if (f > RK_SIGMOID_MAX) {
        g = (label - 1) * lr;
    } else if (f >= -RK_SIGMOID_MAX) {  // false for NaN too
        const float scale = (float)RK_SIGMOID_SIZE / RK_SIGMOID_MAX / 2;
        const int64_t k = (int64_t)((f + RK_SIGMOID_MAX) * scale);
        g = (label - m->sigmoid[k < RK_SIGMOID_SIZE - 1 ? k : RK_SIGMOID_SIZE - 1]) * lr;
    } else {
        g = label * lr;
    }
    if (m->updates_outputs) ns_cross(g, l1, out, neu1e, m->dim);
    else ns_axpy(g, out, neu1e, m->dim);
}

/// The target, then the noise words in the order drawn (one equal to the target is skipped).
/// Noise words are drawn a batch ahead of their updates so that their rows (random rows of
/// the output matrix) arrive side by side; updates draw nothing, so the draws are the same.
INL void ns_step(const rk_negative_sampling *m, uint64_t *s, const float *l1, int32_t target, float lr, float *neu1e) {
    enum { BATCH = 32 };
    int32_t noise[BATCH];
    const int64_t d = m->dim;
    int64_t done = 0;
    do {  // at least once: the target's update
        const int64_t count = m->negatives - done < BATCH ? m->negatives - done : BATCH;
        for (int64_t k = 0; k < count; k++) {
            noise[k] = ns_sample(m, s);
            ns_prefetch(m->output + (int64_t)noise[k] * d, d);
        }
        if (done == 0) ns_update(m, l1, m->output + (int64_t)target * d, 1, lr, neu1e);
        for (int64_t k = 0; k < count; k++)
            if (noise[k] != target) ns_update(m, l1, m->output + (int64_t)noise[k] * d, 0, lr, neu1e);
        done += count;
    } while (done < m->negatives);
}

void RK(ns_step)(const rk_negative_sampling *m, uint64_t *s, const float *l1, int32_t target, float lr, float *neu1e) {
    ns_step(m, s, l1, target, lr, neu1e);
}

void RK(ns_dbow)(const rk_negative_sampling *m, uint64_t *s, const int32_t *words, int64_t n, float *doc, float lr,
                 float *neu1e) {
    const int64_t d = m->dim;
    for (int64_t i = 0; i < n; i++) {
        // The next word's output row is on its way while this one trains.
        if (i + 1 < n) ns_prefetch(m->output + (int64_t)words[i + 1] * d, d);
        memset(neu1e, 0, (size_t)d * sizeof(float));
        ns_step(m, s, doc, words[i], lr, neu1e);
        int64_t k = 0;
        for (; k + 16 <= d; k += 16) st(doc + k, ld(doc + k) + ld(neu1e + k));
        for (; k < d; k++) doc[k] += neu1e[k];
    }
}
