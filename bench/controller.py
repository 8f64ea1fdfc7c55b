#!/usr/bin/env python3
"""Benchmark: the controller (`sluice run`) at scale.

    python3 bench/controller.py [--sizes 1000,10000] [--runs 7] [--idle 60] [--out bench/out] [--baseline OLD_BINARY]

For each size N it generates N up-to-date manifests (as bench/plan_scale.py does: decision trees
over the example datasets), applies them once, then starts `sluice run` (release build) with a long
interval and measures:

- cycle time: cycles started with POST /reconcile, each timed by the controller itself (the
  `cycle.seconds` of its "cycle complete" log line); median of --runs;
- idle CPU (for the first size only): the controller's user+system CPU time over --idle seconds
  with the default 30 s interval, from /proc/PID/stat, as a percentage of one core; and its RSS;
- commit to published (first size only): the manifests in a git repository, the controller on a
  git source; one manifest changed and committed, then POST /reconcile (what a git host's push
  webhook does); time until that model's metadata.json names the new version. Median of --runs.

With --baseline, every measurement is repeated, in the same run and on the same repositories, with
another build (e.g. the release binary of an earlier commit), and printed side by side.

Results go to bench/out/controller.json and are printed as Markdown for BENCHMARKS.md.
"""
import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plan_scale as ps  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


class Controller:
    def __init__(self, cwd, args, binary=ps.BINARY):
        self.log_path = os.path.join(cwd, "controller.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([binary, "run", "--listen", "127.0.0.1:0", "--log-level", "debug"] + args,
                                     cwd=cwd, stdout=self.log, stderr=self.log)
        self.port = None
        deadline = time.time() + 60
        while self.port is None and time.time() < deadline:
            m = re.search(r"HTTP endpoint listening address=127\.0\.0\.1:(\d+)", self.text())
            if m:
                self.port = int(m.group(1))
            time.sleep(0.05)
        assert self.port, self.text()

    def text(self):
        with open(self.log_path) as f:
            return f.read()

    def get(self, path, method="GET"):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def wait_ready(self, timeout=1800):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if self.get("/readyz")[0] == 200:
                return
            time.sleep(0.2)
        raise RuntimeError("controller not ready:\n" + self.text()[-3000:])

    def cycles(self):
        return [float(x) for x in re.findall(r"cycle complete .*?cycle\.seconds=([0-9.]+)", self.text())]

    def cpu_seconds(self):
        with open(f"/proc/{self.proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS

    def rss_mib(self):
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
        return 0.0

    def stop(self):
        self.proc.terminate()
        code = self.proc.wait(timeout=60)
        self.log.close()
        assert code == 0, f"controller exited {code}"


def cycle_time(n, runs, binary=ps.BINARY, repo=None):
    if repo is None:
        repo = ps.scratch_repo(n)
        assert subprocess.run([ps.BINARY, "apply"], cwd=repo, stdout=subprocess.DEVNULL).returncode == 0
        time.sleep(1.1)  # digests of files written just now are cached once they are a second old
    c = Controller(repo, ["--interval", "3600"], binary)
    c.wait_ready()
    for _ in range(runs):
        before = len(c.cycles())
        assert c.get("/reconcile", "POST")[0] == 202
        while len(c.cycles()) == before:
            time.sleep(0.01)
    times = c.cycles()[-runs:]
    rss = c.rss_mib()
    c.stop()
    return {"models": n, "cycle_median_s": statistics.median(times), "cycle_min_s": min(times), "rss_mib": rss}, repo


def idle_cpu(repo, seconds, binary=ps.BINARY):
    c = Controller(repo, [], binary)  # the default 30 s interval
    c.wait_ready()
    time.sleep(1)
    cpu0, t0 = c.cpu_seconds(), time.time()
    time.sleep(seconds)
    cpu1, t1 = c.cpu_seconds(), time.time()
    cycles = len(c.cycles())
    rss = c.rss_mib()
    c.stop()
    return {"idle_seconds": t1 - t0, "cpu_percent": 100 * (cpu1 - cpu0) / (t1 - t0), "cycles": cycles, "rss_mib": rss}


def commit_to_publish(repo, runs, binary=ps.BINARY, label="controller", first=17):
    git = ["git", "-c", "user.email=bench@sluice.invalid", "-c", "user.name=bench"]
    if not os.path.isdir(os.path.join(repo, ".git")):
        with open(os.path.join(repo, ".gitignore"), "w") as f:
            f.write(".sluice/\ndeploy/\ncontroller.log\n")
        subprocess.check_call(git + ["init", "-q", "-b", "main"], cwd=repo)
        subprocess.check_call(git + ["add", "-A"], cwd=repo)
        subprocess.check_call(git + ["commit", "-q", "-m", "models"], cwd=repo)
    ctl = repo + "-" + label
    os.makedirs(ctl, exist_ok=True)
    c = Controller(ctl, ["--git", repo, "--branch", "main", "--path", "manifests", "--root", ctl, "--interval", "3600"], binary)
    c.wait_ready()
    times = []
    for r in range(runs):
        i = first + r
        path = os.path.join(repo, "manifests", f"m{i:05d}.json")
        with open(path) as f:
            m = json.load(f)
        m["spec"]["algorithm"]["params"]["maxDepth"] = 4
        with open(path, "w") as f:
            json.dump(m, f, indent=2)
        meta = os.path.join(ctl, "deploy", f"m{i:05d}", "metadata.json")
        with open(meta) as f:
            old = json.load(f)["version"]
        start = time.perf_counter()
        subprocess.check_call(git + ["commit", "-q", "-am", f"deeper tree for m{i:05d}"], cwd=repo)
        assert c.get("/reconcile", "POST")[0] == 202
        while True:
            try:
                with open(meta) as f:
                    if json.load(f)["version"] != old:
                        break
            except (OSError, ValueError):
                pass
            time.sleep(0.005)
        times.append(time.perf_counter() - start)
    c.stop()
    return {"models": 1000 if "01000" in repo else None, "commit_to_publish_median_s": statistics.median(times),
            "commit_to_publish_max_s": max(times), "runs": runs}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="1000,10000")
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--idle", type=float, default=60)
    p.add_argument("--out", default=os.path.join(ps.ROOT, "bench", "out"))
    p.add_argument("--baseline", help="another sluice binary measured alongside, on the same repositories")
    a = p.parse_args()
    baseline = os.path.abspath(a.baseline) if a.baseline else None
    subprocess.check_call(["swift", "build", "-c", "release", "--product", "sluice"], cwd=ps.ROOT, stdout=sys.stderr)
    sizes = [int(s) for s in a.sizes.split(",")]
    results = {"machine": ps.machine(), "baseline": baseline, "cycles": []}
    first_repo = None
    for n in sizes:
        row, repo = cycle_time(n, a.runs)
        if baseline:
            old, _ = cycle_time(n, a.runs, baseline, repo)
            row.update({"baseline_cycle_median_s": old["cycle_median_s"], "baseline_rss_mib": old["rss_mib"]})
        results["cycles"].append(row)
        first_repo = first_repo or (repo, n)
        print(f"{n} models: cycle {row['cycle_median_s']*1000:.0f} ms", file=sys.stderr)
    repo, n = first_repo
    results["idle"] = dict(idle_cpu(repo, a.idle), models=n)
    results["commit"] = dict(commit_to_publish(repo, a.runs), models=n)
    if baseline:
        results["baseline_idle"] = dict(idle_cpu(repo, a.idle, baseline), models=n)
        results["baseline_commit"] = dict(commit_to_publish(repo, a.runs, baseline, "baseline", 17 + a.runs), models=n)
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "controller.json"), "w") as f:
        json.dump(results, f, indent=2)
    m = results["machine"]
    print(f"Machine: {m['cpu']}, {m['cores']} cores, {m['swift']}, 1-min load {m['load_1m']:.1f}; release build.\n")
    print("| up-to-date models | cycle time (median of %d) | fastest | controller RSS |" % a.runs)
    print("|---|---|---|---|")
    for r in results["cycles"]:
        print(f"| {r['models']:,} | {r['cycle_median_s']*1000:.0f} ms | {r['cycle_min_s']*1000:.0f} ms | {r['rss_mib']:.0f} MiB |")
    i = results["idle"]
    print(f"\nIdle, {i['models']:,} up-to-date models, default 30 s interval: {i['cpu_percent']:.2f}% of one core "
          f"over {i['idle_seconds']:.0f} s ({i['cycles']} cycles), RSS {i['rss_mib']:.0f} MiB.")
    c = results["commit"]
    print(f"\nCommit to published, one changed model among {c['models']:,} (git source, push webhook → POST /reconcile): "
          f"median {c['commit_to_publish_median_s']*1000:.0f} ms, slowest {c['commit_to_publish_max_s']*1000:.0f} ms over {c['runs']} commits.")
    if baseline:
        bi, bc = results["baseline_idle"], results["baseline_commit"]
        print(f"\nSide by side with {baseline} (same repositories, same run):\n")
        print("| measure | this build | baseline | ratio |")
        print("|---|---:|---:|---:|")
        for r in results["cycles"]:
            print(f"| cycle, {r['models']:,} up-to-date models (median) | {r['cycle_median_s']*1000:.0f} ms | "
                  f"{r['baseline_cycle_median_s']*1000:.0f} ms | {r['cycle_median_s'] / r['baseline_cycle_median_s']:.2f}× |")
            print(f"| controller RSS, {r['models']:,} models | {r['rss_mib']:.0f} MiB | {r['baseline_rss_mib']:.0f} MiB | "
                  f"{r['rss_mib'] / r['baseline_rss_mib']:.2f}× |")
        print(f"| idle CPU, {i['models']:,} models, 30 s interval | {i['cpu_percent']:.2f}% | {bi['cpu_percent']:.2f}% | — |")
        print(f"| commit to published (median) | {c['commit_to_publish_median_s']*1000:.0f} ms | "
              f"{bc['commit_to_publish_median_s']*1000:.0f} ms | {c['commit_to_publish_median_s'] / bc['commit_to_publish_median_s']:.2f}× |")


if __name__ == "__main__":
    main()
