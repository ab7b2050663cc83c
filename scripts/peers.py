"""Peers on rec's own split files (issue 14): LightFM (WARP, hybrid), implicit ALS and numpy
EASE, each tuned on the split's validation parts only, then scored once on its test parts with
NDCG@20 in the flip orientation, computed as rec's `evaluate` computes it
(Sources/Model/Recommender/Evaluation.swift):

- every item with test events is a query; all users are ranked for it, users with a
  *training* event on the item (train.tsv) excluded;
- the relevant users are the item's distinct test users that are not excluded; an item with
  none is skipped;
- the top 20 by score, DCG with 1/log2(rank + 1) over the ideal DCG of min(relevant, 20) hits,
  tied users counted by expectation over their orders (g tied users holding r relevant ones add
  r/g of each of their places' gains, places past 20 adding nothing);
- an item without training events is cold, else warm; each part is the mean over its items.

Scores are rounded to float32 before ranking, as rec's are. Usage (scripts/peers runs it):
    python peers.py run DATA_DIR SPLIT_DIR SEED [methods] [--no-refit]
        → one JSON line of test figures and choices (settings chosen on validation, then each
          method refitted on train + validation before the test, unless --no-refit)
    python peers.py rec REC_OUTPUT SEED                    → ml100k.rec's test figures as JSON
    python peers.py table JSON_FILE ...                    → the markdown table of means over seeds
"""
import copy
import json
import re
import sys
import time

import numpy as np
import scipy.sparse as sp

K = 20
DISCOUNT = 1.0 / np.log2(np.arange(K) + 2.0)


# ---------------------------------------------------------------------------------------------
# Data: rec's dense indices, the five split files, plot words
# ---------------------------------------------------------------------------------------------

def dense_ids(data_dir):
    """User and item id → dense index as rec's ML-100K loader interns them."""
    items = {}
    with open(f"{data_dir}/ml-100k/u.item", encoding="latin-1") as f:
        for line in f:
            if line.strip():
                items.setdefault(int(line.split("|", 1)[0]), len(items))
    users = {}
    with open(f"{data_dir}/ml-100k/u.data") as f:
        for line in f:
            users.setdefault(int(line.split("\t", 1)[0]), len(users))
    return users, items


def read_part(path, users, items):
    u, i = [], []
    with open(path) as f:
        next(f)  # "user\titem"
        for line in f:
            a, b = line.split()
            u.append(users[int(a)])
            i.append(items[int(b)])
    return np.array(u, dtype=np.int64), np.array(i, dtype=np.int64)


def matrix(part, n_users, n_items):
    """Binary users × items matrix (CSR) of a part's events."""
    u, i = part
    x = sp.csr_matrix((np.ones(len(u), dtype=np.float32), (u, i)), shape=(n_users, n_items))
    x.data[:] = 1.0
    return x


def plot_words(data_dir, items, min_count=2, max_df=0.5):
    """TF-IDF plot words per item (rows L1-normalised); items without a plot get an empty row."""
    docs = {}
    with open(f"{data_dir}/ml-100k/plots.tsv", encoding="utf-8") as f:
        next(f)
        for line in f:
            mid, _, text = line.rstrip("\n").partition("\t")
            if int(mid) in items:
                docs[items[int(mid)]] = re.findall(r"[a-z0-9']+", text.lower())
    df = {}
    for words in docs.values():
        for w in set(words):
            df[w] = df.get(w, 0) + 1
    n_docs = len(docs)
    vocab = sorted(w for w, c in df.items() if c >= min_count and c / n_docs <= max_df)
    column = {w: k for k, w in enumerate(vocab)}
    rows, cols, vals = [], [], []
    for item, words in docs.items():
        counts = {}
        for w in words:
            if w in column:
                counts[w] = counts.get(w, 0) + 1
        total = sum(c * np.log(n_docs / df[w]) for w, c in counts.items())
        for w, c in counts.items():
            rows.append(item)
            cols.append(column[w])
            vals.append(c * np.log(n_docs / df[w]) / total)
    return sp.csr_matrix((vals, (rows, cols)), shape=(len(items), len(vocab)), dtype=np.float32), set(docs)


def genres_decades(data_dir, items):
    """u.item's genre flags, one flag per release decade and the year scaled to [0, 1] (the year
    from the title's "(YYYY)", as rec's ml.genres and ml.years read it): non-negative, as
    LightFM's per-row normalised features need."""
    rows = {}
    with open(f"{data_dir}/ml-100k/u.item", encoding="latin-1") as f:
        for line in f:
            if line.strip():
                fields = line.rstrip("\n").split("|")
                years = re.findall(r"\((\d{4})\)", fields[1])
                rows[items[int(fields[0])]] = ([float(v) for v in fields[5:24]], int(years[-1]) if years else None)
    known = [y for _, y in rows.values() if y is not None]
    first, last = min(known) // 10 * 10, max(known) // 10 * 10
    decades = list(range(first, last + 10, 10))
    out = np.zeros((len(items), 19 + len(decades) + 1), dtype=np.float32)
    for item, (genres, year) in rows.items():
        out[item, :19] = genres
        if year is not None:
            out[item, 19 + decades.index(year // 10 * 10)] = 1
            out[item, -1] = (year - min(known)) / max(1, max(known) - min(known))
    return sp.csr_matrix(out)


# ---------------------------------------------------------------------------------------------
# NDCG@20 in the flip orientation, as rec's evaluate
# ---------------------------------------------------------------------------------------------

class Queries:
    """The items of an evaluation part, each with its excluded and relevant users."""

    def __init__(self, part, train_x):
        by_item = train_x.T.tocsr()
        u, i = part
        order = np.lexsort((u, i))
        u, i = u[order], i[order]
        self.items, self.excluded, self.relevant, self.warm = [], [], [], []
        for item in np.unique(i):
            seen = by_item.indices[by_item.indptr[item]:by_item.indptr[item + 1]]
            rel = np.setdiff1d(np.unique(u[i == item]), seen)
            if len(rel) == 0:
                continue
            self.items.append(int(item))
            self.excluded.append(seen)
            self.relevant.append(rel)
            self.warm.append(len(seen) > 0)
        self.items = np.array(self.items, dtype=np.int64)
        self.warm = np.array(self.warm, dtype=bool)

    def ndcg(self, score_rows):
        """score_rows(items) → [len(items), users] scores; returns {"warm": …, "cold": …}."""
        per_item = np.zeros(len(self.items))
        for start in range(0, len(self.items), 256):
            ids = self.items[start:start + 256]
            scores = np.asarray(score_rows(ids), dtype=np.float32)
            for row in range(len(ids)):
                k = start + row
                per_item[k] = item_ndcg(scores[row], self.excluded[k], self.relevant[k])
        out = {}
        for name, mask in (("warm", self.warm), ("cold", ~self.warm)):
            out[name] = float(per_item[mask].mean()) if mask.any() else None
        return out


def item_ndcg(scores, excluded, relevant):
    s = scores.astype(np.float64)  # exact copies of the float32 values
    s[excluded] = -np.inf
    finite = np.isfinite(s)
    is_relevant = np.zeros(len(s), dtype=bool)
    is_relevant[relevant] = True
    # Runs of tied candidates, best first: where each starts, how long, how many relevant.
    _, run, length = np.unique(-s[finite], return_inverse=True, return_counts=True)
    relevant_in = np.bincount(run[is_relevant[finite]], minlength=len(length))
    start = np.concatenate(([0], np.cumsum(length)[:-1]))
    gains = np.concatenate(([0.0], np.cumsum(DISCOUNT)))
    dcg = 0.0
    for j in np.nonzero(relevant_in)[0]:
        a, b = min(start[j], K), min(start[j] + length[j], K)
        dcg += relevant_in[j] / length[j] * (gains[b] - gains[a])
    ideal = float(DISCOUNT[:min(len(relevant), K)].sum())
    return dcg / ideal


# ---------------------------------------------------------------------------------------------
# The methods: each gives score_rows(items) → [items, users]
# ---------------------------------------------------------------------------------------------

def popularity(x):
    counts = np.asarray(x.sum(axis=1)).ravel().astype(np.float32)
    return lambda ids: np.tile(counts, (len(ids), 1))


def ease(x, lam):
    """Item–item EASE (Steck 2019) in float64: B = I − P·diag(1/diag P), P = (XᵀX + λI)⁻¹."""
    xd = x.toarray().astype(np.float64)
    g = xd.T @ xd
    g[np.diag_indices_from(g)] += lam
    p = np.linalg.inv(g)
    b = -p / np.diag(p)[None, :]
    b[np.diag_indices_from(b)] = 0.0
    return lambda ids: (xd @ b[:, ids]).T


def als(x, factors, reg, alpha, iterations, seed):
    from implicit.cpu.als import AlternatingLeastSquares
    model = AlternatingLeastSquares(factors=factors, regularization=reg, alpha=alpha, iterations=iterations,
                                    random_state=seed, num_threads=1, calculate_training_loss=False)
    model.fit(x.tocsr(), show_progress=False)  # implicit ≥ 0.5: rows are users
    users, items = np.asarray(model.user_factors), np.asarray(model.item_factors)
    return lambda ids: items[ids] @ users.T


class LightFMFlip:
    """LightFM with items as the queries (LightFM's "users") and users as what is ranked; the
    item side is hybrid: an identity feature for items with training events plus TF-IDF plot
    words, so a cold item is scored from its words alone. WARP samples negative users."""

    def __init__(self, x, words, components, lr, alpha, seed):
        from lightfm import LightFM
        n_items = x.shape[1]
        warm = np.asarray(x.sum(axis=0)).ravel() > 0
        identity = sp.diags(warm.astype(np.float32)).tocsr()[:, np.flatnonzero(warm)]
        feats = sp.hstack([identity, words]).tocsr()
        sums = np.asarray(feats.sum(axis=1)).ravel()
        sums[sums == 0] = 1
        self.features = (sp.diags(1 / sums) @ feats).tocsr().astype(np.float32)
        self.interactions = x.T.tocoo()
        self.model = LightFM(no_components=components, loss="warp", learning_rate=lr,
                             user_alpha=alpha, item_alpha=alpha, random_state=seed)
        self.n_items = n_items

    def train(self, epochs):
        self.model.fit_partial(self.interactions, user_features=self.features, epochs=epochs, num_threads=1)

    def score_rows(self):
        q_bias, q = self.model.get_user_representations(self.features)
        u_bias, u = self.model.get_item_representations()
        return lambda ids: q[ids] @ u.T + u_bias[None, :]


# ---------------------------------------------------------------------------------------------
# Selection on validation, test once
# ---------------------------------------------------------------------------------------------

def log(*a):
    print(*a, file=sys.stderr, flush=True)


def tune_ease(x, valid, test, x_test):
    """λ chosen on validation; the test read once from EASE with that λ on x_test (train, or
    train + validation when refitting)."""
    grid = [50, 100, 200, 300, 500, 800, 1200]
    results = {lam: valid.ndcg(ease(x, lam))["warm"] for lam in grid}
    lam = max(grid, key=lambda l: results[l])
    log(f"ease  valid warm {results}  → λ {lam}")
    return {"warm": test.ndcg(ease(x_test, lam))["warm"], "cold": None, "chosen": {"lambda": lam}}


def tune_als(x, valid, test, x_test, seed):
    grid = [(f, a * r, a) for f in (32, 64, 128) for a in (10, 20, 40, 80) for r in (2, 3, 5)]
    results = {}
    for f, reg, a in grid:
        results[(f, reg, a)] = valid.ndcg(als(x, f, reg, a, 15, seed))["warm"]
        log(f"als   factors {f} reg {reg} alpha {a}: valid warm {results[(f, reg, a)]:.4f}")
    f, reg, a = max(grid, key=lambda c: results[c])
    return {"warm": test.ndcg(als(x_test, f, reg, a, 15, seed))["warm"], "cold": None,
            "chosen": {"factors": f, "regularization": reg, "alpha": a, "iterations": 15}}


def tune_lightfm(x, words, valid, test, seed, x_test=None, max_epochs=150, every=5):
    """Per part (warm, cold): the (components, lr, alpha, epochs) best on that validation part;
    a copy of the model at that epoch is read on test, once — or, with x_test (train +
    validation), a new model with those settings trained for those epochs on x_test."""
    best = {"warm": (-1, None, None), "cold": (-1, None, None)}
    for comps in (32, 64):
        for lr in (0.05,):
            for alpha in (0.0, 1e-5):
                m = LightFMFlip(x, words, comps, lr, alpha, seed)
                for epoch in range(every, max_epochs + 1, every):
                    m.train(every)
                    r = valid.ndcg(m.score_rows())
                    log(f"lightfm comps {comps} lr {lr} alpha {alpha} epoch {epoch}: valid {r}")
                    for part in best:
                        if r[part] is not None and r[part] > best[part][0]:
                            best[part] = (r[part], (comps, lr, alpha, epoch), copy.deepcopy(m))
    out = {"chosen": {}}
    for part, (_, (comps, lr, alpha, epochs), m) in best.items():
        if x_test is not None:
            m = LightFMFlip(x_test, words, comps, lr, alpha, seed)
            m.train(epochs)
        out[part] = test.ndcg(m.score_rows())[part]
        out["chosen"][part] = {"components": comps, "learning_rate": lr, "alpha": alpha, "epochs": epochs}
    return out


def run(data_dir, split_dir, seed, only, refit=True):
    """With refit (as ml100k.rec does), every setting is chosen on validation against train.tsv,
    then the method is fitted again with it on train + both validation parts (rec's
    split.train_all, in the same order) and the test parts are evaluated against that: its
    events excluded, items with events in it warm. Without, the test is read from the models
    fitted on train.tsv."""
    users, items = dense_ids(data_dir)
    parts = {name: read_part(f"{split_dir}/{name}.tsv", users, items)
             for name in ("train", "valid_warm", "valid_cold", "test_warm", "test_cold")}
    x = matrix(parts["train"], len(users), len(items))
    x_test = x
    if refit:
        x_test = matrix(tuple(np.concatenate([parts[p][k] for p in ("train", "valid_warm", "valid_cold")]) for k in (0, 1)),
                        len(users), len(items))
    # Validation is evaluated as rec evaluates it, against train.tsv; test against what was fitted on.
    valid_warm, valid_cold = Queries(parts["valid_warm"], x), Queries(parts["valid_cold"], x)
    test_warm, test_cold = Queries(parts["test_warm"], x_test), Queries(parts["test_cold"], x_test)
    both_valid, both_test = Both(valid_warm, valid_cold), Both(test_warm, test_cold)
    out = {"seed": seed, "refit": refit}
    started = time.time()
    if "popularity" in only:
        out["popularity"] = both_test.ndcg(popularity(x_test))
    if "ease" in only:
        out["ease"] = tune_ease(x, valid_warm, test_warm, x_test)
    if "check" in only:  # rec's baseline("ease", …, lambda: 250) fitted on the same events, on test_warm, to compare
        out["check_ease_250"] = test_warm.ndcg(ease(x_test, 250))["warm"]
    if "als" in only:
        out["als"] = tune_als(x, valid_warm, test_warm, x_test, seed)
    if "lightfm" in only:
        words, _ = plot_words(data_dir, items)
        out["lightfm"] = tune_lightfm(x, words, both_valid, both_test, seed, x_test if refit else None)
    if "lightfm_meta" in only:  # the same content rec's recipe reads: plots, genres, release years
        words, _ = plot_words(data_dir, items)
        out["lightfm_meta"] = tune_lightfm(x, sp.hstack([words, genres_decades(data_dir, items)]).tocsr(), both_valid, both_test, seed,
                                           x_test if refit else None)
    out["seconds"] = round(time.time() - started, 1)
    return out


def parse_rec(path, seed):
    """The test NDCG@20 of each row of ml100k.rec's two closing compare tables."""
    lines = open(path).read().splitlines()
    last_note = max(k for k, line in enumerate(lines) if line.startswith("best_of:"))
    out, name = {"seed": seed}, None
    for line in lines[last_note + 1:]:
        f = line.split()
        if len(f) == 7 and f[1] in ("all", "warm", "cold"):
            name = f[0]
            f = f[1:]
        if len(f) == 6 and f[0] in ("warm", "cold") and name not in (None, "model"):
            out.setdefault("rec " + name, {})[f[0]] = float(f[3])
    return out


NAMES = {"popularity": "user popularity (numpy; must equal rec's)", "ease": "peer: EASE, numpy (λ on validation)",
         "als": "peer: implicit ALS (factors, reg, α on validation)",
         "lightfm": "peer: LightFM WARP hybrid, flip (per part: size, α, epochs on validation)",
         "lightfm_meta": "peer: LightFM WARP hybrid, flip, with plot words + genres + release decade and year (as lightfm)",
         "rec hybrid_wmse": "rec: hybrid, wmse over all users + weight decay, swept per part (ml100k.rec `wwarm`, `wcold`)",
         "rec hybrid_warp": "rec: hybrid, WARP + weight decay, swept (ml100k.rec `warp_best`)",
         "rec als_content": "rec: ALS, cold items' factors from content (`map_content`)",
         "rec hybrid_content": "rec: hybrid, cold items' vectors from content (`map_content`)",
         "rec blend": "rec: blend of the hybrid with ALS/EASE (warm) or the content methods (cold), weights on validation",
         "rec route": "rec: the selected model, `best = route(warm: blend_warm, cold: blend_cold)` (= the blends)",
         "rec dae": "rec: denoising autoencoder over items (Mult-DAE, flip; ml100k.rec `dae`)",
         "rec hybrid_dae": "rec: hybrid DAE, the item's users beside its content (ml100k.rec `hdae`)",
         "rec hybrid_dae_cold": "rec: the hybrid DAE early-stopped on cold validation (ml100k.rec `hcold`)",
         "rec popularity": "rec: user popularity", "rec ease": "rec: EASE (λ on validation)",
         "rec ease_genres": "rec: collective EASE, genre similarities added to the Gram matrix (ml100k.rec `cease`)",
         "rec als": "rec: implicit ALS (λ, α on validation)", "rec content_knn": "rec: content kNN",
         "rec content_ridge": "rec: content → user ridge, plots + genres + years (λ on validation)",
         "rec content_ridge_plots": "rec: content → user ridge, plots alone (λ on validation)"}


def table(paths):
    """Mean ± half the range over seeds, per method and part."""
    runs = [json.loads(open(p).read()) for p in paths]
    rows = {}
    for run in runs:
        for method, v in run.items():
            if isinstance(v, dict) and ("warm" in v or "cold" in v):
                for part in ("warm", "cold"):
                    if v.get(part) is not None:
                        rows.setdefault(method, {}).setdefault(part, {})[run["seed"]] = v[part]
    seeds = sorted({r["seed"] for r in runs})
    print(f"Test NDCG@20, mean ± half the range over seeds {', '.join(map(str, seeds))}")
    print("| method | warm | cold |\n|---|---|---|")
    for method, parts in rows.items():
        cells = []
        for part in ("warm", "cold"):
            v = list(parts.get(part, {}).values())
            cells.append(f"{np.mean(v):.3f} ± {(max(v) - min(v)) / 2:.3f}" + ("" if len(v) == len(seeds) else f" ({len(v)} seeds)") if v else "—")
        print(f"| {NAMES.get(method, method)} | {cells[0]} | {cells[1]} |")
    for run in runs:
        if "check_ease_250" in run:
            print(f"check, seed {run['seed']}: numpy EASE λ 250 on test warm {run['check_ease_250']:.4f}"
                  " (rec's baseline(\"ease\", split.train, lambda: 250) on the same split should agree to ~1e-3)")
        for method in ("ease", "als", "lightfm", "lightfm_meta"):
            if method in run:
                print(f"seed {run['seed']}: {method} chose {run[method]['chosen']}")


def main():
    mode = sys.argv[1]
    if mode == "run":
        args = [a for a in sys.argv[2:] if a != "--no-refit"]
        only = set(args[3].split(",")) if len(args) > 3 else {"popularity", "check", "ease", "als", "lightfm", "lightfm_meta"}
        print(json.dumps(run(args[0], args[1], int(args[2]), only, refit="--no-refit" not in sys.argv)))
    elif mode == "rec":
        print(json.dumps(parse_rec(sys.argv[2], int(sys.argv[3]))))
    elif mode == "table":
        table(sys.argv[2:])
    else:
        sys.exit(f"peers.py: unknown mode {mode} (run, rec, table)")


class Both:
    """A warm and a cold part read together: {"warm": …, "cold": …}."""

    def __init__(self, warm, cold):
        self.warm, self.cold = warm, cold

    def ndcg(self, score_rows):
        return {"warm": self.warm.ndcg(score_rows)["warm"], "cold": self.cold.ndcg(score_rows)["cold"]}


if __name__ == "__main__":
    main()
