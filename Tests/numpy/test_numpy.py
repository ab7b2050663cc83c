"""rec's files as NumPy, Python's csv and json (and pandas, when it is installed) read them.

Run by Tests/WorkbenchTests/NumpyRoundTripTests.swift (CI) as
    python test_numpy.py REC_BINARY DATA_DIR
NumPy writes an array of every numeric dtype in 0 to 3 dimensions (and big-endian and
Fortran-order ones); a rec script loads each, exports it back as float32 and in its own dtype,
and exports every kind of result as CSV and JSON; NumPy and the standard library read all of it
back and compare. Prints one line per check and "N passed, M failed"; exits 1 when any failed.
"""
import csv, json, math, os, shutil, subprocess, sys, tempfile

import numpy as np

REC, DATA = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
WORK = tempfile.mkdtemp(prefix="rec-numpy-test-")
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
from checks import check, finish  # noqa: E402


def values(dtype, shape):
    """Deterministic values that fit the dtype (exact in float32 unless meant not to be)."""
    n = int(np.prod(shape, dtype=np.int64))
    k = np.arange(n, dtype=np.int64)
    if dtype.kind == "b":
        a = k % 3 == 0
    elif dtype.kind == "f":
        a = (k - 5) * 0.375
    elif dtype.kind == "i":
        a = (k * 37 % 255) - 127
    else:
        a = k * 37 % 255
    return np.asarray(a).astype(dtype).reshape(shape)


DTYPES = ["f2", "f4", "f8", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "b1"]
SHAPES = [(), (5,), (3, 4), (2, 3, 4)]
ARRAYS = {}  # name -> the array NumPy wrote
for code in DTYPES:
    for shape in SHAPES:
        ARRAYS[f"{code}_{len(shape)}d"] = values(np.dtype("<" + code if code not in ("i1", "u1", "b1") else code), shape)
    if code not in ("i1", "u1", "b1"):
        ARRAYS[f"{code}_big"] = values(np.dtype(">" + code), (3, 4))
ARRAYS["f8_fortran"] = np.asfortranarray(values(np.dtype("<f8"), (3, 4)))
ARRAYS["i2_fortran3"] = np.asfortranarray(values(np.dtype("<i2"), (2, 3, 4)))
ARRAYS["i8_wide"] = np.array([2**24 + 1, -(2**40) - 3, 7], dtype="<i8")
ARRAYS["f8_fractions"] = np.array([[0.1, -2.5e-7], [1e30, 3.0]], dtype="<f8")
WRITABLE = {"f4": "float32", "f8": "float64", "i1": "int8", "i2": "int16", "i4": "int32", "i8": "int64",
            "u1": "uint8", "u2": "uint16", "u4": "uint32", "u8": "uint64", "b1": "bool"}

RESULTS = """
seed(7)
ml = movielens("demo", plots: "demo/plots.tsv")
split = ml.split(cold_items: 0.2, holdout: 0.1, validation: 0.1)
score = dot(embedding(ml.users, 8), embedding(ml.items, 8, dropout: 0.2))
hist = fit(bpr(score, negatives: 8), split.train, adagrad(lr: 0.05), epochs: 3, validate: split.valid_warm)
e = evaluate(score, split.test_cold, k: 10)
c = compare(hybrid: score, pop: baseline("popularity", split.train), on: split.test_warm)
r = recommend(score, "Wild Party (1993)", top: 5)
recipe = (dim = 4) -> bpr(dot(embedding(ml.users, dim), embedding(ml.items, dim)), negatives: 4)
best = sweep(recipe, grid(dim: [2, 4], lr: [0.05, 0.1]), split.train, validate: [split.valid_warm, split.valid_cold], epochs: 1)
""" + "".join(f'export({x}, "{x}.csv")\nexport({x}, "{x}.json")\n' for x in ["e", "c", "hist", "r", "best"]) + """
export(vars(), "vars.csv")
export(score.item_vectors, "items.npy")
export(score.item_vectors, "items.csv")
export(score.user_vectors, "users.npy", dtype: "float64")
"""


def rec_script():
    lines = []
    for name, a in ARRAYS.items():
        np.save(os.path.join(WORK, f"in_{name}.npy"), a)
        lines.append(f'a = load("in_{name}.npy")')
        lines.append(f'export(a, "out_{name}.npy")')
        code = a.dtype.str[1:]
        if code in WRITABLE:
            lines.append(f'export(a, "same_{name}.npy", dtype: "{WRITABLE[code]}")')
    return "\n".join(lines) + "\n" + RESULTS


script = os.path.join(WORK, "roundtrip.rec")
with open(script, "w") as f:
    f.write(rec_script())
run = subprocess.run([REC, "run", script, "--data", DATA], cwd=WORK, capture_output=True, text=True, timeout=300)


@check("rec loads every array NumPy wrote and exports the lot (exit 0)")
def _():
    assert run.returncode == 0, run.stdout + run.stderr


@check("integers beyond 2^24 load with a warning")
def _():
    assert "in_i8_wide.npy holds 2 int64 values beyond 2^24 (16777216), which float32 tensors hold only rounded" in run.stderr, run.stderr


@check("every dtype, 0-3 dimensions, either byte order, Fortran order: rec's float32 export equals NumPy's astype(float32)")
def _():
    for name, a in ARRAYS.items():
        out = np.load(os.path.join(WORK, f"out_{name}.npy"))
        assert out.dtype == np.float32 and out.shape == a.shape, (name, out.dtype, out.shape, a.shape)
        assert np.array_equal(out, a.astype(np.float32)), (name, out, a)


@check("exported in its own dtype, every array comes back as rec held it, little-endian, C order")
def _():
    count = 0
    for name, a in ARRAYS.items():
        path = os.path.join(WORK, f"same_{name}.npy")
        if not os.path.exists(path):
            assert a.dtype.str[1:] == "f2", name  # rec reads float16, writes none
            continue
        back = np.load(path)
        assert back.dtype == a.dtype.newbyteorder("<") and back.flags.c_contiguous and back.shape == a.shape, (name, back.dtype)
        # What float32 holds: the array itself, but for the wide integers and the float64 fractions.
        assert np.array_equal(back, a.astype(np.float32).astype(back.dtype)), (name, back, a)
        exact = name not in ("i8_wide", "f8_fractions")
        assert np.array_equal(back, a) == exact, (name, back, a)
        count += 1
    assert count >= 40, count


def rows(name):
    with open(os.path.join(WORK, name), newline="") as f:
        raw = f.read()
    assert raw.endswith("\r\n") and "\n" not in raw.replace("\r\n", ""), "CRLF line ends"
    return list(csv.DictReader(raw.splitlines(keepends=True)))


def same_records(name):
    """The CSV and JSON of one result: the same records, the same numbers exactly."""
    table = rows(name + ".csv")
    records = json.load(open(os.path.join(WORK, name + ".json")))
    assert len(table) == len(records) and list(table[0]) == list(records[0]), (table[:1], records[:1])
    for t, j in zip(table, records):
        for key, v in j.items():
            if isinstance(v, bool):
                assert t[key] == ("true" if v else "false"), (key, t[key], v)
            elif isinstance(v, (int, float)):
                assert float(t[key]) == v, (key, t[key], v)
            elif v is None:
                assert t[key] in ("", "nan", "inf", "-inf"), (key, t[key])
            else:
                assert t[key] == v, (key, t[key], v)
    return records


@check("evaluation and comparison: a record per model and part, k and exact metrics")
def _():
    e = same_records("e")
    assert [r["part"] for r in e] == ["all", "cold"] and all(r["k"] == 10 for r in e), e
    assert all(0 <= r[m] <= 1 for r in e for m in ("recall", "ndcg", "mrr", "auc")), e
    c = same_records("c")
    assert [(r["model"], r["part"]) for r in c] == [("hybrid", "all"), ("hybrid", "warm"), ("pop", "all"), ("pop", "warm")], c


@check("history: an epoch a record, loss, validation metrics at k, seconds, the kept epoch")
def _():
    h = same_records("hist")
    assert [r["epoch"] for r in h] == [1, 2, 3] and all(r["k"] == 20 for r in h), h
    assert all(math.isfinite(r["loss"]) and r["seconds"] >= 0 and 0 <= r["valid_ndcg"] <= 1 for r in h), h
    assert sum(r["best"] for r in h) == 1, h


@check("recommendations and sweep: ranked users with reasons; a trial a record, the best marked")
def _():
    r = same_records("r")
    assert [x["rank"] for x in r] == [1, 2, 3, 4, 5] and all(x["query"] == "Wild Party (1993)" for x in r), r
    assert [x["score"] for x in r] == sorted((x["score"] for x in r), reverse=True), r
    # float32 scores as NumPy prints them: the shortest decimal that reads back as the float32.
    assert [str(np.float32(float(t["score"]))) for t in rows("r.csv")] == [t["score"] for t in rows("r.csv")]
    s = same_records("best")
    assert [(x["dim"], x["lr"]) for x in s] == [(2, 0.05), (2, 0.1), (4, 0.05), (4, 0.1)], s
    assert sum(x["best"] for x in s) == 1 and all(x["epochs_kept"] == 1 for x in s), s


@check("embeddings: .npy (float32 and float64) and CSV hold the same matrix")
def _():
    items = np.load(os.path.join(WORK, "items.npy"))
    assert items.dtype == np.float32 and items.shape == (600, 8), items.shape
    table = np.loadtxt(os.path.join(WORK, "items.csv"), delimiter=",", skiprows=1, dtype=np.float64)
    assert np.array_equal(table.astype(np.float32), items), "CSV decimals read back as the same float32"
    users = np.load(os.path.join(WORK, "users.npy"))
    assert users.dtype == np.float64 and users.shape == (400, 8), (users.dtype, users.shape)
    assert [r["name"] for r in rows("vars.csv")][:3] == ["a", "best", "c"]


@check("pandas reads the CSV and JSON as the same frame (skipped without pandas)")
def _():
    try:
        import pandas as pd
    except ImportError:
        print("      (no pandas here: checked with csv and json only)")
        return
    for name in ["e", "c", "hist", "r", "best"]:
        a, b = pd.read_csv(os.path.join(WORK, name + ".csv")), pd.read_json(os.path.join(WORK, name + ".json"))
        assert list(a.columns) == list(b.columns) and len(a) == len(b), name
        for col in a.columns:
            if a[col].dtype.kind == "f":
                assert np.array_equal(a[col].to_numpy(), b[col].to_numpy(dtype=float), equal_nan=True), (name, col)


if finish():
    shutil.rmtree(WORK)  # kept when a check failed, to look at
    sys.exit(0)
print(f"files in {WORK}")
sys.exit(1)
