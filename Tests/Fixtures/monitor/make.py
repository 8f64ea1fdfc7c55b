#!/usr/bin/env python3
"""Generates the reference values the SluiceMonitor tests compare against (run once; output committed).

    python3 Tests/Fixtures/monitor/make.py    # writes fixtures.json next to this file

numpy, scipy and scikit-learn are reference tools only (pip install numpy scipy scikit-learn).
Conventions checked here, as Sluice implements them:
- edges: np.unique(np.quantile(finite training values, [0.1, ..., 0.9]))  (method "linear", the default);
- bin of x: np.searchsorted(edges, x, side="left"), i.e. (-inf, e1], (e1, e2], ..., (ek, +inf); then a
  `missing` bin (null / NaN) last;
- PSI: proportions p = counts / total; every proportion equal to 0 (either side) replaced by 1e-4;
  sum((c - r) * ln(c / r));
- binned KS: max |cumsum(r) - cumsum(c)| over the bins;
- JS: scipy.spatial.distance.jensenshannon(r, c) (natural log);
- isotonic: sklearn.isotonic.IsotonicRegression(out_of_bounds="clip").
"""
import json
import os

import numpy as np
import scipy
import sklearn
from scipy.spatial.distance import jensenshannon
from sklearn.isotonic import IsotonicRegression

EPS = 1e-4
Q = np.arange(1, 10) / 10


def edges(values):
    v = np.array([x for x in values if x is not None and np.isfinite(x)], dtype=float)
    return [float(e) for e in np.unique(np.quantile(v, Q))] if len(v) else []


def counts(e, values):
    c = [0] * (len(e) + 2)
    for x in values:
        if x is None or np.isnan(x):
            c[-1] += 1
        else:
            c[int(np.searchsorted(np.array(e), x, side="left"))] += 1
    return c


def stats(rc, cc):
    r = np.array(rc, float) / sum(rc)
    c = np.array(cc, float) / sum(cc)
    r2, c2 = np.where(r == 0, EPS, r), np.where(c == 0, EPS, c)
    psi = float(np.sum((c2 - r2) * np.log(c2 / r2)))
    ks = float(np.max(np.abs(np.cumsum(r) - np.cumsum(c))))
    js = float(jensenshannon(r, c))
    return {"psi": psi, "ks": ks, "js": js}


rng = np.random.default_rng(20261201)
quantiles = []
for name, vals in [
    ("normal101", rng.standard_normal(101).tolist()),
    ("ties", [1.0, 1.0, 1.0, 2.0, 2.0, 3.0, 10.0]),
    ("integers", rng.integers(0, 4, 50).astype(float).tolist()),
    ("one", [4.25]),
    ("two", [-1.0, 3.0]),
    ("uniform1000", rng.uniform(-5, 5, 1000).tolist()),
]:
    s = np.sort(np.array(vals))
    quantiles.append({"name": name, "values": vals, "deciles": [float(x) for x in np.quantile(s, Q)], "edges": edges(vals)})

drift = []
for name, rc, cc in [
    ("equal", [10, 20, 30, 40], [1, 2, 3, 4]),
    ("shifted", [100, 100, 100, 100, 100, 0], [50, 80, 100, 120, 150, 0]),
    ("empty_current_bin", [30, 30, 40, 0], [0, 50, 50, 0]),
    ("empty_reference_bin", [0, 60, 40, 5], [10, 50, 40, 0]),
    ("one_bin_each", [7, 0], [0, 3]),
]:
    drift.append({"name": name, "reference": rc, "current": cc, **stats(rc, cc)})

# End to end: values -> bins -> counts -> statistics.
ref = rng.standard_normal(2000).tolist()
ref[5] = None
cur = (rng.standard_normal(700) * 1.3 + 0.4).tolist()
cur[0] = None
cur[1] = None
e = edges(ref)
rc, cc = counts(e, ref), counts(e, cur)
end_to_end = {"reference": ref, "current": cur, "edges": e, "referenceCounts": rc, "currentCounts": cc, **stats(rc, cc)}

# Categorical top-K: by count descending, ties by UTF-8 bytes ascending.
cats = ["b", "a", "c", "a", "b", "é", "é", "z", "Z", None, "c", "d", "d", "e"]
freq = {}
for x in cats:
    if x is not None:
        freq[x] = freq.get(x, 0) + 1
top = [k for k, _ in sorted(freq.items(), key=lambda kv: (-kv[1], kv[0].encode()))]
categorical = {"values": cats, "top3": top[:3], "all": top}

isotonic = []
for name, n, seed in [("sigmoid300", 300, 1), ("duplicates80", 80, 2), ("small12", 12, 3)]:
    r = np.random.default_rng(seed)
    if name == "duplicates80":
        x = np.round(r.uniform(0.3, 1.0, n), 1)
    else:
        x = r.uniform(0.34, 1.0, n)
    y = (r.uniform(0, 1, n) < x ** 2).astype(float)
    model = IsotonicRegression(out_of_bounds="clip").fit(x, y)
    assert len(model.X_thresholds_) <= 64, name
    queries = np.concatenate([[0.0, 0.2, x.min(), x.max(), 1.5], np.linspace(0.3, 1.05, 40), x[:10]])
    isotonic.append({
        "name": name, "scores": x.tolist(), "outcomes": y.tolist(),
        "knotsX": model.X_thresholds_.tolist(), "knotsY": model.y_thresholds_.tolist(),
        "queries": queries.tolist(), "predictions": model.predict(queries).tolist(),
    })

out = {
    "generator": f"make.py with numpy {np.__version__}, scipy {scipy.__version__}, scikit-learn {sklearn.__version__}",
    "quantiles": quantiles, "drift": drift, "endToEnd": end_to_end, "categorical": categorical, "isotonic": isotonic,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
