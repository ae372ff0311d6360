#!/usr/bin/python3
"""Writes test/monitor/scipy-vectors.json: drift test inputs and SciPy's answers.

Run with Debian's python (scipy 1.10.1): /usr/bin/python3 test/monitor/gen-scipy-vectors.py
The tests (scipy-agreement.test.ts) read the committed JSON and never need Python.
"""
import json, os
import numpy as np
import scipy
from scipy import stats
from scipy.spatial.distance import jensenshannon

rng = np.random.default_rng(20261203)
out = {"scipy": scipy.__version__, "ks": [], "chisquare": [], "chi2_contingency": [], "wasserstein": [], "jensenshannon": []}

def r(x):
    return [float(v) for v in x]

# ks_2samp: small (exact), equal sizes, ties, and large (asymptotic) samples
ks_cases = [(20, 20, 0.0, 1.0, False), (30, 45, 0.5, 1.0, False), (100, 100, 0.3, 1.0, False), (500, 300, 0.1, 1.0, False),
            (1000, 100, 0.5, 1.0, False), (200, 150, 0.0, 1.5, False), (50, 70, 0.0, 1.0, True), (2000, 1000, 0.05, 1.0, True),
            (12000, 3000, 0.0, 1.0, False), (10500, 900, 0.05, 1.0, False), (10200, 400, 0.2, 1.0, False),
            (10001, 200, 0.1, 1.0, True), (10050, 120, 0.25, 1.0, False), (10020, 60, 0.0, 1.0, False), (10100, 10100, 0.02, 1.0, False), (7, 13, 1.0, 1.0, False), (300, 300, 0.0, 1.0, True)]
for n1, n2, shift, scale, ties in ks_cases:
    # 4 decimals keep the file small
    a = np.round(rng.normal(0, 1, n1), 4)
    b = np.round(rng.normal(shift, scale, n2), 4)
    if ties:
        a = np.round(a * 2) / 2
        b = np.round(b * 2) / 2
    res = stats.ks_2samp(a, b)
    out["ks"].append({"a": r(a), "b": r(b), "statistic": float(res.statistic), "pvalue": float(res.pvalue)})

# chisquare(observed, expected): expected scaled to the observed total
for k, n, tilt in [(2, 100, 0.0), (3, 500, 0.05), (5, 1000, 0.0), (8, 300, 0.1), (12, 5000, 0.02), (4, 40, 0.3)]:
    p = rng.dirichlet(np.ones(k) * 3)
    q = np.clip(p + rng.normal(0, tilt, k), 1e-3, None)
    q /= q.sum()
    ref = rng.multinomial(n * 2, p).astype(float) + 1
    obs = rng.multinomial(n, q).astype(float)
    exp = ref * obs.sum() / ref.sum()
    res = stats.chisquare(obs, exp)
    out["chisquare"].append({"observed": r(obs), "expected": r(exp), "statistic": float(res.statistic), "pvalue": float(res.pvalue)})
    cur = obs.copy()
    if k > 3:
        cur[0] = 0.0  # a category only the reference has
    stat, pval, dof, _ = stats.chi2_contingency(np.array([cur, ref]), correction=False)
    out["chi2_contingency"].append({"current": r(cur), "reference": r(ref), "statistic": float(stat), "pvalue": float(pval), "dof": int(dof)})

for n1, n2, shift in [(10, 12, 0.0), (100, 80, 0.5), (1000, 1000, 0.1), (5000, 700, 1.0), (3, 3, 2.0)]:
    u = rng.normal(0, 1, n1)
    v = rng.normal(shift, 1.2, n2)
    out["wasserstein"].append({"u": r(u), "v": r(v), "distance": float(stats.wasserstein_distance(u, v)), "std": float(np.std(u))})

for k in [2, 3, 10, 30]:
    for _ in range(2):
        p = rng.random(k)
        q = rng.random(k)
        p[rng.integers(0, k)] = 0.0
        out["jensenshannon"].append({"p": r(p), "q": r(q), "distance": float(jensenshannon(p, q, base=2))})
p = [0.1, 0.2, 0.7]
out["jensenshannon"].append({"p": p, "q": p, "distance": float(jensenshannon(p, p, base=2))})
out["jensenshannon"].append({"p": [1.0, 0.0], "q": [0.0, 1.0], "distance": float(jensenshannon([1.0, 0.0], [0.0, 1.0], base=2))})

# numpy.quantile (linear), the psi/js bin edges
out["quantile"] = []
for n in [5, 10, 101, 1000]:
    x = rng.normal(0, 1, n)
    qs = [k / 10 for k in range(1, 10)]
    out["quantile"].append({"x": r(x), "q": qs, "values": r(np.quantile(x, qs))})

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scipy-vectors.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print(path, os.path.getsize(path), "bytes")
