"""The small harness the Python-driven tests share (Tests/kernel, Tests/numpy): each check is
a function run once when it is defined, printed as ok or FAIL with its traceback, and
`finish()` prints "N passed, M failed" and gives the exit status.
"""
import time, traceback

results = []


def check(name):
    def wrap(f):
        start = time.time()
        try:
            f()
            results.append((name, True))
            print(f"ok    {name} ({time.time() - start:.1f} s)", flush=True)
        except Exception:
            results.append((name, False))
            print(f"FAIL  {name}\n" + traceback.format_exc(), flush=True)
        return f
    return wrap


def finish():
    """Prints the totals; True when every check passed."""
    passed = sum(ok for _, ok in results)
    print(f"{passed} passed, {len(results) - passed} failed")
    return passed == len(results)
