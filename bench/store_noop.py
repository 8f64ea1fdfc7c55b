#!/usr/bin/env python3
"""Benchmark: a no-op reconcile cycle on the PostgreSQL store against the SQLite store, side by side.

    python3 bench/store_noop.py [--sizes 1000,10000] [--runs 7] [--statements] [--baseline OLD_BINARY] [--out bench/out] [--binary PATH]

It builds the release binary (unless --binary), starts its own PostgreSQL server (initdb in a
temporary directory, as the `postgres` user through runuser when run as root, on a free port of
127.0.0.1, the server's default settings: fsync and synchronous_commit on, as SQLite's WAL commits
are durable too) and stops it at exit. For each size N it generates N up-to-date manifests (as
bench/plan_scale.py does: depth-3 decision trees over iris, wine and breast cancer), in two copies
of one repository: one on the default SQLite store, one on `--store postgres://…` (a database of
its own). The SQLite copy is applied first with `--cache DIR`, which trains every version and keeps
it; the PostgreSQL copy is applied with the same `--cache`, so it records and publishes the very
same versions without training them again. Then, rounds alternating the two stores, it times
whole-process `sluice apply` (nothing to do: exit 0) and `sluice plan --detailed-exitcode`
(exit 0 = no changes), and reports the median, min and max of each, and the ratio of the medians
PostgreSQL / SQLite.

With --statements, one more no-op apply and plan on PostgreSQL run with the server logging every
statement, and the script prints how many statements each sent and how long the server spent in
them (where the time goes). With --baseline, another build (e.g. the release binary of an earlier
commit) is timed in the same rounds, on the same repositories and stores, and printed alongside.

Results go to bench/out/store_noop.json and are printed as Markdown for BENCHMARKS.md.
"""
import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plan_scale as ps  # noqa: E402
from pgserver import Postgres  # noqa: E402


def timed(binary, args, cwd, what):
    wall, rss, code = ps.run_timed([binary] + args, cwd)
    assert code == 0, f"{what} exited {code} (expected 0: nothing to do)"
    return wall, rss


def summary(samples):
    walls = [w for w, _ in samples]
    return {"median_s": statistics.median(walls), "min_s": min(walls), "max_s": max(walls),
            "rss_mib": max(r for _, r in samples), "runs": len(walls)}


def statements(pg, binary, repo, store, args):
    """Runs one command with the server logging every statement; returns (count, server ms)."""
    pg.sql("ALTER SYSTEM SET log_min_duration_statement = 0")
    pg.sql("SELECT pg_reload_conf()")
    time.sleep(0.2)
    start = os.path.getsize(pg.log)
    try:
        timed(binary, args + ["--store", store], repo, " ".join(args))
    finally:
        pg.sql("ALTER SYSTEM RESET log_min_duration_statement")
        pg.sql("SELECT pg_reload_conf()")
    with open(pg.log, errors="replace") as f:
        f.seek(start)
        text = f.read()
    # The extended protocol (PQexecParams) logs its parse, bind and execute steps apart: a
    # statement is one execute; the server's time is the sum of every step.
    durations = [float(d) for d in re.findall(r"duration: ([0-9.]+) ms", text)]
    executed = len(re.findall(r"duration: [0-9.]+ ms  (?:execute|statement:)", text))
    return executed, sum(durations)


def bench(binary, pg, sizes, runs, count_statements, baseline=None):
    builds = [("", binary)] + ([("base_", baseline)] if baseline else [])
    rows = []
    for n in sizes:
        cache = tempfile.mkdtemp(prefix=f"sluice-bench-cache-{n}-")
        sqlite_repo = ps.scratch_repo(n)
        pg_repo = sqlite_repo + "-pg"
        shutil.copytree(sqlite_repo, pg_repo)
        store = pg.database(f"sluice_{n}")
        stores = [("sqlite", sqlite_repo, []), ("pg", pg_repo, ["--store", store])]
        try:
            t0 = time.perf_counter()
            timed(binary, ["apply", "--cache", cache], sqlite_repo, f"first apply of {n} manifests (SQLite)")
            t1 = time.perf_counter()
            timed(binary, ["apply", "--cache", cache, "--store", store], pg_repo, f"first apply of {n} manifests (PostgreSQL)")
            t2 = time.perf_counter()
            print(f"n={n}: converged, SQLite {t1 - t0:.1f} s (training), PostgreSQL {t2 - t1:.1f} s (from --cache)", file=sys.stderr)
            # Digests of datasets written just now are cached only once they are a second old.
            time.sleep(1.1)
            for _, repo, extra in stores:
                for _, b in builds:
                    timed(b, ["apply"] + extra, repo, "warm-up apply")
                    timed(b, ["plan", "--detailed-exitcode"] + extra, repo, "warm-up plan")
            samples = {}
            for i in range(runs):
                # Alternate the order of stores (and builds) round by round.
                order = [(build, b, st) for build, b in builds for st in stores]
                if i % 2:
                    order.reverse()
                for build, b, (name, repo, extra) in order:
                    for cmd, args in [("apply", ["apply"]), ("plan", ["plan", "--detailed-exitcode"])]:
                        samples.setdefault(f"{build}{cmd}_{name}", []).append(timed(b, args + extra, repo, f"no-op {cmd} ({build}{name}, {n})"))
            row = {"n": n, "first_apply_sqlite_s": t1 - t0, "first_apply_pg_s": t2 - t1}
            row.update({k: summary(v) for k, v in samples.items()})
            if count_statements:
                row["pg_statements"] = {build + cmd: statements(pg, b, pg_repo, store, args)
                                        for build, b in builds
                                        for cmd, args in [("apply", ["apply"]), ("plan", ["plan", "--detailed-exitcode"])]}
            rows.append(row)
            # Each size's figures as soon as they are known (a long run stopped later keeps them).
            print(json.dumps(row), file=sys.stderr)
            print(f"n={n}: apply SQLite {row['apply_sqlite']['median_s'] * 1000:.0f} ms, PostgreSQL {row['apply_pg']['median_s'] * 1000:.0f} ms; "
                  f"plan SQLite {row['plan_sqlite']['median_s'] * 1000:.0f} ms, PostgreSQL {row['plan_pg']['median_s'] * 1000:.0f} ms", file=sys.stderr)
        finally:
            for d in (sqlite_repo, pg_repo, cache):
                shutil.rmtree(d, ignore_errors=True)
    return rows


def table(rows, prefix=""):
    print("| models | command | SQLite median (ms) | min–max | PostgreSQL median (ms) | min–max | PG / SQLite |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for r in rows:
        for cmd, label in [("apply", "`apply` (no-op)"), ("plan", "`plan --detailed-exitcode`")]:
            s, p = r[f"{prefix}{cmd}_sqlite"], r[f"{prefix}{cmd}_pg"]
            print(f"| {r['n']:,} | {label} | {s['median_s'] * 1000:.0f} | {s['min_s'] * 1000:.0f}–{s['max_s'] * 1000:.0f} "
                  f"| {p['median_s'] * 1000:.0f} | {p['min_s'] * 1000:.0f}–{p['max_s'] * 1000:.0f} | {p['median_s'] / s['median_s']:.2f}× |")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", default=os.path.join(ps.ROOT, "bench", "out"))
    parser.add_argument("--binary", help="a sluice binary to time instead of building the release one")
    parser.add_argument("--statements", action="store_true", help="also count the statements a no-op apply and plan send to PostgreSQL")
    parser.add_argument("--baseline", help="another sluice binary timed alongside, on the same repositories and stores")
    args = parser.parse_args()
    if args.binary:
        binary = os.path.abspath(args.binary)
    else:
        subprocess.check_call(["swift", "build", "-c", "release", "--product", "sluice"], cwd=ps.ROOT, stdout=sys.stderr)
        binary = ps.BINARY
    baseline = os.path.abspath(args.baseline) if args.baseline else None
    pg = Postgres()
    result = {"machine": ps.machine(), "postgres": pg.version, "binary": binary, "baseline": baseline,
              "rows": bench(binary, pg, [int(s) for s in args.sizes.split(",")], args.runs, args.statements, baseline)}
    result["machine"]["load_1m_end"] = os.getloadavg()[0]
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "store_noop.json"), "w") as f:
        json.dump(result, f, indent=2)
    m = result["machine"]
    print(f"Machine: {m['cpu']}, {m['cores']} cores, {m['swift']}, {pg.version}, 1-min load {m['load_1m']:.1f}–{m['load_1m_end']:.1f}; "
          f"release build; median of {args.runs} whole-process runs, stores alternating.\n")
    table(result["rows"])
    if baseline:
        print(f"\nThe same, {baseline} (same repositories and stores, runs alternating with this build's):\n")
        table(result["rows"], "base_")
    print()
    for r in result["rows"]:
        line = (f"- {r['n']:,} models: first apply {r['first_apply_sqlite_s']:.1f} s on SQLite (training, into --cache), "
                f"{r['first_apply_pg_s']:.1f} s on PostgreSQL (the same versions from --cache); peak RSS of a no-op apply "
                f"{r['apply_sqlite']['rss_mib']:.0f} / {r['apply_pg']['rss_mib']:.0f} MiB (SQLite / PostgreSQL)")
        for key, (count, ms) in r.get("pg_statements", {}).items():
            line += f"; {key.replace('base_', 'baseline ')}: {count} statements to PostgreSQL, {ms:.0f} ms in the server"
        print(line + ".")


if __name__ == "__main__":
    main()
