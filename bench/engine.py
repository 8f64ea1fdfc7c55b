#!/usr/bin/env python3
"""Benchmark: the Sluice engine against scikit-learn and LightGBM, side by side, in one run.

    python3 bench/engine.py [--data bench/data] [--only iris,wine,...] [--runs 3] [--out bench/out]

Needs the datasets of ../shared/reference/make_datasets.py in --data (the script runs it when they are
missing) and installs scikit-learn and lightgbm with pip when they are missing. Every model is trained
in its own process (so peak RSS is that model's), on the same train/test CSV files, alternating the
tools. Sluice runs through `.build/release/sluice-engine-bench` (built here); the Python side through this
file's --one mode. Both sides time batch prediction on the same work: from the test data to one label
or value per row (Sluice encodes the raw frame; scikit-learn's `predict()` validates X); metrics apart.
Results: bench/out/engine.json, and on stdout the Markdown table for BENCHMARKS.md and a verdict per
algorithm and dataset against the engine goal (see `verdicts`).
"""
import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.path.join(ROOT, ".build", "release", "sluice-engine-bench")

CLASSIFICATION = ["iris", "iris_seed", "wine", "breast_cancer", "digits", "synthetic_clf", "synthetic_large"]
REGRESSION = ["diabetes", "synthetic_reg"]

# algorithm -> (sluice params, python constructor source); "2 threads" where the tool has threads.
CLF = {
    "decision_tree": ({}, "DecisionTreeClassifier(random_state=0)"),
    "random_forest": ({}, "RandomForestClassifier(n_estimators=100, n_jobs=2, random_state=0)"),
    "extra_trees": ({}, "ExtraTreesClassifier(n_estimators=100, n_jobs=2, random_state=0)"),
    "gradient_boosting": ({}, "HistGradientBoostingClassifier(max_iter=100, early_stopping=False, random_state=0)"),
    "gradient_boosting/lightgbm": ({}, "LGBMClassifier(n_estimators=100, n_jobs=2, verbose=-1)"),
    "logistic_regression": ({}, "LogisticRegression()"),
    "knn": ({}, "KNeighborsClassifier(5)"),
    "naive_bayes": ({}, "GaussianNB()"),
}
REG = {
    "decision_tree": ({}, "DecisionTreeRegressor(random_state=0)"),
    "random_forest": ({}, "RandomForestRegressor(n_estimators=100, n_jobs=2, random_state=0)"),
    "extra_trees": ({}, "ExtraTreesRegressor(n_estimators=100, n_jobs=2, random_state=0)"),
    "gradient_boosting": ({}, "HistGradientBoostingRegressor(max_iter=100, early_stopping=False, random_state=0)"),
    "gradient_boosting/lightgbm": ({}, "LGBMRegressor(n_estimators=100, n_jobs=2, verbose=-1)"),
    "linear_regression": ({}, "LinearRegression()"),
    "ridge": ({}, "Ridge()"),
    "knn": ({}, "KNeighborsRegressor(5)"),
}
# Too slow for scikit-learn within a sensible budget on the 900,000-row set.
SKIP_LARGE = {"decision_tree", "random_forest", "extra_trees", "knn", "gradient_boosting"}
# Algorithms whose fit on the synthetic sets takes milliseconds: timed as the median of --runs fits, like the small sets.
CHEAP_FITS = {"knn", "naive_bayes", "linear_regression", "ridge"}


def load(path):
    import numpy as np
    data = np.loadtxt(path, delimiter=",", skiprows=1)
    return data[:, :-1], data[:, -1]


def one(args):
    """Trains one scikit-learn/LightGBM model; prints a JSON line (run in its own process)."""
    import numpy as np
    from sklearn import metrics
    from sklearn.ensemble import (ExtraTreesClassifier, ExtraTreesRegressor, HistGradientBoostingClassifier,
                                  HistGradientBoostingRegressor, RandomForestClassifier, RandomForestRegressor)
    from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge
    from sklearn.naive_bayes import GaussianNB
    from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
    from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor
    try:
        from lightgbm import LGBMClassifier, LGBMRegressor  # noqa: F401
    except ImportError:
        pass
    import warnings
    warnings.filterwarnings("ignore")
    x_train, y_train = load(args.train)
    x_test, y_test = load(args.test)
    classification = args.task == "classification"
    if classification:
        y_train = y_train.astype(int)
        y_test = y_test.astype(int)
    fits = []
    model = None
    for _ in range(args.runs):
        model = eval(args.model)
        start = time.perf_counter()
        model.fit(x_train, y_train)
        fits.append(time.perf_counter() - start)
    # The predict time is that of predict() alone; probabilities (for the metrics) are computed apart.
    predicts = []
    for _ in range(max(args.runs, 3)):
        start = time.perf_counter()
        predicted = model.predict(x_test)
        predicts.append(time.perf_counter() - start)
    if classification:
        proba = model.predict_proba(x_test)
    latencies = []
    for i in range(300):
        row = x_test[i % len(x_test)].reshape(1, -1)
        start = time.perf_counter()
        model.predict(row)
        latencies.append(time.perf_counter() - start)
    latencies.sort()
    if classification:
        result = {"accuracy": metrics.accuracy_score(y_test, predicted), "f1_macro": metrics.f1_score(y_test, predicted, average="macro"),
                  "log_loss": metrics.log_loss(y_test, proba, labels=model.classes_)}
        try:
            result["roc_auc"] = (metrics.roc_auc_score(y_test, proba[:, 1]) if proba.shape[1] == 2
                                 else metrics.roc_auc_score(y_test, proba, multi_class="ovr"))
        except ValueError:
            pass
    else:
        result = {"r2": metrics.r2_score(y_test, predicted), "rmse": metrics.mean_squared_error(y_test, predicted) ** 0.5,
                  "mae": metrics.mean_absolute_error(y_test, predicted)}
    print(json.dumps({"fit_s": fits, "predict_s": predicts, "latency_median_us": latencies[len(latencies) // 2] * 1e6,
                      "metrics": result, "peak_rss_mib": peak_rss()}))


def peak_rss():
    """The process's own peak RSS (VmHWM starts afresh at exec; ru_maxrss would include the parent's)."""
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run(cmd):
    out = subprocess.run(cmd, capture_output=True, text=True)
    if out.returncode != 0:
        return {"error": (out.stderr or out.stdout).strip()[-300:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", default=os.path.join(ROOT, "bench", "data"))
    parser.add_argument("--only", default="")
    parser.add_argument("--algorithms", default="")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "out"))
    parser.add_argument("--table", help="print the tables of an earlier run's engine.json and exit")
    parser.add_argument("--one", action="store_true")
    parser.add_argument("--train")
    parser.add_argument("--test")
    parser.add_argument("--task")
    parser.add_argument("--model")
    args = parser.parse_args()
    if args.one:
        return one(args)
    if args.table:
        rows = json.load(open(args.table))["rows"]
        print_table(rows)
        print_verdicts(rows)
        return
    for module in ["sklearn", "lightgbm"]:
        try:
            __import__(module)
        except ImportError:
            subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "scikit-learn" if module == "sklearn" else module])
    if not os.path.exists(os.path.join(args.data, "synthetic_large_train.csv")):
        subprocess.check_call([sys.executable, os.path.join(ROOT, "..", "shared", "reference", "make_datasets.py"), args.data])
    subprocess.check_call(["swift", "build", "-c", "release", "--product", "sluice-engine-bench"], cwd=ROOT, stdout=sys.stderr)
    only = set(filter(None, args.only.split(",")))
    algorithms = set(filter(None, args.algorithms.split(",")))
    rows = []
    for task, names, table in [("classification", CLASSIFICATION, CLF), ("regression", REGRESSION, REG)]:
        for name in names:
            if only and name not in only:
                continue
            train = os.path.join(args.data, f"{name}_train.csv")
            test = os.path.join(args.data, f"{name}_test.csv")
            for algorithm, (params, model) in table.items():
                base = algorithm.split("/")[0]
                if algorithms and base not in algorithms:
                    continue
                if name == "synthetic_large" and base in SKIP_LARGE and not algorithm.endswith("lightgbm"):
                    if base != "gradient_boosting":
                        continue
                # One fit on the synthetic sets, except where a fit takes milliseconds and one cold run is noise.
                runs = args.runs if base in CHEAP_FITS or not name.startswith("synthetic") else 1
                reference = run([sys.executable, __file__, "--one", "--train", train, "--test", test, "--task", task,
                                 "--model", model, "--runs", str(runs)])
                sluice = None
                if not algorithm.endswith("lightgbm"):
                    sluice = run([BENCH, train, test, base, task, json.dumps(params), "--runs", str(runs)])
                rows.append({"dataset": name, "task": task, "algorithm": algorithm, "reference": model, "sluice": sluice, "python": reference})
                print(f"{name} {algorithm}: sluice {summary(sluice)} | {model.split('(')[0]} {summary(reference)}", file=sys.stderr)
    if any(r["dataset"] == "synthetic_large" for r in rows) or not only:
        rows.append(read_bench(os.path.join(args.data, "synthetic_large_train.csv")))
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "engine.json"), "w") as f:
        json.dump({"machine": machine(), "rows": rows}, f, indent=2)
    print_table(rows)
    print_verdicts(rows)


def read_bench(path):
    sluice = run([BENCH, "--read", path, "--runs", "3"])
    code = "import numpy, time, sys; t=time.perf_counter(); numpy.loadtxt(sys.argv[1], delimiter=',', skiprows=1); print(time.perf_counter()-t)"
    # The median of three reads, as on Sluice's side (each in a fresh process).
    numpy = statistics.median(float(subprocess.run([sys.executable, "-c", code, path], capture_output=True, text=True).stdout.strip())
                              for _ in range(3))
    return {"dataset": "synthetic_large", "read": True, "sluice_s": sluice.get("read_s"), "numpy_s": numpy}


def summary(r):
    if r is None:
        return "-"
    if "error" in r:
        return "error: " + r["error"][:80]
    m = r["metrics"]
    key = "accuracy" if "accuracy" in m else "r2"
    return f"{key} {m[key]:.4f} fit {statistics.median(r['fit_s']):.3f}s"


def machine():
    cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), "?")
    import numpy
    import sklearn
    import lightgbm
    return {"cpu": cpu, "cores": os.cpu_count(), "python": platform.python_version(), "numpy": numpy.__version__, "sklearn": sklearn.__version__,
            "lightgbm": lightgbm.__version__, "load_1m": os.getloadavg()[0]}


def print_table(rows):
    print("| dataset | algorithm | metric | Sluice | reference | Δ | fit Sluice (s) | fit ref (s) | fit ratio | predict ratio | 1-row Sluice (µs) | 1-row ref (µs) | RSS Sluice / ref (MiB) |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    sluice_by = {(r["dataset"], r["algorithm"]): r["sluice"] for r in rows if not r.get("read")}
    for r in rows:
        if r.get("read"):
            s = statistics.median(r["sluice_s"])
            print(f"\nReading synthetic_large_train.csv (300 MB): Sluice {s:.2f} s (median of 3), numpy.loadtxt {r['numpy_s']:.2f} s, ratio {s / r['numpy_s']:.2f}×.")
            continue
        s = r["sluice"] or sluice_by.get((r["dataset"], r["algorithm"].split("/")[0]))
        p = r["python"]
        if not s or "error" in s or "error" in p:
            print(f"| {r['dataset']} | {r['algorithm']} | error | {s and s.get('error', '')} | {p.get('error', '')} | | | | | | | | |")
            continue
        key = "accuracy" if r["task"] == "classification" else "r2"
        fs, fp = statistics.median(s["fit_s"]), statistics.median(p["fit_s"])
        ps, pp = statistics.median(s["predict_s"]), statistics.median(p["predict_s"])
        ref = r["reference"].split("(")[0]
        print(f"| {r['dataset']} | {r['algorithm'] if r['sluice'] else r['algorithm'] + ' (Sluice row above)'} | {key} | {s['metrics'][key]:.4f} | {p['metrics'][key]:.4f} ({ref}) "
              f"| {s['metrics'][key] - p['metrics'][key]:+.4f} | {fs:.3f} | {fp:.3f} | {fs / fp:.2f}× | {ps / pp:.2f}× "
              f"| {s['latency_median_us']:.1f} | {p['latency_median_us']:.0f} | {s['peak_rss_mib']:.0f} / {p['peak_rss_mib']:.0f} |")


def verdicts(rows):
    """One verdict per dataset and algorithm against the engine goal (issue 18): fit time ≤ 1.0× the
    fastest reference (for gradient boosting the faster of HistGradientBoosting and LightGBM on that
    dataset; predict time, memory and quality are then compared with that same tool), batch predict
    time ≤ 1.0× on the same work, peak RSS ≤ the reference's, test metric no more than 0.01 below."""
    groups = {}
    for r in rows:
        if r.get("read"):
            continue
        groups.setdefault((r["dataset"], r["algorithm"].split("/")[0]), []).append(r)
    out = []
    for (dataset, algorithm), group in groups.items():
        sluice = next((r["sluice"] for r in group if r["sluice"]), None)
        refs = [r for r in group if "error" not in r["python"]]
        if not sluice or "error" in sluice or not refs:
            out.append({"dataset": dataset, "algorithm": algorithm, "verdict": "error"})
            continue
        ref = min(refs, key=lambda r: statistics.median(r["python"]["fit_s"]))
        p = ref["python"]
        key = "accuracy" if ref["task"] == "classification" else "r2"
        fit = statistics.median(sluice["fit_s"]) / statistics.median(p["fit_s"])
        predict = statistics.median(sluice["predict_s"]) / statistics.median(p["predict_s"])
        rss = (sluice["peak_rss_mib"], p["peak_rss_mib"])
        delta = sluice["metrics"][key] - p["metrics"][key]
        short = [f"fit {fit:.2f}×" for _ in [0] if fit > 1.0] + [f"predict {predict:.2f}×" for _ in [0] if predict > 1.0]
        short += [f"RSS {rss[0]:.0f} > {rss[1]:.0f} MiB" for _ in [0] if rss[0] > rss[1]]
        short += [f"{key} {delta:+.4f}" for _ in [0] if delta < -0.01]
        out.append({"dataset": dataset, "algorithm": algorithm, "reference": ref["reference"].split("(")[0], "fit": fit,
                    "predict": predict, "rss": rss, "delta": delta, "key": key, "verdict": "met" if not short else "short: " + ", ".join(short)})
    return out


def print_verdicts(rows):
    print("\n| dataset | algorithm | fastest reference | fit ratio | predict ratio | RSS Sluice / ref (MiB) | Δ metric | verdict |")
    print("|---|---|---|---:|---:|---:|---:|---|")
    for v in verdicts(rows):
        if v["verdict"] == "error":
            print(f"| {v['dataset']} | {v['algorithm']} | | | | | | error |")
            continue
        print(f"| {v['dataset']} | {v['algorithm']} | {v['reference']} | {v['fit']:.2f}× | {v['predict']:.2f}× | {v['rss'][0]:.0f} / {v['rss'][1]:.0f} "
              f"| {v['delta']:+.4f} ({v['key']}) | {v['verdict']} |")
    for r in rows:
        if r.get("read"):
            s = statistics.median(r["sluice_s"])
            print(f"\nCSV read ≤ 0.5× numpy.loadtxt: {s / r['numpy_s']:.2f}×: {'met' if s / r['numpy_s'] <= 0.5 else 'short'}.")


if __name__ == "__main__":
    main()
