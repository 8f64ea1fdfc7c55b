#!/usr/bin/env python3
"""Benchmark: a Sluice model exported to ONNX and run in onnxruntime, beside Sluice's own in-process
prediction and beside skl2onnx's export of the scikit-learn counterpart, in one run.

    python3 bench/onnx/run.py [--runs 7] [--out bench/out]

Builds `sluice-onnx-bench` in release (trains with the Sluice engine, writes the ONNX file with
SluiceONNX, times Sluice's batch and one-row prediction of raw rows in process), and makes
.build/onnx-bench-venv with pinned onnx, onnxruntime, numpy, scikit-learn and skl2onnx. For each dataset
and algorithm: onnxruntime on Sluice's file and on skl2onnx's (float32 input, the converter's default;
zipmap off), batch over the test rows and one row per call (Python's `session.run` overhead included),
medians; the file sizes; and the largest |Δ| between skl2onnx's probabilities (or values) and
scikit-learn's own. Prints a Markdown table for BENCHMARKS.md and writes bench/out/onnx.json.
"""
import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV = os.path.join(ROOT, ".build", "onnx-bench-venv")
PINS = ["onnx==1.23.2", "onnxruntime==1.31.1", "numpy==2.4.6", "scikit-learn==1.9.1", "skl2onnx==1.20.0"]
BENCH = os.path.join(ROOT, ".build", "release", "sluice-onnx-bench")

# algorithm → (Sluice params, scikit-learn counterpart) per task.
CLF = {
    "decision_tree": ({}, "DecisionTreeClassifier(random_state=0)"),
    "random_forest": ({"nEstimators": 100, "seed": 0}, "RandomForestClassifier(n_estimators=100, random_state=0)"),
    "gradient_boosting": ({"maxIter": 100}, "HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=0)"),
    "logistic_regression": ({}, "LogisticRegression(max_iter=1000)"),
}
REG = {
    "decision_tree": ({}, "DecisionTreeRegressor(random_state=0)"),
    "random_forest": ({"nEstimators": 100, "seed": 0}, "RandomForestRegressor(n_estimators=100, random_state=0)"),
    "gradient_boosting": ({"maxIter": 100}, "HistGradientBoostingRegressor(max_iter=100, early_stopping=False, random_state=0)"),
    "ridge": ({}, "Ridge()"),
}


def ensure_venv():
    python = os.path.join(VENV, "bin", "python")
    check = "import onnx, onnxruntime, numpy, sklearn, skl2onnx"
    if subprocess.run([python, "-c", check], capture_output=True).returncode != 0:
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
        subprocess.run([os.path.join(VENV, "bin", "pip"), "install", "-q", "--disable-pip-version-check", *PINS], check=True)
    return python


def synthetic(path, rows, task, seed):
    rng = random.Random(seed)
    with open(path, "w") as f:
        f.write(",".join([f"x{i}" for i in range(10)] + ["target"]) + "\n")
        for _ in range(rows):
            x = [rng.gauss(0, 1) for _ in range(10)]
            score = x[0] + 0.5 * x[1] * x[2] - x[3] + 0.3 * x[4] ** 2 + rng.gauss(0, 0.5)
            target = (0 if score < -0.5 else 1 if score < 0.8 else 2) if task == "classification" else 10 * score
            f.write(",".join(f"{v:.6f}" for v in x) + f",{target if task == 'classification' else f'{target:.6f}'}\n")


def split(source, train, test, seed=0):
    with open(source) as f:
        header, *rows = f.read().splitlines()
    random.Random(seed).shuffle(rows)
    cut = int(len(rows) * 0.7)
    for path, part in ((train, rows[:cut]), (test, rows[cut:])):
        with open(path, "w") as f:
            f.write("\n".join([header] + part) + "\n")


def one(args):
    """Times onnxruntime on both files and skl2onnx's export (run in the bench venv)."""
    import numpy as np
    import onnxruntime as ort
    import sklearn.ensemble, sklearn.linear_model, sklearn.tree  # noqa: E401
    from skl2onnx import to_onnx

    def load(path):
        data = np.loadtxt(path, delimiter=",", skiprows=1)
        return data[:, :-1], data[:, -1]

    def timing(session, feeds_of, x):
        batch = []
        for _ in range(args.runs):
            start = time.perf_counter()
            session.run(None, feeds_of(x))
            batch.append(time.perf_counter() - start)
        rows = [feeds_of(x[i:i + 1]) for i in range(len(x))]
        single = []
        for i in range(2000):
            feeds = rows[i % len(rows)]
            start = time.perf_counter()
            session.run(None, feeds)
            single.append(time.perf_counter() - start)
        return statistics.median(batch), statistics.median(single) * 1e6

    xtrain, ytrain = load(args.train)
    xtest, _ = load(args.test)
    names = [s.strip() for s in open(args.test).readline().split(",")[:-1]]
    sluice = ort.InferenceSession(args.onnx, providers=["CPUExecutionProvider"])
    sluice_feeds = lambda x: {n: x[:, j:j + 1].astype(np.float64) for j, n in enumerate(names)}  # noqa: E731
    sluice_batch, sluice_row = timing(sluice, sluice_feeds, xtest)

    namespace = {}
    for module in (sklearn.tree, sklearn.ensemble, sklearn.linear_model):
        namespace.update({k: getattr(module, k) for k in dir(module) if k[0].isupper()})
    model = eval(args.reference, namespace)  # noqa: S307 - the constructors above
    model.fit(xtrain, ytrain.astype(int) if args.task == "classification" else ytrain)
    start = time.perf_counter()
    try:
        onx = to_onnx(model, xtrain[:1].astype(np.float32), options={"zipmap": False} if args.task == "classification" else None,
                      target_opset={"": 21, "ai.onnx.ml": 3})
    except Exception as e:  # noqa: BLE001 - a converter that fails is a result too
        print(json.dumps({"ort_batch_s": sluice_batch, "ort_row_us": sluice_row, "skl_error": f"{type(e).__name__}: {str(e)[:80]}",
                          "sluice_bytes": os.path.getsize(args.onnx)}))
        return
    convert_s = time.perf_counter() - start
    onx.ir_version = min(onx.ir_version, 10)
    raw = onx.SerializeToString()
    skl = ort.InferenceSession(raw, providers=["CPUExecutionProvider"])
    input_name = skl.get_inputs()[0].name
    skl_feeds = lambda x: {input_name: x.astype(np.float32)}  # noqa: E731
    skl_batch, skl_row = timing(skl, skl_feeds, xtest)
    out = skl.run(None, skl_feeds(xtest))
    if args.task == "classification":
        delta = float(np.max(np.abs(out[1] - model.predict_proba(xtest))))
    else:
        delta = float(np.max(np.abs(out[0].ravel() - model.predict(xtest))))
    print(json.dumps({"ort_batch_s": sluice_batch, "ort_row_us": sluice_row, "skl_batch_s": skl_batch, "skl_row_us": skl_row,
                      "skl_convert_s": convert_s, "skl_bytes": len(raw), "skl_delta": delta, "sluice_bytes": os.path.getsize(args.onnx)}))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "out"))
    parser.add_argument("--one", action="store_true")
    parser.add_argument("--only", help="comma-separated algorithms to run (default all)")
    for name in ("train", "test", "onnx", "reference", "task"):
        parser.add_argument(f"--{name}")
    args = parser.parse_args()
    if args.one:
        return one(args)
    python = ensure_venv()
    subprocess.run(["swift", "build", "-c", "release", "--product", "sluice-onnx-bench"], cwd=ROOT, check=True)
    os.makedirs(args.out, exist_ok=True)
    data = os.path.join(args.out, "onnx-data")
    os.makedirs(data, exist_ok=True)
    sets = {"breast_cancer": ("classification", os.path.join(ROOT, "examples", "data", "breast_cancer.csv"))}
    for task, seed in (("classification", 1), ("regression", 2)):
        path = os.path.join(data, f"synthetic_{task}.csv")
        synthetic(path, 20000, task, seed)
        sets[f"synthetic_{task[:3]} (20k)"] = (task, path)
    results = []
    for name, (task, source) in sets.items():
        key = name.split(" ")[0]
        train, test = os.path.join(data, f"{key}.train.csv"), os.path.join(data, f"{key}.test.csv")
        split(source, train, test)
        for algorithm, (params, reference) in (CLF if task == "classification" else REG).items():
            if args.only and algorithm not in args.only.split(","):
                continue
            onnx_path = os.path.join(data, f"{key}.{algorithm}.onnx")
            own = subprocess.run([BENCH, train, test, algorithm, task, json.dumps(params), onnx_path, "--runs", str(args.runs)],
                                 capture_output=True, text=True, check=True)
            s = json.loads(own.stdout)
            other = subprocess.run([python, __file__, "--one", "--train", train, "--test", test, "--onnx", onnx_path,
                                    "--reference", reference, "--task", task, "--runs", str(args.runs)],
                                   capture_output=True, text=True)
            if other.returncode:
                print(other.stderr, file=sys.stderr)
                continue
            o = json.loads(other.stdout)
            results.append({"dataset": name, "algorithm": algorithm, "reference": reference.split("(")[0], "rows": s["rows"], **s, **o})
            print(f"{name} {algorithm}: done", file=sys.stderr)
    with open(os.path.join(args.out, "onnx.json"), "w") as f:
        json.dump({"machine": platform.platform(), "results": results}, f, indent=1)
    print("| dataset | algorithm | test rows | Sluice in-process batch (ms) | ORT on Sluice's ONNX batch (ms) | ratio | "
          "ORT on skl2onnx batch (ms) | Sluice 1-row (µs) | ORT Sluice's 1-row (µs) | ORT skl2onnx 1-row (µs) | "
          "file KiB Sluice / skl2onnx | skl2onnx max abs Δ vs scikit-learn |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in results:
        if "skl_error" in r:
            print(f"| {r['dataset']} | {r['algorithm']} ({r['reference']}) | {int(r['rows'])} | {r['batch_s'] * 1e3:.2f} | "
                  f"{r['ort_batch_s'] * 1e3:.2f} | {r['ort_batch_s'] / r['batch_s']:.2f}× | skl2onnx fails | "
                  f"{r['row_us']:.1f} | {r['ort_row_us']:.1f} | – | {r['sluice_bytes'] / 1024:.0f} / – | {r['skl_error']} |")
            continue
        print(f"| {r['dataset']} | {r['algorithm']} ({r['reference']}) | {int(r['rows'])} | {r['batch_s'] * 1e3:.2f} | "
              f"{r['ort_batch_s'] * 1e3:.2f} | {r['ort_batch_s'] / r['batch_s']:.2f}× | {r['skl_batch_s'] * 1e3:.2f} | "
              f"{r['row_us']:.1f} | {r['ort_row_us']:.1f} | {r['skl_row_us']:.1f} | "
              f"{r['sluice_bytes'] / 1024:.0f} / {r['skl_bytes'] / 1024:.0f} | {r['skl_delta']:.2g} |")


if __name__ == "__main__":
    sys.exit(main())
