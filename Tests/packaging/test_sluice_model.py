"""Tests of the wheel's sluice_model module, run by scripts/package-check with the Python of a fresh
venv the wheel was installed into (`python -I`, so the installed module is the one tested), against a
model that venv's `sluice apply` published.

    SLUICE_DEPLOY_DIR=…/deploy/iris SLUICE_VERSION=0.5.0 VENV/bin/python -I Tests/packaging/test_sluice_model.py
"""
import hashlib
import json
import os
import shutil
import sys
import tempfile
import unittest

import sluice_model

DEPLOY = os.environ["SLUICE_DEPLOY_DIR"]


class PublishedModelTests(unittest.TestCase):
    def setUp(self):
        self.work = tempfile.mkdtemp()
        self.copy = os.path.join(self.work, "iris")
        shutil.copytree(DEPLOY, self.copy)

    def tearDown(self):
        shutil.rmtree(self.work)

    def path(self, name):
        return os.path.join(self.copy, name)

    def rewrite(self, name, document):
        with open(self.path(name), "w") as handle:
            json.dump(document, handle)

    def republish(self, model):
        """Writes `model` as model.json and records its true digest in metadata.json, as a publisher
        would: what is left to refuse is the content, not the digest."""
        data = json.dumps(model).encode()
        with open(self.path("model.json"), "wb") as handle:
            handle.write(data)
        metadata = json.load(open(self.path("metadata.json")))
        metadata["artifact"]["sha256"] = hashlib.sha256(data).hexdigest()
        self.rewrite("metadata.json", metadata)

    def refuses(self, *fragments):
        with self.assertRaises(sluice_model.SluiceModelError) as caught:
            sluice_model.load(self.copy)
        for fragment in fragments:
            self.assertIn(fragment, str(caught.exception))
        return str(caught.exception)

    def test_the_installed_module_is_the_wheels(self):
        self.assertTrue(sluice_model.__file__.startswith(sys.prefix), sluice_model.__file__)
        self.assertEqual(sluice_model.__version__, os.environ["SLUICE_VERSION"])

    def test_loads_what_sluice_apply_published(self):
        model = sluice_model.load(DEPLOY)
        with open(os.path.join(DEPLOY, "model.json"), "rb") as handle:
            digest = hashlib.sha256(handle.read()).hexdigest()
        metadata = json.load(open(os.path.join(DEPLOY, "metadata.json")))
        self.assertEqual(model["name"], "iris")
        self.assertEqual(model["version"], metadata["version"])
        self.assertEqual(model["sha256"], digest)
        self.assertEqual(model["metadata"], metadata)
        self.assertEqual(model["model"]["format"], "sluice.model")
        self.assertEqual(model["model"]["algorithm"]["name"], "random_forest")
        self.assertEqual(model["model"]["target"]["name"], "species")

    def test_read_takes_the_two_paths(self):
        model = sluice_model.read(self.path("model.json"), self.path("metadata.json"))
        self.assertEqual(model["name"], "iris")

    def test_refuses_a_tampered_model(self):
        with open(self.path("model.json"), "rb") as handle:
            data = bytearray(handle.read())
        position = data.index(b'"species"') + 1
        data[position] = ord("S")
        with open(self.path("model.json"), "wb") as handle:
            handle.write(bytes(data))
        self.refuses(self.path("model.json"), "SHA-256 is " + hashlib.sha256(bytes(data)).hexdigest(),
                     "artifact.sha256", "republish it with `sluice apply`")

    def test_refuses_a_missing_model_or_metadata(self):
        os.unlink(self.path("model.json"))
        self.refuses(self.path("model.json"), "no such file")
        os.unlink(self.path("metadata.json"))
        self.refuses(self.path("metadata.json"), "no such file")

    def test_refuses_another_format_name(self):
        model = json.load(open(self.path("model.json")))
        model["format"] = "onnx"
        self.republish(model)
        self.refuses(self.path("model.json"), 'field format is "onnx", expected "sluice.model"')

    def test_refuses_a_format_version_it_does_not_read(self):
        model = json.load(open(self.path("model.json")))
        for version, shown in [(99, "99"), (1, "1"), ("3", '"3"'), (3.5, "3.5"), (True, "true")]:
            model["formatVersion"] = version
            self.republish(model)
            self.refuses("field formatVersion is %s;" % shown, "reads versions %d to %d" % (
                min(sluice_model.READABLE_FORMAT_VERSIONS), max(sluice_model.READABLE_FORMAT_VERSIONS)))
        del model["formatVersion"]
        self.republish(model)
        self.refuses("field formatVersion is missing")

    def test_refuses_metadata_without_a_digest(self):
        metadata = json.load(open(self.path("metadata.json")))
        metadata["artifact"]["sha256"] = "ABC"
        self.rewrite("metadata.json", metadata)
        self.refuses(self.path("metadata.json"), 'field artifact.sha256 is "ABC"')
        del metadata["artifact"]
        self.rewrite("metadata.json", metadata)
        self.refuses("field artifact is missing")
        del metadata["model"]
        self.rewrite("metadata.json", metadata)
        self.refuses("field model is missing")

    def test_refuses_files_that_are_not_json_objects(self):
        for content, fragment in [(b"[1, 2]", "not a JSON object"), (b'{"model": 1, "model": 2}', "appears twice"),
                                  (b'{"x": NaN}', "NaN is not a JSON number"), (b"\xff", "not UTF-8"), (b"{", "not valid JSON")]:
            with open(self.path("metadata.json"), "wb") as handle:
                handle.write(content)
            self.refuses(self.path("metadata.json"), fragment)


if __name__ == "__main__":
    unittest.main(verbosity=2)
