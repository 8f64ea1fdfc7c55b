#!/usr/bin/env python3
"""The scikit-learn side of bench/serve.py: RandomForestClassifier(n_estimators=100,
random_state=42) on all 150 iris rows, saved with joblib, in an MLServer model directory
(model.joblib + model-settings.json). Same as ../shared/reference/serving/train.py.

    python train_sklearn.py OUT_DIR
"""
import json
import os
import sys

import joblib
from sklearn.datasets import load_iris
from sklearn.ensemble import RandomForestClassifier

out_dir = sys.argv[1]
os.makedirs(out_dir, exist_ok=True)
X, y = load_iris(return_X_y=True)
clf = RandomForestClassifier(n_estimators=100, random_state=42).fit(X, y)
joblib.dump(clf, os.path.join(out_dir, "model.joblib"))
with open(os.path.join(out_dir, "model-settings.json"), "w") as f:
    json.dump({"name": "iris", "implementation": "mlserver_sklearn.SKLearnModel",
               "parameters": {"uri": "./model.joblib", "version": "v1"}}, f, indent=2)
print(f"trained: train accuracy {clf.score(X, y):.4f}")
