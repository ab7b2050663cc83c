#!/usr/bin/env python3
"""gensim's Doc2Vec (PV-DBOW) on the corpus `rec bench pv --export DIR` wrote, with the same
settings (dim 100, window 5, 5 negatives, sample 1e-3, one worker), for a side-by-side figure.
Prints words/s (corpus words x epochs / training seconds), the same genre separation as rec's
(centred vectors, over the first 2,000 documents as rec's benchmark does) and one JSON line.
Usage: python3 scripts/bench-pv-gensim.py DIR [EPOCHS] [SEED] [SCALE]   (gensim: pip install gensim in a venv;
SEED, default 1, as rec's training seed: another seed shows how much the separation moves; SCALE, default 1
(gensim's own), starts the vectors in ±SCALE/dim, as `rec bench pv --init-scale SCALE`)"""
import json, sys, time
import numpy as np
import gensim
from gensim.models.doc2vec import Doc2Vec, TaggedDocument

SEPARATION_SAMPLE = 2000  # as ParagraphVectorBenchmark.separationSample

d = sys.argv[1]
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
seed = int(sys.argv[3]) if len(sys.argv) > 3 else 1
scale = float(sys.argv[4]) if len(sys.argv) > 4 else 1.0
docs = [line.split() for line in open(f"{d}/corpus.txt", encoding="utf-8").read().split("\n")[:-1]]
genres = [set(g.split("|")) - {""} for g in open(f"{d}/genres.txt", encoding="utf-8").read().split("\n")[:-1]]
tagged = [TaggedDocument(w, [i]) for i, w in enumerate(docs)]
words = sum(len(w) for w in docs)
model = Doc2Vec(vector_size=100, window=5, negative=5, hs=0, dm=0, min_count=1, sample=1e-3,
                workers=1, epochs=epochs, seed=seed)
model.build_vocab(tagged)
model.dv.vectors *= scale  # build_vocab drew them in ±1/dim
model.wv.vectors *= scale
t0 = time.perf_counter()
model.train(tagged, total_examples=len(tagged), epochs=epochs)
dt = time.perf_counter() - t0

n = min(len(docs), SEPARATION_SAMPLE)
v = np.array([model.dv[i] for i in range(n)], dtype=np.float64)
v -= v.mean(axis=0)  # centred, as rec's GenreSeparation does
v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
s = v @ v.T
names = sorted(set().union(*genres[:n]))
masks = np.array([sum(1 << (names.index(g) % 64) for g in gs) for gs in genres[:n]], dtype=np.uint64)
pairs = np.triu(np.ones((n, n), dtype=bool), k=1) & (masks != 0)[:, None] & (masks != 0)[None, :]
shares = (masks[:, None] & masks[None, :]) != 0
same, diff = s[pairs & shares].mean(), s[pairs & ~shares].mean()
rate = words * epochs / dt
print(f"gensim {gensim.__version__} PV-DBOW: {len(docs)} documents, {words} words, {epochs} epochs in {dt:.2f} s; "
      f"genre separation {same - diff:.4f} (same-genre cosine {same:.4f}, other {diff:.4f}; first {n} documents)")
print(json.dumps({"bench": "pv-gensim", "gensim": gensim.__version__, "documents": len(docs), "words": words,
                  "epochs": epochs, "seed": seed, "init_scale": scale, "train_sec": round(dt, 3), "words_per_sec": round(rate, 1),
                  "genre_separation": round(float(same - diff), 5)}))
print(f"gensim pv: {rate:.0f} words/s")
