"""Read a model that Sluice published: ``model.json`` and ``metadata.json``, digest verified.

A directory deploy target (and ``sluice serve``'s repository) holds two files per model:
``model.json``, the artifact (a JSON document, never code), and ``metadata.json``, which names the
model, the version and the artifact's SHA-256. This module reads both into plain Python data and
refuses a model whose bytes do not hash to the digest ``metadata.json`` records, exactly as
``sluice serve`` does. It makes no predictions: for predictions in Python, export the model to ONNX
(``sluice export NAME --format onnx``) and run it with onnxruntime.

    >>> import sluice_model
    >>> model = sluice_model.load("deploy/iris")
    >>> model["name"], model["version"][:12], model["model"]["algorithm"]["name"]
    ('iris', '141fdf9d1857', 'random_forest')

Standard library only; Python 3.8 or later.
"""

import hashlib
import json
import os
import re

from ._build import FORMAT_NAME, READABLE_FORMAT_VERSIONS, __version__

__all__ = ["SluiceModelError", "load", "read", "FORMAT_NAME", "READABLE_FORMAT_VERSIONS", "__version__"]

_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MISSING = object()


class SluiceModelError(ValueError):
    """A published model that cannot be read: a missing or unreadable file, JSON that is not what
    Sluice publishes, a digest that does not match, or a format this module does not read. The
    message names the file, the field and the value, and says what to do."""


def load(directory):
    """Reads the model published in ``directory`` (its ``model.json`` and ``metadata.json``).

    Returns the dictionary :func:`read` returns. Raises :class:`SluiceModelError`.
    """
    directory = os.fspath(directory)
    return read(os.path.join(directory, "model.json"), os.path.join(directory, "metadata.json"))


def read(model_json_path, metadata_json_path):
    """Reads a published model, checking ``model_json_path``'s SHA-256 against the
    ``artifact.sha256`` that ``metadata_json_path`` records before parsing the model.

    Returns a dictionary with ``name`` (the model's name), ``version`` (its version id),
    ``sha256`` (the verified digest of ``model.json``), ``model`` (``model.json`` as a dict) and
    ``metadata`` (``metadata.json`` as a dict).

    Raises :class:`SluiceModelError` when a file is missing or unreadable, is not a JSON object,
    lacks a field, when the digest does not match, or when ``model.json``'s ``format`` is not
    ``sluice.model`` or its ``formatVersion`` is not one this module reads.
    """
    model_path = os.fspath(model_json_path)
    metadata_path = os.fspath(metadata_json_path)
    metadata = _json_object(_read_bytes(metadata_path), metadata_path)
    name = _string_field(metadata, "model", metadata_path)
    version = _string_field(metadata, "version", metadata_path)
    artifact = metadata.get("artifact", _MISSING)
    if not isinstance(artifact, dict):
        raise SluiceModelError(
            "%s: field artifact is %s, expected an object with sha256; this is not a metadata.json "
            "that Sluice published (republish the model with `sluice apply`)" % (metadata_path, _show(artifact)))
    expected = artifact.get("sha256", _MISSING)
    if not isinstance(expected, str) or not _SHA256.match(expected):
        raise SluiceModelError(
            "%s: field artifact.sha256 is %s, expected 64 lowercase hex digits; republish the model "
            "with `sluice apply`" % (metadata_path, _show(expected)))

    data = _read_bytes(model_path)
    actual = hashlib.sha256(data).hexdigest()
    if actual != expected:
        raise SluiceModelError(
            "%s: SHA-256 is %s but %s records artifact.sha256 %s: the model was changed or only "
            "partly written; do not use it, republish it with `sluice apply`" % (model_path, actual, metadata_path, expected))

    model = _json_object(data, model_path)
    found = model.get("format", _MISSING)
    if found != FORMAT_NAME:
        raise SluiceModelError(
            "%s: field format is %s, expected %s: this is not a Sluice model"
            % (model_path, _show(found), json.dumps(FORMAT_NAME)))
    format_version = model.get("formatVersion", _MISSING)
    if isinstance(format_version, bool) or not isinstance(format_version, int) or format_version not in READABLE_FORMAT_VERSIONS:
        raise SluiceModelError(
            "%s: field formatVersion is %s; sluice_model %s reads versions %d to %d: install the "
            "sluice wheel that matches the Sluice that published it, or retrain the model"
            % (model_path, _show(format_version), __version__, min(READABLE_FORMAT_VERSIONS), max(READABLE_FORMAT_VERSIONS)))
    return {"name": name, "version": version, "sha256": actual, "model": model, "metadata": metadata}


def _read_bytes(path):
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except FileNotFoundError:
        raise SluiceModelError(
            "%s: no such file; a published model is a directory holding model.json and metadata.json "
            "(what `sluice apply` writes to a directory deploy target)" % path) from None
    except OSError as error:
        raise SluiceModelError("%s: cannot be read (%s); check its permissions" % (path, error.strerror or error)) from None


def _json_object(data, path):
    try:
        value = json.loads(data.decode("utf-8"), object_pairs_hook=_unique_keys, parse_constant=_no_constant)
    except UnicodeDecodeError as error:
        raise SluiceModelError("%s: not UTF-8 (byte %d); Sluice writes UTF-8 JSON" % (path, error.start)) from None
    except ValueError as error:
        raise SluiceModelError("%s: not valid JSON (%s); republish the model with `sluice apply`" % (path, error)) from None
    if not isinstance(value, dict):
        raise SluiceModelError("%s: not a JSON object; republish the model with `sluice apply`" % path)
    return value


def _string_field(document, field, path):
    value = document.get(field, _MISSING)
    if not isinstance(value, str) or not value:
        raise SluiceModelError(
            "%s: field %s is %s, expected a non-empty string; this is not a metadata.json that Sluice "
            "published (republish the model with `sluice apply`)" % (path, field, _show(value)))
    return value


def _unique_keys(pairs):
    document = {}
    for key, value in pairs:
        if key in document:
            raise ValueError("key %s appears twice in one object" % json.dumps(key))
        document[key] = value
    return document


def _no_constant(name):
    raise ValueError("%s is not a JSON number" % name)


def _show(value):
    if value is _MISSING:
        return "missing"
    text = json.dumps(value)
    return text if len(text) <= 80 else text[:77] + "..."
