#!/usr/bin/env python3
"""Memory and head-of-line cost of hostile-but-valid inference requests (reliability attack D2, D11).

Usage: bench/amplification.py SLUICE_BINARY [PORT]

Trains a logistic regression over a text feature of 2,887 categories (2,888 one-hot columns) in a
scratch repository, serves it, and sends: one-hot requests of N rows (a JSON header, N empty BYTES
elements and N UINT8 values, as in the attack's a4_amp.py); a JSON body of 4 M compact numbers; and,
while two 20,000-row requests run, a 1-row request, whose latency shows whether large requests stall
everyone. Prints status, time and the server's peak RSS (VmHWM) after each.
"""
import json, os, random, socket, subprocess, sys, tempfile, threading, time

binary = os.path.abspath(sys.argv[1])
port = int(sys.argv[2]) if len(sys.argv) > 2 else 28180
repo = tempfile.mkdtemp(prefix="sluice-amp-")
os.makedirs(f"{repo}/manifests"); os.makedirs(f"{repo}/data")
random.seed(1)
with open(f"{repo}/data/cities.csv", "w") as f:
    f.write("city,x,label\n")
    for i in range(2887 * 2):
        f.write(f"city{i % 2887},{random.random():.3f},{'p' if random.random() < 0.5 else 'q'}\n")
json.dump({"apiVersion": "sluice.dev/v1", "kind": "Model", "metadata": {"name": "cities"}, "spec": {
    "task": "classification", "dataset": {"source": "data/cities.csv", "target": "label", "split": {"testFraction": 0.01, "seed": 1}},
    "algorithm": {"name": "logistic_regression", "params": {"maxIter": 5}}, "gate": {"accuracy": {"min": 0.0}},
    "deploy": {"target": "directory", "path": "deploy/cities"}}}, open(f"{repo}/manifests/cities.json", "w"))
subprocess.run([binary, "apply"], cwd=repo, check=True, stdout=subprocess.DEVNULL)
srv = subprocess.Popen([binary, "serve", "--repository", "deploy", "--port", str(port)], cwd=repo,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
time.sleep(2)

def peak():
    for line in open(f"/proc/{srv.pid}/status"):
        if line.startswith("VmHWM"): return int(line.split()[1]) // 1024

def post(body, headers):
    s = socket.create_connection(("127.0.0.1", port)); s.settimeout(600)
    extra = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    s.sendall(f"POST /v2/models/cities/infer HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {len(body)}\r\n{extra}\r\n".encode() + body)
    data = b""
    while True:
        try: chunk = s.recv(65536)
        except Exception: break
        if not chunk: break
        data += chunk
    return data.split(b"\r\n")[0].decode(errors="replace")

def one_hot(n):
    header = json.dumps({"inputs": [
        {"name": "city", "shape": [n], "datatype": "BYTES", "parameters": {"binary_data_size": 4 * n}},
        {"name": "x", "shape": [n], "datatype": "UINT8", "parameters": {"binary_data_size": n}}],
        "outputs": [{"name": "predict", "parameters": {"binary_data": True}}]}).encode()
    return header + b"\0\0\0\0" * n + b"\0" * n, {"Inference-Header-Content-Length": len(header)}

def report(what, body, headers):
    t = time.time(); status = post(body, headers)
    print(f"{what}: {len(body)} bytes -> {status} in {time.time() - t:.2f} s; peak RSS {peak()} MiB; alive {srv.poll() is None}", flush=True)

try:
    for n in (20_000, 100_000, 4_000_000):
        report(f"one-hot n={n}", *one_hot(n))
        if srv.poll() is not None: break
    if srv.poll() is None:
        n = 4_000_000
        body = ('{"inputs":[{"name":"city","shape":[1],"datatype":"BYTES","data":["a"]},'
                '{"name":"x","shape":[%d],"datatype":"FP64","data":[' % n).encode() + b",".join([b"0"] * n) + b"]}]}"
        report(f"JSON of {n} numbers", body, {})
    if srv.poll() is None:
        big = [threading.Thread(target=post, args=one_hot(20_000)) for _ in range(2)]
        for t in big: t.start()
        time.sleep(0.3)
        small = one_hot(1)
        t = time.time(); status = post(*small)
        print(f"1-row request while two 20,000-row requests run: {status} in {(time.time() - t) * 1000:.0f} ms", flush=True)
        for t in big: t.join()
finally:
    srv.terminate(); srv.wait()
