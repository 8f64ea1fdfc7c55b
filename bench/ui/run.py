#!/usr/bin/env python3
"""Benchmark: the web UI's pages (issue 16), server time and bytes, for 1,000 and 10,000 models.

    python3 bench/ui/run.py [--sizes 1000,10000] [--big-versions 500] [--runs 30] [--http-runs 30] [--out bench/out]

It builds the release `sluice-bench` (and `sluice`, for the HTTP part), then for each size runs
`sluice-bench ui --models N --big-versions V --runs K --store FILE`: a real SQLite store filled with N
synthetic models (three versions each with verdicts, publications, events, a condition; labels from
their manifests; one in ten monitored) and one model, `big`, with V versions; each page rendered K
times in process as the routes do, median and p90 in ms and the HTML's bytes (Sources/sluice-bench/
UIBench.swift). When this build has `sluice ui`, it then serves the same store file with it and times
the same pages over real HTTP on 127.0.0.1 (whole request: connect, route, render, transfer); without
it, that part is skipped with a note. Prints a Markdown table for BENCHMARKS.md and writes
bench/out/ui.json.

Targets (issue 16): /ui for 1,000 models < 50 ms server time (paginated at 100 rows); a model page
with 500 versions < 50 ms.
"""
import argparse
import http.client
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BIN = os.path.join(ROOT, ".build", "release")


def build(product):
    subprocess.run(["swift", "build", "-c", "release", "--product", product], cwd=ROOT, check=True)


def source_has_ui_command():
    """Whether the sources have `sluice ui` (another part of issue 16 adds it): no release build of
    `sluice` is made for nothing."""
    folder = os.path.join(ROOT, "Sources", "sluice")
    for name in os.listdir(folder):
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            if 'commandName: "ui"' in f.read():
                return True
    return False


def has_ui_command():
    """Whether the release `sluice` has `sluice ui --store`."""
    binary = os.path.join(BIN, "sluice")
    if not os.path.exists(binary):
        return False
    proc = subprocess.run([binary, "ui", "--help"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return proc.returncode == 0 and "--store" in proc.stdout


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port, path, timeout=30):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        r = conn.getresponse()
        body = r.read()
        return r.status, body
    finally:
        conn.close()


def time_http(store, pages, runs, workdir):
    """Serves `store` with `sluice ui` and times each page over HTTP; None when it does not start."""
    port = free_port()
    log = open(os.path.join(workdir, "ui.log"), "w")
    proc = subprocess.Popen([os.path.join(BIN, "sluice"), "ui", "--store", "sqlite:" + store, "--listen", f"127.0.0.1:{port}"],
                            cwd=workdir, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 30
        while True:
            try:
                status, _ = get(port, "/ui", timeout=5)
                if status == 200:
                    break
            except OSError:
                pass
            if time.time() > deadline or proc.poll() is not None:
                print(f"sluice ui did not serve /ui within 30 s; see {log.name}", file=sys.stderr)
                return None
            time.sleep(0.1)
        out = []
        for page in pages:
            get(port, page)  # warm
            times = []
            size = 0
            status = 0
            for _ in range(runs):
                start = time.perf_counter()
                status, body = get(port, page)
                times.append((time.perf_counter() - start) * 1000)
                size = len(body)
            times.sort()
            out.append({"page": page, "status": status, "bytes": size, "median_ms": statistics.median(times),
                        "p90_ms": times[min(len(times) - 1, len(times) * 9 // 10)]})
        return out
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def machine():
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    swift = subprocess.run(["swift", "--version"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout.splitlines()[0]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, stdout=subprocess.PIPE, text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "load": os.getloadavg()[0], "swift": swift, "commit": commit, "platform": platform.platform()}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--big-versions", type=int, default=500)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--http-runs", type=int, default=30)
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "out"))
    ap.add_argument("--no-build", action="store_true", help="use the release binaries as they are")
    args = ap.parse_args()
    if not args.no_build:
        build("sluice-bench")
        if source_has_ui_command():
            build("sluice")
    serve = source_has_ui_command() and has_ui_command()
    info = machine()
    results = []
    workdir = tempfile.mkdtemp(prefix="sluice-bench-ui-")
    try:
        for n in [int(s) for s in args.sizes.split(",")]:
            store = os.path.join(workdir, f"state-{n}.db")
            proc = subprocess.run([os.path.join(BIN, "sluice-bench"), "ui", "--models", str(n), "--big-versions", str(args.big_versions),
                                   "--runs", str(args.runs), "--store", store], stdout=subprocess.PIPE, text=True, check=True)
            r = json.loads(proc.stdout)
            r["http"] = time_http(store, [p["page"] for p in r["pages"]], args.http_runs, workdir) if serve else None
            results.append(r)
            print(f"{n} models: store {r['store_bytes'] / 1e6:.1f} MB, {r['records']:,} records, imported in {r['import_s']:.1f} s", file=sys.stderr)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "ui.json"), "w") as f:
        json.dump({"machine": info, "results": results}, f, indent=2)

    print(f"\n{info['cpu']}, {info['cores']} cores, 1-minute load {info['load']:.1f}, {info['swift']}, release build of {info['commit']}, "
          f"{args.runs} renders per page in process, {args.http_runs} requests over HTTP\n")
    http_cols = serve and any(r["http"] for r in results)
    head = "| models | page | status | bytes | in process, median (ms) | p90 (ms) |"
    rule = "|---:|---|---:|---:|---:|---:|"
    if http_cols:
        head += " HTTP `sluice ui`, median (ms) | p90 (ms) |"
        rule += "---:|---:|"
    print(head)
    print(rule)
    for r in results:
        by_page = {h["page"]: h for h in (r["http"] or [])}
        for p in r["pages"]:
            page = p["page"].replace("/ui/models/big", f"/ui/models/big ({r['big_versions']} versions)")
            line = f"| {r['models']:,} | `{page}` | {p['status']} | {p['bytes']:,} | {p['median_ms']:.1f} | {p['p90_ms']:.1f} |"
            if http_cols:
                h = by_page.get(p["page"])
                line += f" {h['median_ms']:.1f} | {h['p90_ms']:.1f} |" if h else " – | – |"
            print(line)
    if not serve:
        print("\nNot timed over HTTP: this build has no `sluice ui` command.")
    print("\nThe store's reads alone (SQLite, in process):\n")
    print("| models | read | median (ms) | p90 (ms) |")
    print("|---:|---|---:|---:|")
    for r in results:
        for x in r.get("reads", []):
            print(f"| {r['models']:,} | `{x['read']}` | {x['median_ms']:.1f} | {x['p90_ms']:.1f} |")


if __name__ == "__main__":
    main()
