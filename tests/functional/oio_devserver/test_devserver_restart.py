# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""State survives a restart of the namespace through the lab (tests/lab/lab down/up oio)."""

import hashlib
import os
import subprocess
from pathlib import Path

from oiolab import Lab

REPO = Path(__file__).resolve().parents[3]
LAB_DIR = Path(os.environ.get("LAB_DIR", REPO / ".lab"))


def lab_cmd(*args):
    return subprocess.run([str(REPO / "tests" / "lab" / "lab"), *args], check=True, capture_output=True, text=True)


def test_restart_keeps_everything(lab, names):
    acct, ct = names
    plain = os.urandom(1048576 + 77)
    ec = os.urandom(200000)
    lab.create_container(acct, ct, {"properties": {"color": "green"}, "system": {"sys.m2.policy.version": "-1"}})
    lab.put_object(acct, ct, "plain", plain, policy="THREECOPIES", properties={"k": "v"})
    lab.put_object(acct, ct, "v", b"one", policy="SINGLE", version=10)
    lab.put_object(acct, ct, "v", b"two", policy="SINGLE", version=11)
    lab.put_object(acct, ct, "ec", ec, policy="EC")
    lab.acct("PUT", "/v1.0/account/update", {"id": acct}, {"metadata": {"owner": "me"}})
    before = {
        "list": lab.list(acct, ct, all=1).json(),
        "locate": lab.px("GET", "content/locate", {"acct": acct, "ref": ct, "path": "ec"}).json(),
        "account": lab.acct("GET", "/v1.0/account/show", {"id": acct}).json(),
        "env": (LAB_DIR / "env" / "oio.env").read_text(),
    }
    lab_cmd("down", "oio")
    lab_cmd("up", "oio")
    assert (LAB_DIR / "env" / "oio.env").read_text() == before["env"], "same endpoints after a restart"
    fresh = Lab()
    assert fresh.list(acct, ct, all=1).json() == before["list"]
    assert fresh.fetch(acct, ct, "plain") == plain
    assert fresh.fetch(acct, ct, "v", version=10) == b"one"
    assert fresh.fetch(acct, ct, "v") == b"two"
    assert fresh.px("POST", "content/get_properties", {"acct": acct, "ref": ct, "path": "plain"}).json() == {
        "properties": {"k": "v"}}
    assert fresh.px("GET", "container/show", {"acct": acct, "ref": ct}).json() == {"properties": {"color": "green"}}
    located = fresh.px("GET", "content/locate", {"acct": acct, "ref": ct, "path": "ec"}).json()
    assert located == before["locate"]
    for chunk in located:
        head = fresh.request("HEAD", chunk["url"], headers={"x-oio-check-hash": "true"})
        assert head.status == 200 and head.headers["x-oio-chunk-meta-metachunk-hash"] == hashlib.md5(ec).hexdigest().upper()
    after = fresh.acct("GET", "/v1.0/account/show", {"id": acct}).json()
    assert after == before["account"] and after["metadata"] == {"owner": "me"}
