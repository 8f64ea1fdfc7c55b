#!/usr/bin/env python3
"""Benchmark: how long a no-op `sluice plan` takes for N up-to-date manifests, and how `sluice
apply` of the iris manifest compares with the seed's own Python script.

    python3 bench/plan_scale.py [--sizes 100,1000,10000] [--runs 5] [--out bench/out] [--baseline OLD_BINARY]

It builds the release binary, generates N manifests (decision trees over iris, wine and
breast_cancer from examples/data, a third of each), applies them once, then times whole-process
`sluice plan --detailed-exitcode` runs (exit 0 = nothing to do), and records medians and peak RSS.
For the iris comparison it times, in the same run, `sluice apply` on a fresh store against
`python seed_example.py --csv iris.csv` (scikit-learn's RandomForestClassifier, same 0.3 split,
pickle round trip), installing scikit-learn with pip if it is missing.

With --baseline, the no-op plans of another build (e.g. the release binary of an earlier commit) are
timed in the same run, on the same repositories, alternating with this build's, and printed side by
side with the ratio of the medians.

Results go to bench/out/plan_scale.json and are printed as Markdown for BENCHMARKS.md.
"""
import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BINARY = os.path.join(ROOT, ".build", "release", "sluice")
DATASETS = [("iris", "examples/data/iris.csv", "species"), ("wine", "examples/data/wine.csv", "target"),
            ("breast_cancer", "examples/data/breast_cancer.csv", "target")]


def run_timed(args, cwd):
    """Runs a command under GNU time; returns (wall seconds, peak RSS in MiB, exit code).

    The peak RSS comes from /usr/bin/time -f %M, whose own small footprint is what the child
    inherits (ru_maxrss carries the forking parent's high-water mark across exec)."""
    start = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-f", "%M"] + args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - start
    rss = int(proc.stderr.strip().splitlines()[-1]) / 1024.0
    return wall, rss, proc.returncode


def manifest(i):
    name, source, target = DATASETS[i % len(DATASETS)]
    return {
        "apiVersion": "sluice.dev/v1", "kind": "Model",
        "metadata": {"name": f"{name.replace('_', '-')}-{i:05d}"},
        "spec": {
            "task": "classification",
            "dataset": {"source": source, "target": target, "split": {"testFraction": 0.25, "seed": i % 7}},
            "algorithm": {"name": "decision_tree", "params": {"maxDepth": 3, "seed": i}},
            "gate": {"accuracy": {"min": 0.5}},
            "deploy": {"target": "directory", "path": f"deploy/m{i:05d}"},
        },
    }


def scratch_repo(n):
    d = tempfile.mkdtemp(prefix=f"sluice-bench-{n}-")
    os.makedirs(os.path.join(d, "examples"))
    shutil.copytree(os.path.join(ROOT, "examples", "data"), os.path.join(d, "examples", "data"))
    os.makedirs(os.path.join(d, "manifests"))
    for i in range(n):
        with open(os.path.join(d, "manifests", f"m{i:05d}.json"), "w") as f:
            json.dump(manifest(i), f, indent=2)
    return d


def plan_scale(sizes, runs, baseline=None):
    rows = []
    for n in sizes:
        repo = scratch_repo(n)
        try:
            t, rss, code = run_timed([BINARY, "apply"], repo)
            assert code == 0, f"apply of {n} manifests exited {code}"
            # Digests of datasets written just now are cached only once they are a second old.
            time.sleep(1.1)
            run_timed([BINARY, "plan"], repo)
            times, peaks, old_times, old_peaks = [], [], [], []
            for _ in range(runs):
                wall, peak, code = run_timed([BINARY, "plan", "--detailed-exitcode"], repo)
                assert code == 0, f"plan of {n} up-to-date manifests exited {code} (expected 0: no changes)"
                times.append(wall)
                peaks.append(peak)
                if baseline:
                    wall, peak, code = run_timed([baseline, "plan", "--detailed-exitcode"], repo)
                    assert code == 0, f"baseline plan of {n} up-to-date manifests exited {code}"
                    old_times.append(wall)
                    old_peaks.append(peak)
            row = {"n": n, "apply_s": t, "apply_rss_mib": rss, "plan_median_s": statistics.median(times),
                   "plan_min_s": min(times), "plan_max_s": max(times), "plan_rss_mib": max(peaks), "runs": runs}
            if baseline:
                row.update({"baseline_plan_median_s": statistics.median(old_times), "baseline_plan_rss_mib": max(old_peaks)})
            rows.append(row)
            print(f"n={n}: apply {t:.2f}s, plan median {statistics.median(times) * 1000:.0f} ms", file=sys.stderr)
        finally:
            shutil.rmtree(repo, ignore_errors=True)
    return rows


def iris_vs_seed(runs):
    try:
        import sklearn  # noqa: F401
    except ImportError:
        subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", "scikit-learn"])
    seed = None
    for candidate in [os.path.join(ROOT, "..", "shared", "reference", "seed_example.py"), os.path.join(ROOT, "bench", "seed_example.py")]:
        if os.path.exists(candidate):
            seed = os.path.abspath(candidate)
            break
    sluice, python = [], []
    for _ in range(runs):
        repo = tempfile.mkdtemp(prefix="sluice-bench-iris-")
        try:
            shutil.copytree(os.path.join(ROOT, "manifests"), os.path.join(repo, "manifests"))
            os.makedirs(os.path.join(repo, "examples"))
            shutil.copytree(os.path.join(ROOT, "examples", "data"), os.path.join(repo, "examples", "data"))
            wall, rss, code = run_timed([BINARY, "apply"], repo)
            assert code == 0
            sluice.append((wall, rss))
            if seed:
                wall, rss, code = run_timed([sys.executable, seed, "--csv", os.path.join(ROOT, "examples", "data", "iris.csv")], repo)
                assert code == 0
                python.append((wall, rss))
        finally:
            shutil.rmtree(repo, ignore_errors=True)
    out = {"runs": runs, "sluice_apply_median_s": statistics.median(w for w, _ in sluice), "sluice_rss_mib": max(r for _, r in sluice)}
    if python:
        out["seed_python_median_s"] = statistics.median(w for w, _ in python)
        out["seed_python_rss_mib"] = max(r for _, r in python)
        out["ratio"] = out["sluice_apply_median_s"] / out["seed_python_median_s"]
    return out


def machine():
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    swift = subprocess.run(["swift", "--version"], capture_output=True, text=True).stdout.splitlines()[0]
    return {"cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(), "swift": swift,
            "python": platform.python_version(), "load_1m": os.getloadavg()[0]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="100,1000,10000")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", default=os.path.join(ROOT, "bench", "out"))
    parser.add_argument("--baseline", help="another sluice binary whose no-op plans are timed alongside")
    args = parser.parse_args()
    subprocess.check_call(["swift", "build", "-c", "release", "--product", "sluice"], cwd=ROOT, stdout=sys.stderr)
    baseline = os.path.abspath(args.baseline) if args.baseline else None
    result = {"machine": machine(), "baseline": baseline,
              "plan": plan_scale([int(s) for s in args.sizes.split(",")], args.runs, baseline),
              "iris": iris_vs_seed(args.runs)}
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "plan_scale.json"), "w") as f:
        json.dump(result, f, indent=2)
    m = result["machine"]
    print(f"Machine: {m['cpu']}, {m['cores']} cores, {m['swift']}, Python {m['python']}, 1-min load {m['load_1m']:.1f}; release build.\n")
    print("| manifests | first apply (s) | no-op plan, median (ms) | min–max (ms) | peak RSS (MiB) | ms per manifest |")
    print("|---:|---:|---:|---:|---:|---:|")
    for r in result["plan"]:
        print(f"| {r['n']:,} | {r['apply_s']:.1f} | {r['plan_median_s'] * 1000:.0f} | {r['plan_min_s'] * 1000:.0f}–{r['plan_max_s'] * 1000:.0f} "
              f"| {r['plan_rss_mib']:.0f} | {r['plan_median_s'] * 1000 / r['n']:.3f} |")
    if baseline:
        print(f"\nSide by side with {baseline} (same repositories, runs alternating):\n")
        print("| manifests | no-op plan, this build (ms) | baseline (ms) | ratio | peak RSS this / baseline (MiB) |")
        print("|---:|---:|---:|---:|---:|")
        for r in result["plan"]:
            print(f"| {r['n']:,} | {r['plan_median_s'] * 1000:.0f} | {r['baseline_plan_median_s'] * 1000:.0f} "
                  f"| {r['plan_median_s'] / r['baseline_plan_median_s']:.2f}× | {r['plan_rss_mib']:.0f} / {r['baseline_plan_rss_mib']:.0f} |")
    i = result["iris"]
    print(f"\nIris, whole process, median of {i['runs']}: `sluice apply` (fresh store: train 100 trees, gate, publish) "
          f"{i['sluice_apply_median_s'] * 1000:.0f} ms, {i['sluice_rss_mib']:.0f} MiB peak RSS", end="")
    if "seed_python_median_s" in i:
        print(f"; the seed's `python seed_example.py --csv iris.csv` {i['seed_python_median_s'] * 1000:.0f} ms, "
              f"{i['seed_python_rss_mib']:.0f} MiB; ratio {i['ratio']:.2f}×.")
    else:
        print(".")


if __name__ == "__main__":
    main()
