#!/usr/bin/env python3
"""Crash consistency: `kill -9` during training and publishing, then recovery, side by side for two builds.

    python3 bench/killloop.py [--iterations 30] [--baseline PATH-TO-OLD-SLUICE] [--binary PATH]

A repository (made here, in bench/out/killloop-work) holds one model whose artifact is large (a fully grown
random forest on 20,000 noisy rows: tens of MB, so a kill often lands inside the write of model.json) and a
small iris decision tree. Each iteration changes the big model's seed (a new version), starts
`sluice apply`, sends SIGKILL after a random delay in [0, T] (T = the time of one undisturbed apply), then
runs a recovery `sluice apply` and checks:

- the recovery apply exits 0 and how long it takes;
- `sluice plan --detailed-exitcode` then exits 0 (converged);
- every published model.json hashes to the sha256 that its metadata.json names;
- `PRAGMA integrity_check` of the SQLite store is ok;
- temp files left in deploy/ and in the store (names containing ".tmp"), counted after the recovery.

Results: bench/out/killloop.json and Markdown on stdout for BENCHMARKS.md.
"""
import argparse
import glob
import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "out")
BINARY = os.path.join(ROOT, ".build", "release", "sluice")


def write_manifest(work, name, source, target, algorithm, params):
    m = {"apiVersion": "sluice.dev/v1", "kind": "Model", "metadata": {"name": name},
         "spec": {"task": "classification", "dataset": {"source": source, "target": target},
                  "algorithm": {"name": algorithm, "params": params},
                  "gate": {"accuracy": {"min": 0.3}},
                  "deploy": {"target": "directory", "path": f"deploy/{name}"}}}
    with open(os.path.join(work, "manifests", name + ".json"), "w") as f:
        json.dump(m, f)


def setup(work):
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(os.path.join(work, "manifests"))
    os.makedirs(os.path.join(work, "data"))
    shutil.copy(os.path.join(ROOT, "examples", "data", "iris.csv"), os.path.join(work, "data", "iris.csv"))
    rng = random.Random(11)
    with open(os.path.join(work, "data", "noisy.csv"), "w") as f:
        f.write("a,b,c,d,y\n")
        for _ in range(20000):
            xs = [rng.gauss(0, 1) for _ in range(4)]
            y = "p" if xs[0] + 0.5 * xs[1] + rng.gauss(0, 1.5) > 0 else "q"
            f.write(",".join(f"{x:.5f}" for x in xs) + f",{y}\n")
    write_manifest(work, "small", "data/iris.csv", "species", "decision_tree", {"maxDepth": 3})


def big(work, seed):
    write_manifest(work, "big", "data/noisy.csv", "y", "random_forest", {"nEstimators": 30, "seed": seed})


def run(binary, work, *args):
    t = time.monotonic()
    p = subprocess.run([binary, *args], cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return p.returncode, time.monotonic() - t, p.stderr


def consistent(work):
    for meta in glob.glob(os.path.join(work, "deploy", "*", "metadata.json")):
        with open(meta) as f:
            want = json.load(f)["artifact"]["sha256"]
        with open(os.path.join(os.path.dirname(meta), "model.json"), "rb") as f:
            if hashlib.sha256(f.read()).hexdigest() != want:
                return False
    return True


def temp_files(work):
    found = []
    for base in ("deploy", ".sluice"):
        for dirpath, _, files in os.walk(os.path.join(work, base)):
            found += [os.path.join(dirpath, n) for n in files if ".tmp" in n]
    return found


def loop(binary, iterations, label):
    work = os.path.join(OUT, "killloop-work-" + label.replace(" ", "-"))
    setup(work)
    big(work, 1)
    code, full, err = run(binary, work, "apply")
    if code != 0:
        raise SystemExit(f"{label}: first apply failed: {err}")
    rng = random.Random(5)
    rows = []
    for i in range(iterations):
        big(work, 100 + i)
        delay = rng.uniform(0, full)
        p = subprocess.Popen([binary, "apply"], cwd=work, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        killed = p.poll() is None
        if killed:
            p.send_signal(signal.SIGKILL)
        p.wait()
        orphans_before = len(temp_files(work))
        code, secs, err = run(binary, work, "apply")
        plan, _, _ = run(binary, work, "plan", "--detailed-exitcode")
        db = sqlite3.connect(os.path.join(work, ".sluice", "state.db"))
        integrity = db.execute("PRAGMA integrity_check").fetchone()[0]
        db.close()
        rows.append({"killed": killed, "delay": round(delay, 2), "recovery_exit": code, "recovery_s": round(secs, 2),
                     "plan_exit": plan, "consistent": consistent(work), "integrity": integrity,
                     "temp_before_recovery": orphans_before, "temp_after_recovery": len(temp_files(work)),
                     "error": err.strip()[-300:] if code else ""})
    return {"undisturbed_apply_s": round(full, 2), "iterations": rows}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--iterations", type=int, default=30)
    ap.add_argument("--binary", default=BINARY)
    ap.add_argument("--baseline")
    a = ap.parse_args()
    if not os.path.exists(a.binary):
        subprocess.run(["swift", "build", "-c", "release", "--product", "sluice"], cwd=ROOT, check=True)
    os.makedirs(OUT, exist_ok=True)
    results = {}
    for label, binary in [("this build", a.binary)] + ([("baseline", a.baseline)] if a.baseline else []):
        results[label] = loop(binary, a.iterations, label)
        print(label, "done", file=sys.stderr)
    with open(os.path.join(OUT, "killloop.json"), "w") as f:
        json.dump(results, f, indent=1)
    print("| build | iterations (killed) | recovery exit 0 | recovery median / max (s) | plan converged | "
          "artifacts consistent | integrity ok | temp files left after recovery (total) |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, r in results.items():
        it = r["iterations"]
        secs = [x["recovery_s"] for x in it]
        print(f"| {label} | {len(it)} ({sum(x['killed'] for x in it)}) | {sum(x['recovery_exit'] == 0 for x in it)} | "
              f"{statistics.median(secs):.2f} / {max(secs):.2f} | {sum(x['plan_exit'] == 0 for x in it)} | "
              f"{sum(x['consistent'] for x in it)} | {sum(x['integrity'] == 'ok' for x in it)} | "
              f"{it[-1]['temp_after_recovery']} |")


if __name__ == "__main__":
    main()
