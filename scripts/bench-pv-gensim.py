#!/usr/bin/env python3
"""gensim's Doc2Vec (PV-DBOW) on the corpus `rec bench pv --export DIR` wrote, with the same
settings (dim 100, window 5, 5 negatives, sample 1e-3, one worker), for a side-by-side figure.
Prints words/s (corpus words x epochs / training seconds) and the same genre separation.
Usage: python3 scripts/bench-pv-gensim.py DIR [EPOCHS]   (gensim: pip install gensim in a venv)"""
import sys, time
import numpy as np
from gensim.models.doc2vec import Doc2Vec, TaggedDocument

d = sys.argv[1]
epochs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
docs = [line.split() for line in open(f"{d}/corpus.txt", encoding="utf-8").read().split("\n")[:-1]]
genres = [set(g.split("|")) - {""} for g in open(f"{d}/genres.txt", encoding="utf-8").read().split("\n")[:-1]]
tagged = [TaggedDocument(w, [i]) for i, w in enumerate(docs)]
words = sum(len(w) for w in docs)
model = Doc2Vec(vector_size=100, window=5, negative=5, hs=0, dm=0, min_count=1, sample=1e-3,
                workers=1, epochs=epochs, seed=1)
model.build_vocab(tagged)
t0 = time.perf_counter()
model.train(tagged, total_examples=len(tagged), epochs=epochs)
dt = time.perf_counter() - t0
v = np.array([model.dv[i] for i in range(len(docs))])
v -= v.mean(axis=0)  # centred, as rec's GenreSeparation does
v /= np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12)
s = v @ v.T
same, diff = [], []
for i in range(len(docs)):
    if not genres[i]:
        continue
    for j in range(i + 1, len(docs)):
        if genres[j]:
            (same if genres[i] & genres[j] else diff).append(s[i, j])
print(f"gensim PV-DBOW: {epochs} epochs in {dt:.2f} s; genre separation {np.mean(same) - np.mean(diff):.4f} "
      f"(same-genre cosine {np.mean(same):.4f}, other {np.mean(diff):.4f})")
print(f"gensim pv: {words * epochs / dt:.0f} words/s")
