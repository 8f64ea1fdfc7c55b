#!/usr/bin/env python3
"""Soak: `sluice serve` under a mix of valid and malformed requests, side by side for two builds.

    python3 bench/soak.py [--duration 60] [--workers 8] [--rounds 3] [--baseline PATH-TO-OLD-SLUICE] [--binary PATH]

One repository (made here, in bench/out/soak-work) holds three models: a 100-tree random forest on iris,
a kNN model on iris and a logistic regression on a table with a 500-valued text feature (one-hot). Each
binary serves it on 127.0.0.1 in turn; `--workers` processes (not threads: no GIL between them) send
requests over keep-alive connections for `--duration` seconds: 3 in 4 valid (single rows to the three
models), 1 in 4 malformed (truncated JSON, wrong shape, unknown datatype, unknown model, missing
inputs, a string where a number belongs). Recorded per binary: requests/s, p50/p99 of the valid and of the
malformed requests, errors (a 5xx, a refused or dropped connection, or a 2xx for a malformed request),
the server's RSS and open file descriptors before, right after and 10 s after the load. Rounds alternate
the order of the two builds; the table shows each build's median round.

Then, for each binary, the hostile requests of the reliability report (D1: ±1e308 to kNN; D17: ±1e308 to
logistic regression; D2: a wide one-hot request of 20,000 rows) are sent one by one: the answer code and
whether the server is still alive.

Results: bench/out/soak.json and Markdown on stdout for BENCHMARKS.md.
"""
import argparse
import http.client
import json
import multiprocessing
import os
import platform
import random
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "bench", "out")
WORK = os.path.join(OUT, "soak-work")
BINARY = os.path.join(ROOT, ".build", "release", "sluice")
PORT = 28470


def manifest(name, source, target, algorithm, params=None, features=None):
    dataset = {"source": source, "target": target}
    if features:
        dataset["features"] = features
    return {"apiVersion": "sluice.dev/v1", "kind": "Model", "metadata": {"name": name},
            "spec": {"task": "classification", "dataset": dataset,
                     "algorithm": {"name": algorithm, "params": params or {}},
                     "gate": {"accuracy": {"min": 0.3}},
                     "deploy": {"target": "directory", "path": f"deploy/{name}"}}}


def setup(binary):
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(os.path.join(WORK, "manifests"))
    os.makedirs(os.path.join(WORK, "data"))
    shutil.copy(os.path.join(ROOT, "examples", "data", "iris.csv"), os.path.join(WORK, "data", "iris.csv"))
    rng = random.Random(7)
    with open(os.path.join(WORK, "data", "cities.csv"), "w") as f:
        f.write("city,x,y\n")
        for i in range(3000):
            c = rng.randrange(500)
            x = rng.random()
            f.write(f"c{c},{x:.4f},{'a' if (c % 3 == 0) ^ (x > 0.8) else 'b'}\n")
    models = [manifest("iris", "data/iris.csv", "species", "random_forest", {"nEstimators": 100, "seed": 42}),
              manifest("knn", "data/iris.csv", "species", "knn"),
              manifest("cities", "data/cities.csv", "y", "logistic_regression")]
    for m in models:
        with open(os.path.join(WORK, "manifests", m["metadata"]["name"] + ".json"), "w") as f:
            json.dump(m, f)
    subprocess.run([binary, "apply"], cwd=WORK, check=True, stdout=subprocess.DEVNULL)


def body(inputs):
    return json.dumps({"inputs": inputs}).encode()


IRIS_ROW = [{"name": "input-0", "shape": [1, 4], "datatype": "FP64", "data": [5.9, 3.0, 5.1, 1.8]}]
CITY_ROW = [{"name": "city", "shape": [1, 1], "datatype": "BYTES", "data": ["c17"]},
            {"name": "x", "shape": [1, 1], "datatype": "FP64", "data": [0.3]}]
VALID = [("/v2/models/iris/infer", body(IRIS_ROW)), ("/v2/models/knn/infer", body(IRIS_ROW)),
         ("/v2/models/cities/infer", body(CITY_ROW))]
MALFORMED = [
    ("/v2/models/iris/infer", b'{"inputs": [{"name": "input-0", "shape": [1, 4], "datat'),
    ("/v2/models/iris/infer", body([{"name": "input-0", "shape": [1, 3], "datatype": "FP64", "data": [1, 2, 3]}])),
    ("/v2/models/iris/infer", body([{"name": "input-0", "shape": [1, 4], "datatype": "FP99", "data": [1, 2, 3, 4]}])),
    ("/v2/models/nope/infer", body(IRIS_ROW)),
    ("/v2/models/knn/infer", b'{"outputs": []}'),
    ("/v2/models/iris/infer", body([{"name": "input-0", "shape": [1, 4], "datatype": "FP64", "data": [1, "x", 3, 4]}])),
]
HOSTILE = [
    ("D1 kNN ±1e308", "/v2/models/knn/infer",
     body([{"name": "input-0", "shape": [1, 4], "datatype": "FP64", "data": [1e308, -1e308, 1e308, -1e308]}])),
    ("D17 logistic ±1e308", "/v2/models/cities/infer",
     body([{"name": "city", "shape": [1, 1], "datatype": "BYTES", "data": ["c1"]},
           {"name": "x", "shape": [1, 1], "datatype": "FP64", "data": [1e308]}])),
    ("D2 one-hot 20,000 rows", "/v2/models/cities/infer",
     body([{"name": "city", "shape": [20000], "datatype": "BYTES", "data": ["c%d" % (i % 500) for i in range(20000)]},
           {"name": "x", "shape": [20000], "datatype": "FP64", "data": [0.5] * 20000}])),
]


def worker(args):
    seed, seconds = args
    rng = random.Random(seed)
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    valid, bad, errors, n = [], [], 0, 0
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        is_bad = rng.random() < 0.25
        path, payload = rng.choice(MALFORMED if is_bad else VALID)
        t = time.perf_counter()
        try:
            conn.request("POST", path, payload, {"Content-Type": "application/json"})
            r = conn.getresponse()
            r.read()
            status = r.status
        except (OSError, http.client.HTTPException):
            status = None
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        dt = time.perf_counter() - t
        n += 1
        if status is None or status >= 500 or (is_bad and status < 400) or (not is_bad and status != 200):
            errors += 1
        (bad if is_bad else valid).append(dt)
    return valid, bad, errors, n


def proc_stats(pid):
    with open(f"/proc/{pid}/status") as f:
        rss = int(re.search(r"VmRSS:\s+(\d+) kB", f.read()).group(1)) / 1024
    return round(rss, 1), len(os.listdir(f"/proc/{pid}/fd"))


def alive():
    try:
        c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=2)
        c.request("GET", "/v2/health/live")
        return c.getresponse().status == 200
    except OSError:
        return False


def start(binary):
    proc = subprocess.Popen([binary, "serve", "--repository", os.path.join(WORK, "deploy"), "--port", str(PORT)],
                            cwd=WORK, stdout=subprocess.DEVNULL, stderr=open(os.path.join(OUT, "soak-serve.log"), "a"))
    for _ in range(100):
        if alive():
            return proc
        time.sleep(0.1)
    raise SystemExit(f"{binary}: server did not come up")


def stop(proc):
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)


def ms(xs, q):
    xs = sorted(xs)
    return round(xs[min(len(xs) - 1, int(q * len(xs)))] * 1000, 2) if xs else None


def soak(binary, seconds, workers, hostile_too=True):
    proc = start(binary)
    for path, payload in VALID:  # warm-up
        c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
        c.request("POST", path, payload, {"Content-Type": "application/json"})
        c.getresponse().read()
    before = proc_stats(proc.pid)
    t = time.monotonic()
    with multiprocessing.Pool(workers) as pool:
        parts = pool.map(worker, [(i, seconds) for i in range(workers)])
    wall = time.monotonic() - t
    after = proc_stats(proc.pid)
    time.sleep(10)
    idle = proc_stats(proc.pid)
    valid = [x for p in parts for x in p[0]]
    bad = [x for p in parts for x in p[1]]
    result = {"requests": sum(p[3] for p in parts), "rps": round(sum(p[3] for p in parts) / wall),
              "errors": sum(p[2] for p in parts), "p50_valid_ms": ms(valid, 0.5), "p99_valid_ms": ms(valid, 0.99),
              "p50_bad_ms": ms(bad, 0.5), "p99_bad_ms": ms(bad, 0.99),
              "rss_mb": [before[0], after[0], idle[0]], "fds": [before[1], after[1], idle[1]]}
    hostile = []
    for label, path, payload in (HOSTILE if hostile_too else []):
        try:
            c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
            c.request("POST", path, payload, {"Content-Type": "application/json"})
            r = c.getresponse()
            text = r.read()[:200].decode(errors="replace")
            status = r.status
        except (OSError, http.client.HTTPException) as e:
            status, text = None, type(e).__name__
        time.sleep(0.3)
        hostile.append({"case": label, "status": status, "body": text, "alive_after": alive()})
        if not alive():
            proc.wait(timeout=5)
            proc = start(binary)
    stop(proc)
    result["hostile"] = hostile
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--duration", type=int, default=60)
    ap.add_argument("--workers", type=int, default=8)
    ap.add_argument("--binary", default=BINARY)
    ap.add_argument("--baseline", help="an older sluice binary to run side by side")
    ap.add_argument("--rounds", type=int, default=3, help="rounds per build, in alternating order; the median is reported")
    a = ap.parse_args()
    if not os.path.exists(a.binary):
        subprocess.run(["swift", "build", "-c", "release", "--product", "sluice"], cwd=ROOT, check=True)
    os.makedirs(OUT, exist_ok=True)
    setup(a.binary)
    runs = [("this build", a.binary)] + ([("baseline", a.baseline)] if a.baseline else [])
    # Rounds alternate the order of the builds, so that a drift in the machine's load does not
    # favour one; the table gives each build's median round.
    rounds = {label: [] for label, _ in runs}
    for r in range(a.rounds):
        for label, binary in (runs if r % 2 == 0 else runs[::-1]):
            result = soak(binary, a.duration, a.workers, hostile_too=(r == 0))
            rounds[label].append(result)
            print(label, f"round {r + 1}", json.dumps(result), file=sys.stderr)
    results = {}
    for label, rs in rounds.items():
        by_rps = sorted(rs, key=lambda x: x["rps"])
        median = dict(by_rps[len(by_rps) // 2])
        median["hostile"] = rs[0]["hostile"]
        median["rounds_rps"] = [x["rps"] for x in rs]
        median["errors"] = sum(x["errors"] for x in rs)
        results[label] = median
    with open(os.path.join(OUT, "soak.json"), "w") as f:
        json.dump({"machine": platform.processor() or platform.machine(), "cores": os.cpu_count(),
                   "duration": a.duration, "workers": a.workers, "results": results}, f, indent=1)
    print(f"| build | req/s per round | median req/s | errors (all rounds) | p50 / p99 valid (ms) | p50 / p99 malformed (ms) | RSS before → after → idle (MiB) | fds |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for label, r in results.items():
        print(f"| {label} | {', '.join(f'{x:,}' for x in r['rounds_rps'])} | {r['rps']:,} | {r['errors']} | {r['p50_valid_ms']} / {r['p99_valid_ms']} | "
              f"{r['p50_bad_ms']} / {r['p99_bad_ms']} | {' → '.join(map(str, r['rss_mb']))} | {' → '.join(map(str, r['fds']))} |")
    print()
    print("| build | hostile request | answer | server alive after |")
    print("|---|---|---|---|")
    for label, r in results.items():
        for h in r["hostile"]:
            print(f"| {label} | {h['case']} | {h['status'] or 'no answer'} | {'yes' if h['alive_after'] else '**no**'} |")


if __name__ == "__main__":
    main()
