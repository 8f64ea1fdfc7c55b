#!/usr/bin/env python3
"""Benchmark: Sluice models exported as ONNX, in onnxruntime, beside Sluice's own prediction and
skl2onnx's export of the scikit-learn counterpart, in one run.

    python3 bench/onnx/run.py [--data bench/data] [--only iris,synthetic_clf] [--runs 5] [--out bench/out]

For each dataset and algorithm:
- Sluice: `.build/release/sluice-bench TRAIN TEST ALGO TASK --onnx F --predictions P` trains the model,
  times batch prediction of the test file in process (encoding included) and one encoded row, and
  writes the model as ONNX (the bytes `sluice export` writes) and its outputs for every test row.
- Sluice's ONNX in onnxruntime (one input per feature, double): the batch, one row, and the largest
  difference from Sluice's own outputs.
- scikit-learn's counterpart (the constructors of bench/engine.py), converted by skl2onnx (float32
  input, the converters' default; ZipMap off), in onnxruntime: the batch, one row, and the largest
  difference from scikit-learn's own predict_proba / predict.
Every runtime is single-threaded (intra_op_num_threads=1) and each figure is a median of --runs
batches and 1,000 single-row calls. Reference tools live in .build/bench-onnx-venv (made when
missing): onnx 1.23.2, onnxruntime 1.31.1, skl2onnx 1.20.0, scikit-learn 1.9.1.
Results: bench/out/onnx.json and a Markdown table on stdout for BENCHMARKS.md.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BENCH = os.environ.get("SLUICE_BENCH", os.path.join(ROOT, ".build", "release", "sluice-bench"))
VENV = os.path.join(ROOT, ".build", "bench-onnx-venv")
PINS = ["onnx==1.23.2", "onnxruntime==1.31.1", "skl2onnx==1.20.0", "scikit-learn==1.9.1", "numpy"]

CLASSIFICATION = ["iris", "wine", "breast_cancer", "synthetic_clf"]
REGRESSION = ["synthetic_reg"]
CLF = {
    "decision_tree": "DecisionTreeClassifier(random_state=0)",
    "random_forest": "RandomForestClassifier(n_estimators=100, random_state=0)",
    "extra_trees": "ExtraTreesClassifier(n_estimators=100, random_state=0)",
    "gradient_boosting": "HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=0)",
    "logistic_regression": "LogisticRegression(max_iter=1000)",
}
REG = {
    "decision_tree": "DecisionTreeRegressor(random_state=0)",
    "random_forest": "RandomForestRegressor(n_estimators=100, random_state=0)",
    "gradient_boosting": "HistGradientBoostingRegressor(max_iter=100, early_stopping=False, random_state=0)",
    "ridge": "Ridge()",
}
# Forests of 100 deep trees on 100k rows: minutes in pure Python conversion; kept to the small sets.
SKIP_LARGE = {"random_forest", "extra_trees", "decision_tree"}


def ensure_venv():
    python = os.path.join(VENV, "bin", "python")
    probe = "import onnx, onnxruntime, skl2onnx, sklearn, numpy"
    if not os.path.exists(python) or subprocess.run([python, "-c", probe], capture_output=True).returncode != 0:
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([python, "-m", "pip", "install", "-q", "--disable-pip-version-check"] + PINS, check=True)
    return python


def ensure_data(data):
    if not os.path.exists(os.path.join(data, "synthetic_reg_test.csv")):
        script = os.path.join(ROOT, "..", "shared", "reference", "make_datasets.py")
        subprocess.run([sys.executable, script, data, "--skip-large"], check=True)


def reference(args):
    """Runs in the venv: ONNX timings for one case; prints one JSON line."""
    import numpy as np
    import onnxruntime as ort
    from sklearn.ensemble import (ExtraTreesClassifier, ExtraTreesRegressor, HistGradientBoostingClassifier,  # noqa: F401
                                  HistGradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor)
    from sklearn.linear_model import LogisticRegression, Ridge  # noqa: F401
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor  # noqa: F401
    from skl2onnx import to_onnx

    def load(path):
        with open(path) as f:
            header = f.readline().strip().split(",")
        data = np.loadtxt(path, delimiter=",", skiprows=1)
        return header[:-1], data[:, :-1], data[:, -1]

    names, x_train, y_train = load(args.train)
    _, x_test, _ = load(args.test)
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1

    def timings(session, feed_all, feed_one):
        batch = []
        for _ in range(args.runs):
            start = time.perf_counter()
            session.run(None, feed_all)
            batch.append(time.perf_counter() - start)
        single = []
        for i in range(1000):
            feed = feed_one(i % len(x_test))
            start = time.perf_counter()
            session.run(None, feed)
            single.append(time.perf_counter() - start)
        return statistics.median(batch), statistics.median(single) * 1e6

    result = {}
    # Sluice's ONNX: one double input per feature, shape [N, 1].
    sluice = ort.InferenceSession(args.onnx, options, providers=["CPUExecutionProvider"])
    columns = {n: x_test[:, j:j + 1].astype(np.float64) for j, n in enumerate(names)}
    batch, one = timings(sluice, columns, lambda i: {n: c[i:i + 1] for n, c in columns.items()})
    outputs = dict(zip([o.name for o in sluice.get_outputs()], sluice.run(None, columns)))
    ours = np.loadtxt(args.predictions, delimiter=",", ndmin=2)
    got = outputs["probabilities"] if args.task == "classification" else outputs["variable"]
    result["sluice_onnx"] = {"batch_s": batch, "one_us": one, "max_abs_diff": float(np.max(np.abs(got - ours))),
                             "bytes": os.path.getsize(args.onnx)}

    # scikit-learn's counterpart through skl2onnx (float32 input, ZipMap off).
    model = eval(args.constructor)
    model.fit(x_train, y_train)
    classifier = args.task == "classification"
    options_skl = {id(model): {"zipmap": False}} if classifier else None
    start = time.perf_counter()
    onx = to_onnx(model, x_train[:1].astype(np.float32), target_opset={"": 21, "ai.onnx.ml": 3}, options=options_skl)
    convert_s = time.perf_counter() - start
    blob = onx.SerializeToString()
    skl = ort.InferenceSession(blob, options, providers=["CPUExecutionProvider"])
    name = skl.get_inputs()[0].name
    x32 = x_test.astype(np.float32)
    batch, one = timings(skl, {name: x32}, lambda i: {name: x32[i:i + 1]})
    out = skl.run(None, {name: x32})
    if classifier:
        diff = float(np.max(np.abs(out[1] - model.predict_proba(x_test))))
    else:
        diff = float(np.max(np.abs(out[0].ravel() - model.predict(x_test))))
    result["skl2onnx"] = {"batch_s": batch, "one_us": one, "max_abs_diff": diff, "bytes": len(blob), "convert_s": convert_s}
    print(json.dumps(result))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.join(ROOT, "bench", "data"))
    ap.add_argument("--only", default="")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "out"))
    ap.add_argument("--reference", action="store_true", help=argparse.SUPPRESS)
    for a in ["train", "test", "onnx", "predictions", "task", "constructor"]:
        ap.add_argument("--" + a, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.reference:
        return reference(args)

    python = ensure_venv()
    ensure_data(args.data)
    if not os.path.exists(BENCH):
        subprocess.run(["swift", "build", "-c", "release", "--product", "sluice-bench"], cwd=ROOT, check=True)
    only = set(filter(None, args.only.split(",")))
    cases = [(d, "classification", a, c) for d in CLASSIFICATION for a, c in CLF.items()]
    cases += [(d, "regression", a, c) for d in REGRESSION for a, c in REG.items()]
    rows = []
    with tempfile.TemporaryDirectory() as work:
        for dataset, task, algorithm, constructor in cases:
            if only and dataset not in only:
                continue
            if dataset.startswith("synthetic") and algorithm in SKIP_LARGE:
                continue
            train = os.path.join(args.data, f"{dataset}_train.csv")
            test = os.path.join(args.data, f"{dataset}_test.csv")
            onnx_path = os.path.join(work, f"{dataset}-{algorithm}.onnx")
            predictions = os.path.join(work, f"{dataset}-{algorithm}.csv")
            sluice = json.loads(subprocess.run(
                [BENCH, train, test, algorithm, task, "{}", "--runs", str(args.runs), "--onnx", onnx_path, "--predictions", predictions],
                check=True, capture_output=True, text=True).stdout)
            ref = json.loads(subprocess.run(
                [python, __file__, "--reference", "--train", train, "--test", test, "--onnx", onnx_path, "--predictions", predictions,
                 "--task", task, "--constructor", constructor, "--runs", str(args.runs)],
                check=True, capture_output=True, text=True).stdout)
            row = {"dataset": dataset, "task": task, "algorithm": algorithm, "test_rows": sum(1 for _ in open(test)) - 1,
                   "sluice": {"batch_s": statistics.median(sluice["predict_s"]), "one_us": sluice["latency_median_us"]}, **ref}
            rows.append(row)
            print(f"{dataset} {algorithm}: done", file=sys.stderr)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "onnx.json"), "w") as f:
        json.dump({"machine": platform.platform(), "cpus": os.cpu_count(), "rows": rows}, f, indent=1)

    print("| dataset (test rows) | algorithm | batch: Sluice in process | Sluice ONNX in ORT | skl2onnx in ORT | 1 row: Sluice (µs) | Sluice ONNX (µs) | skl2onnx (µs) | max abs Δ: Sluice ONNX vs Sluice | skl2onnx vs scikit-learn |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        s, o, k = r["sluice"], r["sluice_onnx"], r["skl2onnx"]
        print(f"| {r['dataset']} ({r['test_rows']:,}) | {r['algorithm']} | {s['batch_s'] * 1e3:.2f} ms | {o['batch_s'] * 1e3:.2f} ms | "
              f"{k['batch_s'] * 1e3:.2f} ms | {s['one_us']:.1f} | {o['one_us']:.1f} | {k['one_us']:.1f} | {o['max_abs_diff']:.1e} | {k['max_abs_diff']:.1e} |")


if __name__ == "__main__":
    main()
