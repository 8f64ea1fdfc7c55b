#!/usr/bin/env python3
"""Baseline A: the minimal Flask app a user writes first.

POST /predict  {"instances": [[5.1,3.5,1.4,0.2], ...]}  ->  {"predictions": [0, ...]}
Run dev server:  python flask_app.py [PORT]            (Werkzeug, threaded)
Run gunicorn:    MODEL_PATH=... gunicorn -w 2 -b 127.0.0.1:PORT flask_app:app
"""
import os
import sys

import joblib
import numpy as np
from flask import Flask, jsonify, request

MODEL_PATH = os.environ.get(
    "MODEL_PATH",
    os.path.join(os.path.dirname(os.path.abspath(__file__)), "model.joblib"),
)
model = joblib.load(MODEL_PATH)
app = Flask(__name__)


@app.post("/predict")
def predict():
    body = request.get_json(force=True)
    X = np.asarray(body["instances"], dtype=np.float64)
    return jsonify({"predictions": model.predict(X).tolist()})


@app.get("/health")
def health():
    return jsonify({"status": "ok"})


if __name__ == "__main__":
    port = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    app.run(host="127.0.0.1", port=port, threaded=True)
