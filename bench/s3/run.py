#!/usr/bin/env python3
"""Benchmark: reading a large CSV dataset from S3 (SeaweedFS on loopback) against reading it from disk.

    python3 bench/s3/run.py [--size-mb 300] [--runs 5] [--binary .build/debug/sluice]

It writes a CSV of about --size-mb MB (numeric columns and a class, a fixed seed), starts its own
SeaweedFS (`weed mini` from `.build/s3-venv`, which scripts/deps installs; every port on a free port of
127.0.0.1, one S3 identity) and uploads the file with boto3 (pinned; installed into the same venv if
missing). Two repositories hold one manifest each, identical but for `spec.dataset.source`: the file on
disk, or `s3://bench/big.csv`. It then times whole-process `sluice plan` (which finds the dataset, fetches
it if it is remote, and digests it; nothing is trained), in rounds that alternate:

- disk: the file on disk, read and hashed;
- s3 cold: the download cache emptied first, so the object is downloaded (signed GET) and hashed;
- s3 warm: the cached copy re-validated with If-None-Match (304: nothing downloaded) and hashed.

Each run starts without a store, so no digest is reused from an earlier run. Medians, min and max are
printed as Markdown for BENCHMARKS.md, and the raw samples go to bench/out/s3_read.json.
"""
import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV = os.path.join(REPO, ".build", "s3-venv")
WEED = os.path.join(VENV, "bin", "weed")
ACCESS, SECRET = "BENCHACCESSKEY000001", "bench-secret-key/0123456789"
BOTO3 = "boto3==1.44.8"


def free_ports(n):
    sockets = [socket.socket() for _ in range(n)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def admin_port():
    """A free port p with p + 10000 free too (weed's admin gRPC port is its HTTP port + 10000)."""
    while True:
        a = socket.socket()
        a.bind(("127.0.0.1", 0))
        p = a.getsockname()[1]
        if p + 10000 < 65536:
            b = socket.socket()
            try:
                b.bind(("127.0.0.1", p + 10000))
                return p
            except OSError:
                pass
            finally:
                b.close()
        a.close()


def start_weed(directory):
    os.makedirs(directory)
    identity = {"identities": [{"name": "bench", "credentials": [{"accessKey": ACCESS, "secretKey": SECRET}],
                                "actions": ["Admin", "Read", "Write", "List", "Tagging"]}]}
    with open(os.path.join(directory, "s3.json"), "w") as f:
        json.dump(identity, f)
    p = free_ports(11)
    a = admin_port()
    args = [WEED, "mini", f"-dir={directory}/data", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", f"-s3.config={directory}/s3.json",
            "-master.telemetry=false", f"-master.port={p[0]}", f"-master.port.grpc={p[1]}", f"-volume.port={p[2]}",
            f"-volume.port.grpc={p[3]}", f"-filer.port={p[4]}", f"-filer.port.grpc={p[5]}", f"-s3.port={p[6]}",
            f"-s3.port.grpc={p[7]}", f"-s3.port.iceberg={p[8]}", f"-s3.port.lance={p[9]}", f"-webdav.port={p[10]}",
            f"-admin.port={a}", f"-admin.port.grpc={a + 10000}"]
    os.makedirs(f"{directory}/data")
    log = open(os.path.join(directory, "weed.log"), "w")
    process = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", p[6]), timeout=1) as s:
                s.sendall(b"GET / HTTP/1.0\r\n\r\n")
                if s.recv(5) == b"HTTP/":
                    return process, f"http://127.0.0.1:{p[6]}"
        except OSError:
            pass
        time.sleep(0.2)
    process.kill()
    sys.exit("weed mini did not answer; see " + os.path.join(directory, "weed.log"))


def boto3_client(endpoint):
    python = os.path.join(VENV, "bin", "python")
    if subprocess.call([python, "-c", "import boto3"], stderr=subprocess.DEVNULL) != 0:
        subprocess.check_call([os.path.join(VENV, "bin", "pip"), "install", "-q", "--disable-pip-version-check", BOTO3])
    return python


def write_csv(path, size_mb):
    rng = random.Random(7)
    classes = ["setosa", "versicolor", "virginica"]
    target = size_mb * 1_000_000
    with open(path, "w") as f:
        f.write("a,b,c,d,e,f,species\n")
        written = 0
        while written < target:
            lines = []
            for _ in range(10000):
                row = ",".join(f"{rng.uniform(0, 100):.4f}" for _ in range(6)) + "," + rng.choice(classes) + "\n"
                lines.append(row)
            chunk = "".join(lines)
            f.write(chunk)
            written += len(chunk)
    return os.path.getsize(path)


def repository(root, source):
    os.makedirs(os.path.join(root, "manifests"))
    manifest = {"apiVersion": "sluice.dev/v1", "kind": "Model", "metadata": {"name": "big"},
                "spec": {"task": "classification", "dataset": {"source": source, "target": "species"},
                         "algorithm": {"name": "decision_tree", "params": {"maxDepth": 3}},
                         "deploy": {"target": "directory", "path": "deploy/big"}}}
    with open(os.path.join(root, "manifests", "big.json"), "w") as f:
        json.dump(manifest, f)


def timed_plan(binary, root, environment):
    start = time.perf_counter()
    result = subprocess.run([binary, "plan"], cwd=root, env=environment, capture_output=True, text=True)
    wall = time.perf_counter() - start
    if result.returncode != 0 or "to train" not in result.stdout:
        sys.exit(f"sluice plan in {root} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return wall


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=300)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--binary", default=os.path.join(REPO, ".build", "debug", "sluice"))
    parser.add_argument("--out", default=os.path.join(REPO, "bench", "out"))
    options = parser.parse_args()
    if not os.access(WEED, os.X_OK):
        sys.exit(f"{WEED} is missing: run scripts/deps")

    # A SIGTERM (a timeout) still stops the server and removes the files, through the finally below.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped by SIGTERM"))
    work = tempfile.mkdtemp(prefix="sluice-bench-s3-")
    weed = None
    try:
        weed, endpoint = start_weed(os.path.join(work, "weed"))
        environment = dict(os.environ, AWS_ACCESS_KEY_ID=ACCESS, AWS_SECRET_ACCESS_KEY=SECRET, AWS_ENDPOINT_URL=endpoint,
                           AWS_REGION="us-east-1", AWS_REQUEST_CHECKSUM_CALCULATION="when_required")
        disk, s3 = os.path.join(work, "disk"), os.path.join(work, "s3")
        repository(disk, "data/big.csv")
        repository(s3, "s3://bench/big.csv")
        os.makedirs(os.path.join(disk, "data"))
        size = write_csv(os.path.join(disk, "data", "big.csv"), options.size_mb)
        python = boto3_client(endpoint)
        upload = ("import boto3, sys; c = boto3.client('s3'); c.create_bucket(Bucket='bench'); "
                  "c.upload_file(sys.argv[1], 'bench', 'big.csv')")
        subprocess.check_call([python, "-c", upload, os.path.join(disk, "data", "big.csv")], env=environment)

        samples = {"disk": [], "s3 cold": [], "s3 warm": []}
        for _ in range(options.runs):
            for mode in samples:
                root = disk if mode == "disk" else s3
                store = os.path.join(root, ".sluice")
                if mode == "s3 cold":
                    shutil.rmtree(store, ignore_errors=True)
                elif os.path.exists(os.path.join(store, "state.db")):
                    os.remove(os.path.join(store, "state.db"))  # no digest reused; the download cache stays
                samples[mode].append(timed_plan(options.binary, root, environment))

        os.makedirs(options.out, exist_ok=True)
        with open(os.path.join(options.out, "s3_read.json"), "w") as f:
            json.dump({"bytes": size, "runs": options.runs, "samples_s": samples}, f, indent=2)
        load = os.getloadavg()[0]
        print(f"{size / 1e6:.0f} MB CSV, {options.runs} runs each, alternating; 1-minute load {load:.1f}\n")
        print("| source | `sluice plan`, median (s) | min–max (s) | MB/s (median) |")
        print("|---|---:|---:|---:|")
        for mode, walls in samples.items():
            median = statistics.median(walls)
            print(f"| {mode} | {median:.2f} | {min(walls):.2f}–{max(walls):.2f} | {size / 1e6 / median:.0f} |")
    finally:
        if weed is not None:
            os.killpg(weed.pid, signal.SIGKILL)
            weed.wait()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
