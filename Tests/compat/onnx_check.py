"""ONNX export check (issue 17): every exportable algorithm x task, trained by the real `sluice`
binary over examples/data plus a synthetic set with missing values and a string feature whose
predict rows hold unseen categories, exported with `sluice export --format onnx`, then:

- onnx.checker.check_model(full_check=True) accepts the file, and re-serialising it with
  Python's protobuf gives the same bytes (the hand-written encoder writes canonical protobuf);
- onnxruntime's outputs equal `sluice predict --json` on the same rows: labels exactly,
  probabilities within 1e-9, regression values within 1e-9 (relative above 1); and, exported with
  `--opset-ml 3` (TreeEnsembleRegressor, whose sums are float32), within 1e-6, labels equal except
  where sluice's two best classes are within 1e-6;
- two exports of the same version are byte-identical;
- kNN and naive Bayes models are refused with exit code 1 and a message naming the model.

    python onnx_check.py --bin .build/debug/sluice --data examples/data
"""
import argparse
import csv
import json
import math
import os
import random
import shutil
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnxruntime as ort

TREES = {"decision_tree": {}, "random_forest": {"nEstimators": 10, "seed": 1},
         "extra_trees": {"nEstimators": 10, "seed": 1}, "gradient_boosting": {"maxIter": 20}}
CLASSIFIERS = dict(TREES, logistic_regression={})
REGRESSORS = dict(TREES, linear_regression={}, ridge={"alpha": 0.5})
TOLERANCE = 1e-9
# --opset-ml 3: TreeEnsembleRegressor outputs float32 (about 6e-8 relative).
FLOAT32_TOLERANCE = 1e-6


def header(path):
    with open(path, newline="") as f:
        return next(csv.reader(f))


def synthetic(path):
    """200 rows: two numbers (one with gaps), a colour with gaps, a class and a value."""
    rng = random.Random(17)
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["x1", "x2", "colour", "cls", "y"])
        for _ in range(200):
            x1 = rng.uniform(0, 10)
            x2 = rng.gauss(0, 1)
            colour = rng.choice(["red", "green", "blue", "yellow"])
            cls = "hi" if x1 + (2 if colour == "red" else 0) + x2 > 6 else ("mid" if x1 > 3 else "lo")
            y = 2 * x1 - 3 * x2 + {"red": 5, "green": 1, "blue": -2, "yellow": 0}[colour] + rng.gauss(0, 0.5)
            w.writerow(["" if rng.random() < 0.1 else f"{x1:.4f}", f"{x2:.4f}",
                        "" if rng.random() < 0.1 else colour, cls, f"{y:.4f}"])


def predict_rows(data, features, extra=()):
    """The dataset's rows restricted to `features`, plus `extra` rows (dicts)."""
    with open(data, newline="") as f:
        rows = [{k: r[k] for k in features} for r in csv.DictReader(f)]
    return rows + list(extra)


def write_rows(path, features, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(features)
        for r in rows:
            w.writerow([r[k] for k in features])


def missing(cell):
    return cell.strip() == "" or cell == "NA" or cell.lower() == "nan"


def feeds(session, rows):
    out = {}
    for i in session.get_inputs():
        if i.type == "tensor(string)":
            out[i.name] = np.array([["" if missing(r[i.name]) else r[i.name]] for r in rows], dtype=object)
        else:
            out[i.name] = np.array([[math.nan if missing(r[i.name]) else float(r[i.name])] for r in rows], dtype=np.float64)
    return out


def compare(name, task, model, path, rows, expected, tolerance, worst):
    """onnxruntime's outputs for `rows` against `sluice predict`'s; returns the failures. Labels must
    be equal, except (at float32 tolerance) where sluice's two best classes are within it."""
    session = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    names = [o.name for o in session.get_outputs()]
    got = dict(zip(names, session.run(None, feeds(session, rows))))
    if task == "regression":
        values = got["variable"]
        for r, e in enumerate(expected):
            d = abs(values[r][0] - e["prediction"])
            worst["variable"] = max(worst["variable"], d / max(1.0, abs(e["prediction"])))
            if d > tolerance * max(1.0, abs(e["prediction"])):
                return [f"{name}: row {r + 1}: onnxruntime {values[r][0]!r}, sluice {e['prediction']!r}"]
        return []
    label_node = next(n for n in model.graph.node if "label" in n.output)
    classes = [s.decode() for s in next(x for x in label_node.attribute if x.name == "values_strings").strings]
    for r, e in enumerate(expected):
        if sorted(classes) != sorted(e["probabilities"]):
            return [f"{name}: classes {classes} != sluice's {sorted(e['probabilities'])}"]
        label = got["label"][r]
        want = e["prediction"]
        same = label == want if isinstance(want, str) else float(label) == float(want)
        top = sorted(e["probabilities"].values(), reverse=True)
        near_tie = tolerance > TOLERANCE and len(top) > 1 and top[0] - top[1] <= tolerance
        deltas = [abs(got["probabilities"][r][k] - e["probabilities"][c]) for k, c in enumerate(classes)]
        worst["probabilities"] = max([worst["probabilities"]] + deltas)
        if (not same and not near_tie) or max(deltas) > tolerance:
            return [f"{name}: row {r + 1}: onnxruntime {label!r} {list(got['probabilities'][r])}, "
                    f"sluice {want!r} {e['probabilities']}"]
    return []


def run(bin, cwd, *args):
    return subprocess.run([bin, *args], cwd=cwd, capture_output=True, text=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--data", required=True)
    args = parser.parse_args()
    bin = os.path.abspath(args.bin)
    work = tempfile.mkdtemp(prefix="sluice-onnx-")
    try:
        return check(bin, os.path.abspath(args.data), work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def check(bin, data, work):
    os.makedirs(os.path.join(work, "manifests"))
    shutil.copytree(data, os.path.join(work, "data"))
    synthetic(os.path.join(work, "data", "synthetic.csv"))
    unseen = [{"x1": "", "x2": "0.5", "colour": "purple"}, {"x1": "4.2", "x2": "NA", "colour": ""},
              {"x1": "7", "x2": "-1.25", "colour": "Red"}, {"x1": "nan", "x2": "2", "colour": "teal"}]
    # name → (task, csv, target, features, extra predict rows)
    sets = {
        "iris": ("classification", "iris.csv", "species", None, ()),
        "cancer": ("classification", "breast_cancer.csv", "target", None, ()),
        "wine": ("classification", "wine.csv", "target", None, ()),
        "synth": ("classification", "synthetic.csv", "cls", ["x1", "x2", "colour"], unseen),
        "irisreg": ("regression", "iris.csv", "petal_width", ["sepal_length", "sepal_width", "petal_length", "species"],
                    [{"sepal_length": "5", "sepal_width": "", "petal_length": "1.5", "species": "unknown"}]),
        "synthreg": ("regression", "synthetic.csv", "y", ["x1", "x2", "colour"], unseen),
    }
    models = {}
    for key, (task, file, target, features, extra) in sets.items():
        features = features or [c for c in header(os.path.join(work, "data", file)) if c != target]
        algorithms = CLASSIFIERS if task == "classification" else REGRESSORS
        for algorithm, params in algorithms.items():
            models[f"{key}-{algorithm.replace('_', '-')}"] = (task, file, target, features, algorithm, params, extra)
    # Trees that are a single leaf (no split leaves minSamplesLeaf rows on both sides).
    for key, algorithm, params in [("synthreg", "gradient_boosting", {"maxIter": 3, "minSamplesLeaf": 150}),
                                   ("synth", "gradient_boosting", {"maxIter": 3, "minSamplesLeaf": 150}),
                                   ("synth", "decision_tree", {"minSamplesLeaf": 150})]:
        task, file, target, features, extra = sets[key]
        models[f"{key}-{algorithm.replace('_', '-')}-stump"] = (task, file, target, features, algorithm, params, extra)
    refused = {"iris-knn": "knn", "iris-naive-bayes": "naive_bayes"}
    for name, algorithm in refused.items():
        models[name] = ("classification", "iris.csv", "species", header(os.path.join(work, "data", "iris.csv"))[:4], algorithm, {}, ())
    for name, (task, file, target, features, algorithm, params, _) in models.items():
        manifest = {"apiVersion": "sluice.dev/v1", "kind": "Model", "metadata": {"name": name},
                    "spec": {"task": task, "dataset": {"source": f"data/{file}", "target": target, "features": features},
                             "algorithm": {"name": algorithm, "params": params},
                             "deploy": {"target": "directory", "path": f"deploy/{name}"}}}
        with open(os.path.join(work, "manifests", f"{name}.json"), "w") as f:
            json.dump(manifest, f)
    applied = run(bin, work, "apply")
    if applied.returncode != 0:
        print(applied.stdout, applied.stderr)
        return 1

    failures = []
    worst = {"probabilities": 0.0, "variable": 0.0}
    worst3 = {"probabilities": 0.0, "variable": 0.0}
    for name, (task, file, target, features, algorithm, params, extra) in models.items():
        a, b = os.path.join(work, f"{name}.a.onnx"), os.path.join(work, f"{name}.b.onnx")
        first = run(bin, work, "export", name, "--format", "onnx", "-o", a)
        if name in refused:
            if first.returncode != 1 or "cannot be exported to ONNX" not in first.stderr or name not in first.stderr:
                failures.append(f"{name}: expected a refusal with exit 1, got {first.returncode}: {first.stderr.strip()}")
            continue
        second = run(bin, work, "export", name, "--format", "onnx", "-o", b)
        if first.returncode or second.returncode:
            failures.append(f"{name}: export failed: {first.stderr.strip()} {second.stderr.strip()}")
            continue
        raw = open(a, "rb").read()
        if raw != open(b, "rb").read():
            failures.append(f"{name}: two exports differ")
        model = onnx.load_from_string(raw)
        try:
            onnx.checker.check_model(model, full_check=True)
        except Exception as e:  # noqa: BLE001 - report every checker complaint
            failures.append(f"{name}: check_model: {e}")
            continue
        if model.SerializeToString() != raw:
            failures.append(f"{name}: re-serialised by protobuf, the model's bytes differ (not canonical)")

        rows = predict_rows(os.path.join(work, "data", file), features, extra)
        rows_csv = os.path.join(work, f"{name}.rows.csv")
        write_rows(rows_csv, features, rows)
        predicted = run(bin, work, "predict", name, "-i", rows_csv, "--json")
        if predicted.returncode:
            failures.append(f"{name}: sluice predict failed: {predicted.stderr.strip()}")
            continue
        expected = json.loads(predicted.stdout)
        failures += compare(name, task, model, a, rows, expected, TOLERANCE, worst)
        # The fallback for older runtimes: TreeEnsembleRegressor's sums are float32.
        c = os.path.join(work, f"{name}.opset3.onnx")
        old = run(bin, work, "export", name, "--format", "onnx", "--opset-ml", "3", "-o", c)
        if old.returncode:
            failures.append(f"{name}: export --opset-ml 3 failed: {old.stderr.strip()}")
            continue
        model3 = onnx.load(c)
        try:
            onnx.checker.check_model(model3, full_check=True)
        except Exception as e:  # noqa: BLE001
            failures.append(f"{name} (opset-ml 3): check_model: {e}")
            continue
        failures += [f + " (opset-ml 3)" for f in compare(name, task, model3, c, rows, expected, FLOAT32_TOLERANCE, worst3)]
    exported = len(models) - len(refused)
    print(f"onnx check: {exported} models exported and compared, {len(refused)} refused; "
          f"largest |Δ| probabilities {worst['probabilities']:.3g}, regression (relative above 1) {worst['variable']:.3g}; "
          f"with --opset-ml 3 {worst3['probabilities']:.3g} and {worst3['variable']:.3g}")
    for f in failures:
        print("FAIL", f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
