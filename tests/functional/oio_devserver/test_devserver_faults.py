# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Lab fault controls: stop/start one rawx, corrupt or remove one chunk (admin port and CLI)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import urllib3

REPO = Path(__file__).resolve().parents[3]


def test_stop_and_start_rawx(lab, names):
    _meta, chunks = lab.put_object(*names, "o", b"still here", policy="SINGLE")
    addr = chunks[0]["url"].split("/")[2]
    lab.admin("rawx/stop", service=addr)
    try:
        with pytest.raises(urllib3.exceptions.HTTPError):
            urllib3.PoolManager(retries=False).request("GET", chunks[0]["url"], timeout=5)
        svc = next(s for s in lab.px("GET", "conscience/list", {"type": "rawx"}).json() if s["addr"] == addr)
        assert svc["score"] == 0 and svc["tags"]["tag.up"] is False
        for _round in range(5):
            prep = lab.px("POST", "content/prepare2", {"acct": names[0], "ref": names[1], "path": "p"},
                          {"size": 1, "policy": "EC"}).json()["chunks"]
            assert addr not in {c["url"].split("/")[2] for c in prep}
        status = lab.admin("status")
        assert next(r for r in status["rawx"] if r["addr"] == addr)["running"] is False
    finally:
        lab.admin("rawx/start", service=addr)
    assert lab.fetch(*names, "o") == b"still here"


def test_corrupt_chunk(lab, names):
    data = os.urandom(4096)
    _meta, chunks = lab.put_object(*names, "o", data, policy="SINGLE")
    url = chunks[0]["url"]
    lab.admin("chunk/corrupt", url=url)
    got = lab.request("GET", url)
    assert got.status == 200 and len(got.data) == len(data) and got.data != data
    assert lab.request("HEAD", url, headers={"x-oio-check-hash": "true"}).status == 412


def test_remove_chunk(lab, names):
    _meta, chunks = lab.put_object(*names, "o", b"three copies", policy="THREECOPIES")
    lab.admin("chunk/remove", url=chunks[0]["url"])
    assert lab.request("GET", chunks[0]["url"]).status == 404
    assert lab.request("GET", chunks[1]["url"]).data == b"three copies"


def test_admin_cli(lab):
    env = dict(os.environ, PYTHONPATH=str(REPO / "tests" / "lab" / "oio"), OIO_ADMIN_URL=lab.admin_url)
    out = subprocess.run([sys.executable, "-m", "oio_devserver", "admin", "status"], env=env, check=True,
                         capture_output=True, text=True).stdout
    status = json.loads(out)
    assert len(status["rawx"]) == len(lab.px("GET", "conscience/list", {"type": "rawx"}).json())
    last = status["rawx"][-1]["addr"]
    subprocess.run([sys.executable, "-m", "oio_devserver", "admin", "stop-rawx", last], env=env, check=True,
                   capture_output=True)
    try:
        assert next(r for r in lab.admin("status")["rawx"] if r["addr"] == last)["running"] is False
        subprocess.run([sys.executable, "-m", "oio_devserver", "admin", "start-rawx", last], env=env, check=True,
                       capture_output=True)
        assert lab.request("GET", f"http://{last}/info").status == 200
        lab.admin("rawx/stop", service="0")
        lab.admin("rawx/stop", service="1")
        subprocess.run([sys.executable, "-m", "oio_devserver", "admin", "start-all-rawx"], env=env, check=True,
                       capture_output=True)
        assert all(r["running"] for r in lab.admin("status")["rawx"])
    finally:
        lab.admin("rawx/start-all")
