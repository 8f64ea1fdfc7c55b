#!/usr/bin/env python3
"""Generates the expected reference profiles the trainer's tests compare against (run once; output committed).

    python3 Tests/Fixtures/monitor/make_profile.py    # writes shop.csv and profile.json next to this file

numpy and scikit-learn are reference tools only (pip install numpy scikit-learn). Both data sets are split with
scikit-learn's train_test_split, which Sluice reproduces exactly with `"method": "sklearn"`, so the training rows
are the same rows on both sides. Conventions, as Sluice implements them (see make.py):
- numeric edges: np.unique(np.quantile(finite training values, [0.1, ..., 0.9])), bin of x by
  np.searchsorted(edges, x, side="left"), then a `missing` bin;
- categorical bins: the top 20 training categories by count descending, ties by UTF-8 bytes ascending,
  then `other`, then `missing`.

It writes:
- shop.csv: 240 rows with a numeric column with missing cells, a text column with 26 categories (more than
  the 20 kept) and missing cells, a text column with 3 categories, and a text target;
- profile.json: for examples/data/iris.csv (test_size 0.3, random_state 42, stratified by species) and for
  shop.csv (test_size 0.25, random_state 7, not stratified): the training and test row counts and, per
  feature, the bins and training counts.
"""
import csv
import json
import os

import numpy as np
import sklearn
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(HERE)))
Q = np.arange(1, 10) / 10
TOP = 20


def numeric(values):
    finite = np.array([v for v in values if not np.isnan(v)], dtype=float)
    edges = [float(e) for e in np.unique(np.quantile(finite, Q))] if len(finite) else []
    counts = [0] * (len(edges) + 2)
    for v in values:
        counts[-1 if np.isnan(v) else int(np.searchsorted(np.array(edges), v, side="left"))] += 1
    return {"kind": "numeric", "edges": edges, "counts": counts}


def categorical(values):
    freq = {}
    for v in values:
        if v is not None:
            freq[v] = freq.get(v, 0) + 1
    cats = [k for k, _ in sorted(freq.items(), key=lambda kv: (-kv[1], kv[0].encode()))][:TOP]
    counts = [0] * (len(cats) + 2)
    for v in values:
        counts[-1 if v is None else (cats.index(v) if v in cats else len(cats))] += 1
    return {"kind": "categorical", "categories": cats, "counts": counts}


def read(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def profile(path, target, test_size, seed, stratify, kinds):
    header, rows = read(path)
    labels = [r[header.index(target)] for r in rows]
    train, test = train_test_split(np.arange(len(rows)), test_size=test_size, random_state=seed, shuffle=True,
                                   stratify=labels if stratify else None)
    features = []
    for j, name in enumerate(header):
        if name == target:
            continue
        cells = [rows[i][j] for i in train]
        if kinds[name] == "numeric":
            features.append({"name": name, **numeric([float(c) if c != "" else float("nan") for c in cells])})
        else:
            features.append({"name": name, **categorical([c if c != "" else None for c in cells])})
    return {"trainingRows": len(train), "testRows": len(test), "features": features}


def make_shop():
    rng = np.random.default_rng(20261201)
    channels = [f"ch-{chr(ord('a') + k)}" for k in range(26)]
    weights = np.array([1.0 / (k + 1) for k in range(26)])
    with open(os.path.join(HERE, "shop.csv"), "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["amount", "channel", "region", "bought"])
        for i in range(240):
            amount = "" if i % 17 == 3 else f"{rng.gamma(2.0, 30.0):.2f}"
            channel = "" if i % 23 == 5 else channels[rng.choice(26, p=weights / weights.sum())]
            region = ["north", "south", "east"][rng.integers(0, 3)]
            bought = "yes" if rng.uniform() < (0.7 if region == "north" else 0.3) else "no"
            w.writerow([amount, channel, region, bought])


make_shop()
out = {
    "generator": f"make_profile.py with numpy {np.__version__}, scikit-learn {sklearn.__version__}",
    "iris": profile(os.path.join(ROOT, "examples/data/iris.csv"), "species", 0.3, 42, True,
                    {n: "numeric" for n in ["sepal_length", "sepal_width", "petal_length", "petal_width"]}),
    "shop": profile(os.path.join(HERE, "shop.csv"), "bought", 0.25, 7, False,
                    {"amount": "numeric", "channel": "categorical", "region": "categorical"}),
}
with open(os.path.join(HERE, "profile.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
