#!/usr/bin/env python3
"""Generates the scikit-learn reference fixtures for Sluice's `"method": "sklearn"` split.

Run once, with scikit-learn and numpy installed (a reference tool only, never a runtime
dependency of Sluice):

    python3 -m venv /tmp/skl && /tmp/skl/bin/pip install scikit-learn numpy
    /tmp/skl/bin/python Tests/Fixtures/sklearn_split/make.py

It writes, beside itself:
- mt19937.json: the first 10,000 32-bit outputs of numpy's RandomState(seed) for three seeds
  (SHA-256 of the values written as decimal lines, plus the first, the last and the ones around
  the first regeneration of the state).
- splits.json: train_test_split(range(n), test_size=…, random_state=seed, shuffle=True) over
  n in {10, 150, 1000, 99991}, sizes {0.1, 0.25, 0.3, 0.5, an integer}, seeds {0, 1, 42, 2**31-1};
  and the same with stratify=y for several label sets. Index lists (0-based, in scikit-learn's
  order) are given in full for n <= 150, otherwise as SHA-256 of the decimal lines plus the first
  and last 10 indices.
"""
import hashlib
import json
import os

import numpy as np
import sklearn
from sklearn.model_selection import train_test_split

HERE = os.path.dirname(os.path.abspath(__file__))
SEEDS = [0, 1, 42, 2**31 - 1]
FRACTIONS = [0.1, 0.25, 0.3, 0.5]
INTEGER_SIZE = {10: 3, 150: 45, 1000: 333, 99991: 12345}


def digest(values):
    return hashlib.sha256("".join(f"{int(v)}\n" for v in values).encode()).hexdigest()


def describe(indices, full):
    indices = [int(i) for i in indices]
    if full:
        return indices
    return {"count": len(indices), "sha256": digest(indices), "head": indices[:10], "tail": indices[-10:]}


def mt19937():
    out = {"numpy": np.__version__, "draws": 10000, "seeds": []}
    for seed in [0, 42, 2**32 - 1]:
        raw = np.random.RandomState(seed)._bit_generator.random_raw(10000)
        check = np.random.RandomState(seed).randint(0, 2**32, size=10000, dtype=np.uint32)
        assert [int(v) for v in raw] == [int(v) for v in check]
        values = [int(v) for v in raw]
        out["seeds"].append({"seed": seed, "sha256": digest(values), "first": values[:5],
                             "around623": values[622:626], "last": values[-5:]})
    assert int(np.random.RandomState(5489)._bit_generator.random_raw(1)[0]) == 3499211612
    return out


def split_case(n, size, seed, y=None):
    train, test = train_test_split(np.arange(n), test_size=size, random_state=seed, shuffle=True, stratify=y)
    full = n <= 150
    return {"n": n, "testSize" if isinstance(size, int) else "testFraction": size, "seed": seed,
            "train": describe(train, full), "test": describe(test, full)}


def label_sets():
    """Label sets for stratified splits: balanced (ties in every remainder), imbalanced, numbers
    whose text order differs from their numeric order, text in code-point order."""
    iris = [c for c in ["setosa", "versicolor", "virginica"] for _ in range(50)]
    rng = np.random.RandomState(7)
    skewed = [["a", "b", "c", "d"][k] for k in rng.choice(4, size=1000, p=[0.55, 0.3, 0.1, 0.05])]
    numbers = [[2, 10, 100][i % 3] if i % 7 else 10 for i in range(150)]
    text = ["b", "B", "a", "b", "a", "B", "b", "b", "a", "B"]
    return {"iris": iris, "skewed1000": skewed, "numbers150": numbers, "text10": text}


def splits():
    cases = []
    for n in [10, 150, 1000, 99991]:
        for size in FRACTIONS + [INTEGER_SIZE[n]]:
            for seed in SEEDS:
                cases.append(split_case(n, size, seed))
    stratified = []
    for name, labels in label_sets().items():
        n = len(labels)
        for size in FRACTIONS + [INTEGER_SIZE[n]]:
            for seed in SEEDS:
                try:
                    case = split_case(n, size, seed, y=np.array(labels))
                except ValueError as e:  # e.g. fewer test rows than classes
                    case = {"n": n, "testSize" if isinstance(size, int) else "testFraction": size, "seed": seed, "error": str(e)}
                case["labels"] = name
                stratified.append(case)
    return {"sklearn": sklearn.__version__, "numpy": np.__version__, "shuffled": cases,
            "stratified": stratified, "labels": label_sets()}


def write(name, doc):
    with open(os.path.join(HERE, name), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    write("mt19937.json", mt19937())
    write("splits.json", splits())
