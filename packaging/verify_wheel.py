#!/usr/bin/env python3
"""Checks a wheel against its own RECORD, as the wheel specification defines it (pip does not): every
entry is listed with its urlsafe-base64 SHA-256 and size, and nothing is listed that is absent; the
`sluice` script is executable. Exits 1 naming the first problem. Run by scripts/package-check.

    packaging/verify_wheel.py dist/sluice-VERSION-py3-none-PLATFORM.whl
"""
import base64
import csv
import hashlib
import io
import sys
import zipfile


def main(path):
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        records = [n for n in names if n.endswith(".dist-info/RECORD")]
        if len(records) != 1:
            return "%s: expected one .dist-info/RECORD, found %s" % (path, records or "none")
        rows = list(csv.reader(io.StringIO(archive.read(records[0]).decode())))
        listed = {row[0] for row in rows}
        if set(names) != listed:
            return "%s: RECORD lists %s; the archive holds %s" % (path, sorted(listed - set(names)), sorted(set(names) - listed))
        for name, digest, size in rows:
            if name == records[0]:
                continue
            content = archive.read(name)
            actual = "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(content).digest()).rstrip(b"=").decode()
            if (digest, size) != (actual, str(len(content))):
                return "%s: %s is %s,%d but RECORD says %s,%s" % (path, name, actual, len(content), digest, size)
        scripts = [n for n in names if ".data/scripts/" in n]
        if [n.rsplit("/", 1)[1] for n in scripts] != ["sluice"]:
            return "%s: expected the one script sluice under .data/scripts/, found %s" % (path, scripts)
        mode = archive.getinfo(scripts[0]).external_attr >> 16
        if mode & 0o111 != 0o111:
            return "%s: %s has mode %o, not executable" % (path, scripts[0], mode)
    return None


if __name__ == "__main__":
    problem = main(sys.argv[1])
    if problem:
        sys.exit("verify_wheel: " + problem)
