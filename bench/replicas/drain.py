#!/usr/bin/env python3
"""Benchmark: 1, 2 and 3 `sluice run` replicas on one PostgreSQL store draining 300 queued models.

    python3 bench/replicas/drain.py [--replicas 1,2,3] [--runs 3] [--models 300] [--concurrency 2] [--out bench/out]

Rerunnable; needs the release build (`swift build -c release`), PostgreSQL's server binaries
(`apt-get install postgresql`) and git. It starts its own PostgreSQL in a temporary directory (as
the `postgres` user when run as root, which PostgreSQL refuses) on a free loopback port, with
pg_stat_statements loaded and the server's other settings at their defaults (fsync on), and for
each replica count and run:

1. a fresh database (role `sluice`, the replicas' only role) and a fresh git repository holding a
   tiny dataset (60 rows, 2 features) and one warm-up manifest;
2. N replicas, `sluice run --git REPO --store postgres://sluice@… --interval 1h --concurrency C`,
   each with a root of its own (its clone, as on separate hosts) and one shared --deploy-root
   (the shared volume their `directory` targets publish into); waits until every replica's
   /readyz is 200 and the warm-up model is published, so that all are started, connected and idle;
3. commits --models more manifests (decision trees of depth 2, each with its own split seed, a
   gate and a directory target), resets the server's statistics, and POSTs /reconcile to the
   leader (the replica whose /readyz says "leading"): the clock starts;
4. polls the store (one persistent psql session as `postgres`, every 0.1 s) until every model has
   an open publication: the clock stops. Checks that every model has exactly one version and one
   publication, and takes from the server: statements and transactions of the role `sluice`
   (pg_stat_statements; BEGIN/COMMIT counted apart), the server's CPU time (the postmaster and its
   children, from /proc), and from each replica its CPU time with its git processes (/proc) and
   `sluice_claims_total`; and the machine's load average (the CPU may be shared with other work).

Reported per replica count, medians over --runs: wall time, models published per second, claims
per second, statements and transactions per model, server CPU ms per model, replica CPU ms per
model. Results go to bench/out/replicas.json and are printed as Markdown for BENCHMARKS.md.
"""
import argparse
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BINARY = os.path.join(ROOT, ".build", "release", "sluice")
sys.path.insert(0, os.path.join(ROOT, "bench"))
from pgserver import Postgres, proc_cpu  # noqa: E402

GIT = ["git", "-c", "user.email=bench@sluice.invalid", "-c", "user.name=bench", "-c", "commit.gpgsign=false"]


class Session:
    """One psql session kept open, for polling without a new backend every time."""

    def __init__(self, pg, database):
        self.proc = subprocess.Popen([os.path.join(pg.bin, "psql"), "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres",
                                      "-d", database, "-At", "-q", "-v", "ON_ERROR_STOP=1"],
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1)
        self.queries = 0

    def one(self, statement):
        self.queries += 1
        self.proc.stdin.write(statement.rstrip(";") + ";\n\\echo __end__\n")
        self.proc.stdin.flush()
        lines = []
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError("psql ended")
            if line.strip() == "__end__":
                return "\n".join(lines)
            lines.append(line.strip())

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


class Replica:
    def __init__(self, directory, args):
        os.makedirs(directory, exist_ok=True)
        self.log_path = os.path.join(directory, "replica.log")
        self.log = open(self.log_path, "w")
        self.proc = subprocess.Popen([BINARY, "run", "--root", directory, "--listen", "127.0.0.1:0"] + args,
                                     cwd=directory, stdout=self.log, stderr=self.log, stdin=subprocess.DEVNULL)
        self.port = None
        deadline = time.time() + 60
        while self.port is None and time.time() < deadline:
            m = re.search(r"HTTP endpoint listening address=127\.0\.0\.1:(\d+)", self.text())
            if m:
                self.port = int(m.group(1))
            elif self.proc.poll() is not None:
                break
            time.sleep(0.05)
        assert self.port, self.text()

    def text(self):
        with open(self.log_path) as f:
            return f.read()

    def http(self, path, method="GET"):
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", method=method)
        try:
            with urllib.request.urlopen(req, timeout=30) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()

    def metric(self, name):
        for line in self.http("/metrics")[1].splitlines():
            if line.startswith(name + " "):
                return float(line.split()[1])
        return 0.0

    def cpu(self):
        """With the git processes it ran and reaped (its fetches and checkouts)."""
        return proc_cpu(self.proc.pid, children=True)

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=90)
        self.log.close()
        assert code == 0, f"replica exited {code}: {self.text()[-2000:]}"


def dataset(path, rows=60):
    """A tiny two-class dataset: the class is whether x + y is over 1 (with a little overlap)."""
    with open(path, "w") as f:
        f.write("x,y,label\n")
        for i in range(rows):
            x, y = (i * 37 % 100) / 100, (i * 61 % 100) / 100
            f.write(f"{x:.2f},{y:.2f},{'high' if x + y + (0.1 if i % 7 == 0 else 0) > 1 else 'low'}\n")


def manifest(i, deploy):
    return {
        "apiVersion": "sluice.dev/v1", "kind": "Model",
        "metadata": {"name": f"m{i:04d}"},
        "spec": {
            "task": "classification",
            "dataset": {"source": "data/tiny.csv", "target": "label", "split": {"testFraction": 0.25, "seed": i}},
            "algorithm": {"name": "decision_tree", "params": {"maxDepth": 2, "seed": i}},
            "gate": {"accuracy": {"min": 0.0}},
            "deploy": {"target": "directory", "path": os.path.join(deploy, f"m{i:04d}")},
        },
    }


def write_manifests(repo, deploy, numbers):
    for i in numbers:
        with open(os.path.join(repo, "manifests", f"m{i:04d}.json"), "w") as f:
            json.dump(manifest(i, deploy), f, indent=2)
    subprocess.check_call(GIT + ["add", "-A"], cwd=repo)
    subprocess.check_call(GIT + ["commit", "-q", "-m", f"{len(numbers)} models"], cwd=repo)


def wait(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise RuntimeError(f"timed out waiting for {what}")


def drain(pg, replicas, models, concurrency, run_number):
    work = tempfile.mkdtemp(prefix=f"sluice-bench-replicas-{replicas}-")
    database = f"drain_{replicas}_{run_number}_{os.getpid()}"
    pg.sql(f"CREATE DATABASE {database} OWNER sluice")
    pg.sql("CREATE EXTENSION IF NOT EXISTS pg_stat_statements", database)
    uri = f"postgres://sluice@127.0.0.1:{pg.port}/{database}"
    repo, deploy = os.path.join(work, "repo"), os.path.join(work, "deploy")
    os.makedirs(os.path.join(repo, "manifests"))
    os.makedirs(os.path.join(repo, "data"))
    os.makedirs(deploy)
    dataset(os.path.join(repo, "data", "tiny.csv"))
    subprocess.check_call(GIT + ["init", "-q", "-b", "main"], cwd=repo)
    write_manifests(repo, deploy, [0])
    fleet, poll = [], None
    try:
        for r in range(replicas):
            fleet.append(Replica(os.path.join(work, f"replica{r}"), [
                "--git", repo, "--branch", "main", "--path", "manifests", "--store", uri, "--deploy-root", deploy,
                "--interval", "1h", "--concurrency", str(concurrency), "--log-level", "info"]))
            if r == 0:
                # The first one leads: the later ones start as followers.
                wait(lambda: fleet[0].http("/readyz")[0] == 200, 120, "the first replica to be ready")
        poll = Session(pg, database)
        published = "SELECT count(DISTINCT model) FROM sluice.publications WHERE retired_at IS NULL"
        wait(lambda: all(r.http("/readyz")[0] == 200 for r in fleet) and int(poll.one(published)) == 1, 120,
             "every replica ready and the warm-up model published")
        leaders = [r for r in fleet if r.http("/readyz")[1].startswith("ready: leading")]
        assert len(leaders) == 1, [r.http("/readyz")[1] for r in fleet]
        time.sleep(1)

        write_manifests(repo, deploy, range(1, models + 1))
        claims0 = [r.metric("sluice_claims_total") for r in fleet]
        pg.sql("SELECT pg_stat_statements_reset()", database)
        xact0 = int(pg.sql(f"SELECT xact_commit FROM pg_stat_database WHERE datname = '{database}'"))
        polls0 = poll.queries
        cpu0, fleet_cpu0 = pg.cpu(), [r.cpu() for r in fleet]
        load0 = os.getloadavg()[0]
        start = time.perf_counter()
        assert leaders[0].http("/reconcile", "POST")[0] == 202
        while int(poll.one(published)) < models + 1:
            if time.perf_counter() - start > 1800:
                raise RuntimeError("not drained after 30 minutes")
            time.sleep(0.1)
        wall = time.perf_counter() - start
        cpu1, fleet_cpu1 = pg.cpu(), [r.cpu() for r in fleet]
        polls = poll.queries - polls0 + 1  # and the one below
        xact1 = int(poll.one(f"SELECT xact_commit FROM pg_stat_database WHERE datname = '{database}'"))
        claims = [r.metric("sluice_claims_total") - c for r, c in zip(fleet, claims0)]
        sluice_role = "(SELECT oid FROM pg_roles WHERE rolname = 'sluice')"
        statements = int(poll.one(f"SELECT coalesce(sum(calls), 0) FROM pg_stat_statements WHERE userid = {sluice_role} "
                                  "AND query !~* '^(BEGIN|COMMIT|ROLLBACK)'"))
        exec_ms = float(poll.one(f"SELECT coalesce(sum(total_exec_time), 0) FROM pg_stat_statements WHERE userid = {sluice_role}"))
        # Which statements the calls were (per model, the most frequent first), for the breakdown.
        top = poll.one(f"SELECT coalesce(json_agg(t), '[]') FROM (SELECT calls, left(regexp_replace(query, '\\s+', ' ', 'g'), 90) AS query "
                       f"FROM pg_stat_statements WHERE userid = {sluice_role} ORDER BY calls DESC LIMIT 15) t")
        versions = int(poll.one("SELECT count(*) FROM sluice.versions"))
        publications = int(poll.one("SELECT count(*) FROM sluice.publications"))
        assert versions == models + 1, f"{versions} versions for {models + 1} models: some model trained twice"
        assert publications == models + 1, f"{publications} publications for {models + 1} models: some model published twice"
        return {
            "replicas": replicas, "models": models, "concurrency": concurrency, "wall_s": wall,
            "models_per_s": models / wall, "claims": sum(claims), "claims_per_s": sum(claims) / wall,
            "claims_by_replica": claims,
            "statements_per_model": statements / models,
            # The poller's queries are transactions of the same database: left out.
            "transactions_per_model": (xact1 - xact0 - polls) / models,
            "statement_exec_ms_per_model": exec_ms / models,
            "server_cpu_ms_per_model": 1000 * (cpu1 - cpu0) / models,
            "replica_cpu_ms_per_model": 1000 * sum(b - a for a, b in zip(fleet_cpu0, fleet_cpu1)) / models,
            # The machine's 1-minute load average when the clock started and stopped (other work on a shared machine).
            "load_average": [load0, os.getloadavg()[0]],
            "statements": [{"per_model": t["calls"] / models, "query": t["query"]} for t in json.loads(top)],
        }
    finally:
        if poll:
            poll.close()
        for r in fleet:
            try:
                r.stop()
            except Exception as e:  # noqa: BLE001 — the others are stopped anyway
                print(f"stopping a replica: {e}", file=sys.stderr)
        pg.sql(f"DROP DATABASE IF EXISTS {database}")
        shutil.rmtree(work, ignore_errors=True)


def markdown(rows):
    keys = [("wall_s", "wall (s)", "{:.1f}"), ("models_per_s", "models/s", "{:.2f}"), ("claims_per_s", "claims/s", "{:.2f}"),
            ("statements_per_model", "statements / model", "{:.0f}"), ("transactions_per_model", "transactions / model", "{:.0f}"),
            ("statement_exec_ms_per_model", "statement time / model (ms)", "{:.1f}"),
            ("server_cpu_ms_per_model", "server CPU / model (ms)", "{:.1f}"),
            ("replica_cpu_ms_per_model", "replicas' CPU / model (ms)", "{:.0f}")]
    out = ["| replicas | " + " | ".join(k[1] for k in keys) + " | claims by replica (median run) |",
           "|---:|" + "---:|" * len(keys) + "---|"]
    for n in sorted({r["replicas"] for r in rows}):
        runs = [r for r in rows if r["replicas"] == n]
        cells = [fmt.format(statistics.median(r[k] for r in runs)) for k, _, fmt in keys]
        middle = sorted(runs, key=lambda r: r["wall_s"])[len(runs) // 2]
        out.append(f"| {n} | " + " | ".join(cells) + " | " + " / ".join(str(int(c)) for c in middle["claims_by_replica"]) + " |")
    return "\n".join(out)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--replicas", default="1,2,3")
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--models", type=int, default=300)
    p.add_argument("--concurrency", type=int, default=2)
    p.add_argument("--out", default=os.path.join(ROOT, "bench", "out"))
    a = p.parse_args()
    if not os.access(BINARY, os.X_OK):
        sys.exit(f"no release build at {BINARY}: swift build -c release")
    pg = Postgres("-c shared_preload_libraries=pg_stat_statements -c pg_stat_statements.track=all -c max_connections=100")
    rows = []
    try:
        pg.sql("CREATE ROLE sluice LOGIN")
        for run in range(a.runs):
            for n in [int(x) for x in a.replicas.split(",")]:
                row = drain(pg, n, a.models, a.concurrency, run)
                rows.append(row)
                print(json.dumps(row), file=sys.stderr)
    finally:
        pg.stop()
    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "replicas.json"), "w") as f:
        json.dump({"rows": rows, "cores": os.cpu_count()}, f, indent=2)
    print(markdown(rows))


if __name__ == "__main__":
    main()
