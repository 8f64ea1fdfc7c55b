#!/usr/bin/env python3
"""Benchmark: `sluice serve` against MLServer and gunicorn+Flask serving the same model.

    python3 bench/serve.py [--duration 15] [--only sluice,mlserver-default] [--boost -10]

The model: a 100-tree random forest on all 150 iris rows, seed 42 — trained by Sluice for
`sluice serve`, by scikit-learn (RandomForestClassifier(n_estimators=100, random_state=42)) for
the others. Every server listens on 127.0.0.1 and is started and stopped here. For each, after a
3 s warm-up, wrk (Debian package) sends single-row infer requests:

- c32: `wrk -t2 -c32 -d15s` — throughput;  c1: `wrk -t1 -c1 -d15s` — latency;
- health: `wrk -t2 -c32 -d10s` on the health route — the HTTP stack alone.

It records requests/s, p50/p90/p99 latency, errors (socket and non-2xx), the CPU the server
(all its processes) and wrk used, and the server's RSS. Then `sluice serve` with 10 models
loaded (10 forests, different seeds), after one request to each and a c32 run: its RSS and peak.

Installs what is missing: wrk (apt), a venv in bench/out/serve-venv with the versions of
../shared/reference/serving (scikit-learn 1.9.1, Flask 3.1.3, gunicorn 27.0.1, MLServer 1.7.1
with uvloop<0.22, see SeldonIO/MLServer#2286), and a release build of sluice.
`--boost N` sets the autogroup nice of the server's and wrk's sessions (Linux autogroup
scheduling makes plain nice useless against other sessions' jobs on a shared machine).

Results: bench/out/serve.json, and Markdown on stdout for BENCHMARKS.md.
"""
import argparse
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HERE = os.path.join(ROOT, "bench", "serving")
OUT = os.path.join(ROOT, "bench", "out")
WORK = os.path.join(OUT, "serve-work")
VENV = os.path.join(OUT, "serve-venv")
BINARY = os.path.join(ROOT, ".build", "release", "sluice")
TICK = os.sysconf("SC_CLK_TCK")
PINS = ["scikit-learn==1.9.1", "joblib==1.6.0", "numpy==2.4.6", "flask==3.1.3", "gunicorn==27.0.1",
        "mlserver==1.7.1", "mlserver-sklearn==1.7.1", "uvloop<0.22"]
# wrk scripts (as in ../shared/reference/serving): one single-row request per call, and a summary
# line at the end; written into the work directory by setup().
SUMMARY = r"""
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "JSON {\"requests\":%d,\"duration_us\":%d,\"rps\":%.1f,\"p50_us\":%d,\"p90_us\":%d,\"p99_us\":%d,\"max_us\":%d,\"mean_us\":%.1f,\"err_connect\":%d,\"err_read\":%d,\"err_write\":%d,\"err_status\":%d,\"err_timeout\":%d}\n",
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean,
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""
POST_JSON = 'wrk.method = "POST"\nwrk.headers["Content-Type"] = "application/json"\n'
SCRIPTS = {
    "v2_infer.lua": POST_JSON + """wrk.body = '{"inputs": [{"name": "input-0", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}]}'\n""",
    "predict.lua": POST_JSON + """wrk.body = '{"instances": [[5.1, 3.5, 1.4, 0.2]]}'\n""",
    "get.lua": 'wrk.method = "GET"\n',
}
V2 = ("/v2/models/iris/infer", "v2_infer.lua", "/v2/health/ready")
FLASK = ("/predict", "predict.lua", "/health")


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def setup():
    if not shutil.which("wrk"):
        sh(["apt-get", "update", "-qq"])
        sh(["apt-get", "install", "-y", "-qq", "wrk"])
    py = os.path.join(VENV, "bin", "python")
    if subprocess.run([py, "-c", "import sklearn, flask, gunicorn, mlserver, mlserver_sklearn"], capture_output=True).returncode != 0:
        sh([sys.executable, "-m", "venv", VENV])
        sh([os.path.join(VENV, "bin", "pip"), "install", "-q", "--disable-pip-version-check"] + PINS)
    if not os.path.exists(BINARY):
        sh(["swift", "build", "-c", "release", "--product", "sluice"], cwd=ROOT)
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(os.path.join(WORK, "manifests"))
    os.makedirs(os.path.join(WORK, "data"))
    shutil.copy(os.path.join(ROOT, "examples", "data", "iris.csv"), os.path.join(WORK, "data", "iris.csv"))
    for name, text in SCRIPTS.items():
        with open(os.path.join(WORK, name), "w") as f:
            f.write(text + SUMMARY)

    def manifest(name, seed, deploy):
        return {"apiVersion": "sluice.dev/v1", "kind": "Model", "metadata": {"name": name},
                "spec": {"task": "classification",
                         "dataset": {"source": "data/iris.csv", "test": "data/iris.csv", "target": "species"},
                         "algorithm": {"name": "random_forest", "params": {"nEstimators": 100, "seed": seed}},
                         "gate": {"accuracy": {"min": 0.9}},
                         "deploy": {"target": "directory", "path": deploy}}}
    with open(os.path.join(WORK, "manifests", "iris.json"), "w") as f:
        json.dump(manifest("iris", 42, "deploy/iris"), f)
    for i in range(10):
        with open(os.path.join(WORK, "manifests", f"iris{i}.json"), "w") as f:
            json.dump(manifest(f"iris{i}", 100 + i, f"deploy10/iris{i}"), f)
    sh([BINARY, "apply"], cwd=WORK, stdout=subprocess.DEVNULL)
    sh([os.path.join(VENV, "bin", "python"), os.path.join(HERE, "train_sklearn.py"), os.path.join(WORK, "mlserver-repo", "iris")])


def servers(port):
    venv_bin = os.path.join(VENV, "bin")
    ml = {"MLSERVER_HOST": "127.0.0.1", "MLSERVER_HTTP_PORT": str(port), "MLSERVER_GRPC_PORT": str(port + 1),
          "MLSERVER_METRICS_PORT": str(port + 2)}
    model = os.path.join(WORK, "mlserver-repo", "iris", "model.joblib")
    return {
        "sluice": dict(cmd=[BINARY, "serve", "--repository", os.path.join(WORK, "deploy"), "--port", str(port)],
                       env={}, cwd=WORK, routes=V2, note="sluice serve (release build), 100-tree forest trained by Sluice"),
        "mlserver-default": dict(cmd=[os.path.join(venv_bin, "mlserver"), "start", os.path.join(WORK, "mlserver-repo")],
                                 env=ml, cwd=WORK, routes=V2, note="MLServer 1.7.1 defaults (1 inference worker process)"),
        "mlserver-workers2": dict(cmd=[os.path.join(venv_bin, "mlserver"), "start", os.path.join(WORK, "mlserver-repo")],
                                  env={**ml, "MLSERVER_PARALLEL_WORKERS": "2", "MLSERVER_DEBUG": "false"}, cwd=WORK, routes=V2,
                                  note="MLServer 1.7.1, 2 inference workers, debug off"),
        "gunicorn-gthread-w2t4": dict(cmd=[os.path.join(venv_bin, "gunicorn"), "-w", "2", "-k", "gthread", "--threads", "4",
                                           "-b", f"127.0.0.1:{port}", "flask_app:app"],
                                      env={"MODEL_PATH": model}, cwd=HERE, routes=FLASK,
                                      note="gunicorn 27, 2 workers × 4 threads, Flask 3 /predict"),
    }


def tree(pid):
    """pid and all its descendants."""
    children = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children.setdefault(ppid, []).append(int(entry))
            except (OSError, IndexError, ValueError):
                pass
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def cpu_seconds(pids):
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total / TICK


def rss_kb(pids, field="VmRSS"):
    total = 0
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                m = re.search(rf"{field}:\s+(\d+) kB", f.read())
            total += int(m.group(1)) if m else 0
        except OSError:
            pass
    return total


def boost(pid, nice):
    if nice is not None:
        try:
            with open(f"/proc/{pid}/autogroup", "w") as f:
                f.write(str(nice))
        except OSError as e:
            print(f"cannot boost {pid}: {e}", file=sys.stderr)


def get(port, path):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as r:
            return r.status
    except Exception:
        return None


def wrk(port, path, script, threads, conns, seconds, nice):
    cmd = ["wrk", f"-t{threads}", f"-c{conns}", f"-d{seconds}s", "--latency", "-s", os.path.join(WORK, script),
           f"http://127.0.0.1:{port}{path}"]
    before = os.times()
    proc = subprocess.Popen(["timeout", str(seconds + 30)] + cmd, stdout=subprocess.PIPE, text=True, start_new_session=True)
    boost(proc.pid, nice)
    out, _ = proc.communicate()
    after = os.times()
    m = re.search(r"^JSON (\{.*\})$", out, re.M)
    result = json.loads(m.group(1)) if m else {"error": out[-500:]}
    result["wrk_cpu"] = (after.children_user - before.children_user + after.children_system - before.children_system)
    return result


def measure(name, spec, port, duration, nice):
    log = open(os.path.join(OUT, f"serve-{name}.log"), "w")
    proc = subprocess.Popen(spec["cmd"], cwd=spec["cwd"], env={**os.environ, **spec["env"]}, stdout=log, stderr=log,
                            start_new_session=True)
    boost(proc.pid, nice)
    path, script, health = spec["routes"]
    deadline = time.time() + 90
    while get(port, health) != 200:
        if time.time() > deadline or proc.poll() is not None:
            proc.kill()
            raise SystemExit(f"{name} did not become ready; see bench/out/serve-{name}.log")
        time.sleep(0.2)
    time.sleep(1)
    wrk(port, path, script, 1, 4, 3, nice)  # warm-up
    results = {"note": spec["note"]}
    for label, p, s, t, c, d in [("c32", path, script, 2, 32, duration), ("c1", path, script, 1, 1, duration),
                                  ("health", health, "get.lua", 2, 32, max(duration * 2 // 3, 3))]:
        pids = tree(proc.pid)
        cpu0, t0 = cpu_seconds(pids), time.time()
        r = wrk(port, p, s, t, c, d, nice)
        pids = tree(proc.pid)
        r["server_cores"] = (cpu_seconds(pids) - cpu0) / (time.time() - t0)
        r["wrk_cores"] = r.pop("wrk_cpu") / (time.time() - t0)
        r["server_rss_mb"] = rss_kb(pids) / 1024
        results[label] = r
        print(f"  {name} {label}: {r.get('rps', 0):.0f} req/s, p50 {r.get('p50_us', 0) / 1000:.2f} ms, "
              f"p99 {r.get('p99_us', 0) / 1000:.2f} ms, errors {errors(r)}, server {r['server_cores']:.2f} cores", flush=True)
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    results["exit"] = proc.returncode
    return results


def ten_models(port, nice):
    proc = subprocess.Popen([BINARY, "serve", "--repository", os.path.join(WORK, "deploy10"), "--port", str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    boost(proc.pid, nice)
    while get(port, "/v2/health/ready") != 200:
        time.sleep(0.1)
    body = json.dumps({"inputs": [{"name": "input-0", "shape": [1, 4], "datatype": "FP32", "data": [5.1, 3.5, 1.4, 0.2]}]}).encode()
    for i in range(10):
        req = urllib.request.Request(f"http://127.0.0.1:{port}/v2/models/iris{i}/infer", data=body, method="POST")
        with urllib.request.urlopen(req) as r:
            assert r.status == 200
    idle = rss_kb([proc.pid]) / 1024
    load = wrk(port, "/v2/models/iris3/infer", "v2_infer.lua", 2, 32, 5, nice)
    after, peak = rss_kb([proc.pid]) / 1024, rss_kb([proc.pid], "VmHWM") / 1024
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=20)
    return {"models": 10, "rss_mb_after_load": idle, "rss_mb_after_c32": after, "peak_rss_mb": peak, "c32_rps": load.get("rps")}


def errors(r):
    return sum(r.get(k, 0) for k in ("err_connect", "err_read", "err_write", "err_status", "err_timeout"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--duration", type=int, default=15)
    parser.add_argument("--only", default="")
    parser.add_argument("--boost", type=int, default=None, help="autogroup nice for the server and wrk (e.g. -10)")
    args = parser.parse_args()
    setup()
    chosen = [n for n in servers(0) if not args.only or n in args.only.split(",")]
    results = {"machine": f"{platform.node()} {os.cpu_count()} cores, {platform.platform()}",
               "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "duration": args.duration, "boost": args.boost,
               "servers": {}}
    for k, name in enumerate(chosen):
        port = 18300 + 10 * k
        print(f"{name} on :{port}", flush=True)
        results["servers"][name] = measure(name, servers(port)[name], port, args.duration, args.boost)
    if "sluice" in chosen:
        results["sluice_10_models"] = ten_models(18390, args.boost)
        print(f"  sluice with 10 models: {results['sluice_10_models']}")
    with open(os.path.join(OUT, "serve.json"), "w") as f:
        json.dump(results, f, indent=2)
    report(results)


def report(results):
    s = results["servers"]
    print(f"\n{results['when']}, {results['machine']}, {results['duration']} s per run, boost {results['boost']}\n")
    print("| server | load | req/s | p50 ms | p90 ms | p99 ms | errors | server cores | wrk cores | RSS MB |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, r in s.items():
        for label in ("c32", "c1", "health"):
            m = r[label]
            print(f"| {name} | {label} | {m.get('rps', 0):,.0f} | {m.get('p50_us', 0) / 1000:.2f} | {m.get('p90_us', 0) / 1000:.2f} | "
                  f"{m.get('p99_us', 0) / 1000:.2f} | {errors(m)} | {m['server_cores']:.2f} | {m['wrk_cores']:.2f} | {m['server_rss_mb']:.0f} |")
    if "sluice" in s:
        for other in s:
            if other != "sluice":
                print(f"\nsluice / {other} at c32: {s['sluice']['c32']['rps'] / max(s[other]['c32']['rps'], 1e-9):.0f}×", end="")
        print()


if __name__ == "__main__":
    main()
