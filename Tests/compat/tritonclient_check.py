#!/usr/bin/env python3
"""Compatibility check of `sluice serve` with a client nobody on the project wrote.

Uses tritonclient.http (PyPI, NVIDIA's Triton client, which speaks the Open Inference Protocol /
KServe V2 REST API) against a running server that serves the shipped iris model, and checks
health, metadata, and inference with JSON tensors and with binary tensors (the client's default).

    python tritonclient_check.py --url 127.0.0.1:8080 [--model iris]

Exit status 0 when every check passes; each failure is printed.
"""
import argparse
import sys

import numpy as np
import tritonclient.http as httpclient
from tritonclient.utils import InferenceServerException

ROWS = np.array([[5.1, 3.5, 1.4, 0.2], [6.7, 3.0, 5.2, 2.3], [5.9, 3.0, 4.2, 1.5]])
LABELS = ["setosa", "virginica", "versicolor"]
CLASSES = ["setosa", "versicolor", "virginica"]

failures = []


def labels(result):
    """The predicted labels as text: BYTES arrive as bytes in binary and as str in JSON."""
    return [v.decode() if isinstance(v, bytes) else v for v in result.as_numpy("predict").reshape(-1).tolist()]


def check(condition, what):
    print(("ok   " if condition else "FAIL ") + what)
    if not condition:
        failures.append(what)


def expect_error(call, fragment, what):
    try:
        call()
    except InferenceServerException as e:
        check(fragment in e.message(), f"{what}: {e.message()!r} mentions {fragment!r}")
        return
    check(False, f"{what}: no error raised")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True, help="host:port of sluice serve")
    parser.add_argument("--model", default="iris")
    args = parser.parse_args()
    model = args.model
    client = httpclient.InferenceServerClient(url=args.url)

    # Health and metadata.
    check(client.is_server_live(), "server is live")
    check(client.is_server_ready(), "server is ready")
    check(client.is_model_ready(model), f"model {model} is ready")
    check(not client.is_model_ready("nosuch"), "an unknown model is not ready")
    server = client.get_server_metadata()
    check(server["name"] == "sluice" and "binary_tensor_data" in server["extensions"], f"server metadata {server}")
    meta = client.get_model_metadata(model)
    check(meta["name"] == model and len(meta["versions"]) == 1, "model metadata names the model and its version")
    check(meta["inputs"] == [{"name": "input-0", "datatype": "FP64", "shape": [-1, 4]}], f"inputs {meta['inputs']}")
    check([(o["name"], o["datatype"], o["shape"]) for o in meta["outputs"]]
          == [("predict", "BYTES", [-1, 1]), ("predict_proba", "FP64", [-1, 3])], f"outputs {meta['outputs']}")
    check(meta["parameters"]["classes"] == CLASSES, "class labels in the metadata parameters")
    version = meta["versions"][0]
    check(client.is_model_ready(model, model_version=version), "the versioned ready route")
    check(client.get_model_metadata(model, model_version=version)["name"] == model, "the versioned metadata route")

    def infer(datatype, binary_in, binary_out, outputs=True, **kw):
        x = ROWS.astype(np.float32 if datatype == "FP32" else np.float64)
        inp = httpclient.InferInput(meta["inputs"][0]["name"], list(x.shape), datatype)
        inp.set_data_from_numpy(x, binary_data=binary_in)
        requested = [httpclient.InferRequestedOutput(name, binary_data=binary_out) for name in ("predict", "predict_proba")]
        return client.infer(model, [inp], outputs=requested if outputs else None, **kw)

    # JSON tensors both ways.
    r = infer("FP64", binary_in=False, binary_out=False, request_id="json-1")
    check(r.get_response()["id"] == "json-1", "the request id is echoed")
    check(labels(r) == LABELS, f"JSON labels {labels(r)}")
    proba = r.as_numpy("predict_proba")
    check(proba.shape == (3, 3) and np.allclose(proba.sum(axis=1), 1.0), "JSON probabilities: 3×3, rows sum to 1")
    check([CLASSES[i] for i in proba.argmax(axis=1)] == LABELS, "labels agree with the probabilities")

    # The client's defaults: binary input (FP32) and binary outputs.
    r = infer("FP32", binary_in=True, binary_out=True)
    check(isinstance(r.as_numpy("predict").reshape(-1)[0], bytes) and labels(r) == LABELS, "binary labels (BYTES)")
    check(np.allclose(r.as_numpy("predict_proba"), proba), "binary probabilities equal the JSON ones")
    check(r.get_output("predict")["parameters"]["binary_data_size"] > 0, "outputs came back in binary")

    # No outputs named: every output, binary by default (binary_data_output).
    r = infer("FP32", binary_in=True, binary_out=True, outputs=False)
    check(r.as_numpy("predict") is not None and r.as_numpy("predict_proba") is not None, "all outputs when none are named")

    # The versioned infer route, and one output only.
    x = ROWS[:1]
    inp = httpclient.InferInput("input-0", list(x.shape), "FP64")
    inp.set_data_from_numpy(x)
    r = client.infer(model, [inp], model_version=version, outputs=[httpclient.InferRequestedOutput("predict_proba")])
    check(r.as_numpy("predict") is None and r.as_numpy("predict_proba").shape == (1, 3), "only the output asked for")

    # Errors reach the user as the server's message.
    bad = httpclient.InferInput("input-0", [1, 3], "FP64")
    bad.set_data_from_numpy(np.array([[1.0, 2.0, 3.0]]))
    expect_error(lambda: client.infer(model, [bad]), "takes [N, 4]", "a wrong shape")
    expect_error(lambda: client.infer("nosuch", [bad]), "no model named nosuch", "an unknown model")
    expect_error(lambda: client.infer(model, [inp], outputs=[httpclient.InferRequestedOutput("nosuch")]), "has no output", "an unknown output")

    client.close()
    if failures:
        print(f"{len(failures)} check(s) failed: {failures}")
        return 1
    print("tritonclient.http: every check passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
