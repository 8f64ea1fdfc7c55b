#!/usr/bin/env python3
"""Benchmark: what monitoring costs `sluice serve`, how fast a window report is, and Evidently beside it.

    python3 bench/monitor.py [--duration 15] [--rounds 3] [--rows 1000000] [--skip-evidently]

Three parts, in one run, on this machine:

1. **Serving with monitoring on vs off.** The 100-tree iris forest of bench/serve.py, `sluice serve`
   (release build) started with `--no-monitor`, then with monitoring on (defaults: every row counted,
   10 % of rows logged, at most 50 logged rows/s), alternating OFF/ON `--rounds` times so that machine
   noise falls on both. wrk c32 single-row infer requests for `--duration` seconds each: requests/s and
   p99; medians and the ON/OFF ratio.
2. **A window report over `--rows` recorded rows × 20 features.** A 20-feature logistic regression on a
   seeded synthetic dataset; `serve` records `--rows` rows sent as 1,000-row V2 requests (row log off:
   `--monitor-log-rows 0`, queue large enough not to drop, checked); then `GET /v2/models/m/monitor?window=24h`
   20 times: the median wall time of the report (aggregates merged, never a re-scan). Then the worst case of a
   24 h window, 1,440 one-minute buckets (the stored bucket copied into every minute of the last day), timed alike.
   Also `sluice monitor m --data FILE.csv` on the same rows (a full batch: read, score, count, judge).
3. **Evidently's DataDriftPreset** (pip, in bench/out/monitor-venv) on the same reference and current rows:
   the median of `--evidently-runs` runs (default 3), and the ratio to Sluice's report.

Results: bench/out/monitor.json, and Markdown on stdout for BENCHMARKS.md.
"""
import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serve as sv  # noqa: E402  (wrk, cpu accounting and boosting helpers)

sv.WORK = os.path.join(sv.OUT, "monitor-work")  # sv.wrk reads its scripts from here

ROOT = sv.ROOT
OUT = sv.OUT
WORK = os.path.join(OUT, "monitor-work")
VENV = os.path.join(OUT, "monitor-venv")
BINARY = sv.BINARY
FEATURES = 20
# Evidently 0.7.23 imports a pandas helper that pandas 3 removed: pin pandas 2.
PINS = ["evidently==0.7.23", "pandas==2.3.3", "numpy==2.4.6"]


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def setup(rows):
    if not shutil.which("wrk"):
        sh(["apt-get", "update", "-qq"])
        sh(["apt-get", "install", "-y", "-qq", "wrk"])
    py = os.path.join(VENV, "bin", "python")
    if subprocess.run([py, "-c", "import evidently, numpy, pandas"], capture_output=True).returncode != 0:
        sh([sys.executable, "-m", "venv", VENV])
        sh([os.path.join(VENV, "bin", "pip"), "install", "-q", "--disable-pip-version-check"] + PINS)
    sh(["swift", "build", "-c", "release", "--product", "sluice"], cwd=ROOT)
    shutil.rmtree(WORK, ignore_errors=True)
    for d in ("manifests", "data"):
        os.makedirs(os.path.join(WORK, d))
    shutil.copy(os.path.join(ROOT, "examples", "data", "iris.csv"), os.path.join(WORK, "data", "iris.csv"))
    with open(os.path.join(WORK, "v2_infer.lua"), "w") as f:
        f.write(sv.SCRIPTS["v2_infer.lua"] + sv.SUMMARY)
    # The 20-feature data: training rows and the current rows, from one seeded numpy generator.
    sh([py, "-c", GENERATE, WORK, str(rows)])
    iris = {"apiVersion": "sluice.dev/v1", "kind": "Model", "metadata": {"name": "iris"},
            "spec": {"task": "classification",
                     "dataset": {"source": "data/iris.csv", "test": "data/iris.csv", "target": "species"},
                     "algorithm": {"name": "random_forest", "params": {"nEstimators": 100, "seed": 42}},
                     "gate": {"accuracy": {"min": 0.9}}, "deploy": {"target": "directory", "path": "deploy/iris"}}}
    wide = {"apiVersion": "sluice.dev/v1", "kind": "Model", "metadata": {"name": "m"},
            "spec": {"task": "classification", "dataset": {"source": "data/train.csv", "target": "y"},
                     "algorithm": {"name": "logistic_regression"},
                     "gate": {"accuracy": {"min": 0.5}}, "deploy": {"target": "directory", "path": "deploy/m"}}}
    for name, m in (("iris", iris), ("m", wide)):
        with open(os.path.join(WORK, "manifests", f"{name}.json"), "w") as f:
            json.dump(m, f)
    sh([BINARY, "apply"], cwd=WORK, stdout=subprocess.DEVNULL)


GENERATE = r"""
import sys, numpy as np
work, rows = sys.argv[1], int(sys.argv[2])
g = np.random.default_rng(14)
def frame(n):
    x = g.normal(size=(n, 20))
    y = (x[:, 0] + 0.5 * x[:, 1] + g.normal(scale=0.5, size=n) > 0).astype(int)
    return x, y
for name, n in (("train", 20000), ("current", rows)):
    x, y = frame(n)
    if name == "current":
        x[:, 3] += 0.5  # one drifted feature, so both tools have something to find
    header = ",".join(f"f{i}" for i in range(20)) + ",y"
    np.savetxt(f"{work}/data/{name}.csv", np.column_stack([x, y]), delimiter=",", header=header, comments="",
               fmt=["%.6f"] * 20 + ["%d"])
"""

EVIDENTLY = r"""
import json, sys, time
import pandas as pd
from evidently import Report
from evidently.presets import DataDriftPreset
ref = pd.read_csv(sys.argv[1]).drop(columns=["y"])
cur = pd.read_csv(sys.argv[2]).drop(columns=["y"])
times = []
for _ in range(int(sys.argv[3])):
    t0 = time.perf_counter()
    snapshot = Report([DataDriftPreset()]).run(reference_data=ref, current_data=cur)
    snapshot.dict()
    times.append(time.perf_counter() - t0)
import evidently
print(json.dumps({"seconds": times, "version": evidently.__version__, "rows": len(cur)}))
"""


def start(args, port, nice):
    proc = subprocess.Popen([BINARY, "serve", "--port", str(port)] + args, cwd=WORK, stdout=subprocess.DEVNULL,
                            stderr=open(os.path.join(OUT, "monitor-serve.log"), "a"), start_new_session=True)
    sv.boost(proc.pid, nice)
    deadline = time.time() + 60
    while sv.get(port, "/v2/health/ready") != 200:
        if time.time() > deadline or proc.poll() is not None:
            proc.kill()
            raise SystemExit("sluice serve did not become ready; see bench/out/monitor-serve.log")
        time.sleep(0.1)
    return proc


def stop(proc):
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def overhead(port, duration, rounds, nice):
    runs = {"off": [], "on": []}
    for r in range(rounds):
        for mode in ("off", "on"):
            state = os.path.join(WORK, f"state-{r}")
            args = ["--repository", "deploy"] + (["--no-monitor"] if mode == "off" else ["--monitor-dir", state])
            proc = start(args, port, nice)
            sv.wrk(port, "/v2/models/iris/infer", "v2_infer.lua", 1, 4, 3, nice)  # warm-up
            pids = sv.tree(proc.pid)
            cpu0, t0 = sv.cpu_seconds(pids), time.time()
            res = sv.wrk(port, "/v2/models/iris/infer", "v2_infer.lua", 2, 32, duration, nice)
            res["server_cores"] = (sv.cpu_seconds(sv.tree(proc.pid)) - cpu0) / (time.time() - t0)
            if mode == "on":
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics") as m:
                    text = m.read().decode()
                res["dropped"] = sum(float(l.split()[-1]) for l in text.splitlines() if l.startswith("sluice_monitor_dropped_total"))
            stop(proc)
            runs[mode].append(res)
            print(f"  round {r + 1} {mode}: {res.get('rps', 0):.0f} req/s, p99 {res.get('p99_us', 0) / 1000:.2f} ms, "
                  f"errors {sv.errors(res)}, server {res['server_cores']:.2f} cores" + (f", dropped {res['dropped']:.0f}" if mode == "on" else ""),
                  flush=True)
    return runs


def post(port, path, body):
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", data=body, method="POST",
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=60) as r:
        return r.status, r.read()


def report_time(port, rows, nice):
    import csv
    state = os.path.join(WORK, "state-report")
    proc = start(["--repository", "deploy", "--monitor-dir", state, "--monitor-log-rows", "0"], port, nice)
    sent = 0
    batch = []
    t0 = time.time()
    with open(os.path.join(WORK, "data", "current.csv")) as f:
        reader = csv.reader(f)
        next(reader)
        for line in reader:
            batch.append([float(v) for v in line[:FEATURES]])
            if len(batch) == 1000:
                body = json.dumps({"inputs": [{"name": "input-0", "shape": [len(batch), FEATURES], "datatype": "FP64",
                                               "data": [v for row in batch for v in row]}]}).encode()
                post(port, "/v2/models/m/infer", body)
                sent += len(batch)
                batch = []
    send_seconds = time.time() - t0
    time.sleep(3)  # the writer flushes every second
    times, recorded = [], None
    for _ in range(20):
        t = time.perf_counter()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/models/m/monitor?window=24h", timeout=30) as r:
            doc = json.loads(r.read())
        times.append(time.perf_counter() - t)
        recorded = doc["stats"]["rows"]
    drifted = [f["name"] for f in doc["report"]["features"] if f["level"] == "breach"]
    stop(proc)
    day = day_of_buckets(port, state, nice)
    t = time.perf_counter()
    batch_run = subprocess.run([BINARY, "monitor", "m", "--data", "data/current.csv", "--json"], cwd=WORK, capture_output=True, text=True)
    batch_seconds = time.perf_counter() - t
    return {"sent": sent, "recorded": recorded, "send_seconds": send_seconds, "report_seconds": times,
            "report_median_ms": statistics.median(times) * 1000, "breached": drifted,
            "batch_data_seconds": batch_seconds, "batch_exit": batch_run.returncode, **day}


def day_of_buckets(port, state, nice):
    """The worst case of a 24 h window: 1,440 one-minute buckets. The stored bucket of the rows sent is copied
    into each minute of the last day (so the counts add up to 1,440 times the rows sent); the server is
    started again on that state and the report timed as before."""
    import sqlite3
    db = sqlite3.connect(os.path.join(state, "monitor.db"))
    model, version, _first, rows, blob = db.execute("SELECT model, version, start, rows, stats FROM buckets ORDER BY rows DESC").fetchone()
    now = int(time.time()) // 60 * 60
    db.execute("DELETE FROM buckets")
    db.executemany("INSERT INTO buckets (model, version, start, rows, stats) VALUES (?, ?, ?, ?, ?)",
                   [(model, version, now - 60 * i, rows, blob) for i in range(1440)])
    db.commit()
    db.close()
    proc = start(["--repository", "deploy", "--monitor-dir", state, "--monitor-log-rows", "0"], port, nice)
    times = []
    for _ in range(20):
        t = time.perf_counter()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v2/models/m/monitor?window=24h", timeout=30) as r:
            doc = json.loads(r.read())
        times.append(time.perf_counter() - t)
    stop(proc)
    return {"day_buckets": 1440, "day_rows": doc["stats"]["rows"], "day_report_median_ms": statistics.median(times) * 1000}


def evidently(rounds):
    py = os.path.join(VENV, "bin", "python")
    out = subprocess.run([py, "-c", EVIDENTLY, os.path.join(WORK, "data", "train.csv"), os.path.join(WORK, "data", "current.csv"),
                          str(rounds)], check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=15)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--port", type=int, default=18931)
    ap.add_argument("--boost", type=int, default=None)
    ap.add_argument("--skip-evidently", action="store_true")
    ap.add_argument("--skip-overhead", action="store_true", help="skip part 1 (monitoring on vs off)")
    ap.add_argument("--evidently-runs", type=int, default=3)
    a = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    setup(a.rows)
    print("serving with monitoring off and on:", flush=True)
    runs = {"off": [], "on": []} if a.skip_overhead else overhead(a.port, a.duration, a.rounds, a.boost)
    print("window report:", flush=True)
    rep = report_time(a.port, a.rows, a.boost)
    print(f"  day of buckets: {rep['day_rows']} rows in {rep['day_buckets']} buckets, report median {rep['day_report_median_ms']:.1f} ms", flush=True)
    print(f"  {rep['recorded']} rows recorded of {rep['sent']} sent; report median {rep['report_median_ms']:.1f} ms; "
          f"breached {rep['breached']}; --data batch {rep['batch_data_seconds']:.1f} s", flush=True)
    ev = None if a.skip_evidently else evidently(a.evidently_runs)
    result = {"machine": f"{platform.node()} {os.cpu_count()} cores", "build": "release", "overhead": runs, "report": rep, "evidently": ev}
    with open(os.path.join(OUT, "monitor.json"), "w") as f:
        json.dump(result, f, indent=2)
    med = lambda mode, k: statistics.median(r.get(k, 0) for r in runs[mode])
    print()
    if runs["off"]:
        print("| | requests/s (median) | p99 ms (median) |")
        print("|---|---:|---:|")
        for mode in ("off", "on"):
            print(f"| monitoring {mode} | {med(mode, 'rps'):.0f} | {med(mode, 'p99_us') / 1000:.2f} |")
        print(f"| on / off | {med('on', 'rps') / med('off', 'rps'):.3f} | {med('on', 'p99_us') / max(med('off', 'p99_us'), 1):.2f} |")
        print()
    print(f"Window report over {rep['recorded']:,} rows × {FEATURES} features: median {rep['report_median_ms']:.1f} ms (20 requests); "
          f"over a day of {rep['day_buckets']} one-minute buckets ({rep['day_rows']:,} rows): median {rep['day_report_median_ms']:.1f} ms.")
    if ev:
        e = statistics.median(ev["seconds"])
        print(f"Evidently {ev['version']} DataDriftPreset on the same {ev['rows']:,} rows: median {e:.2f} s "
              f"({e * 1000 / rep['report_median_ms']:.0f}× Sluice's report; {e / rep['batch_data_seconds']:.2f}× `sluice monitor --data`).")


if __name__ == "__main__":
    main()
