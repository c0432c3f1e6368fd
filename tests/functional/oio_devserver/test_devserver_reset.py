# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""`tests/lab/lab reset oio` gives an empty namespace on the same endpoints, as a new one would be."""

import os
import subprocess
from pathlib import Path

from oiolab import Lab, settings

REPO = Path(__file__).resolve().parents[3]
LAB_DIR = Path(os.environ.get("LAB_DIR", REPO / ".lab"))


def test_reset_empties_the_namespace(lab, names):
    acct, ct = names
    lab.create_container(acct, ct, {"properties": {"color": "green"}})
    _meta, chunks = lab.put_object(acct, ct, "obj", b"data" * 100, policy="TWOCOPIES")
    lab.px("POST", "reference/create", {"acct": acct, "ref": ct + "-ref"})
    assert lab.px("POST", "config", body={"meta2.max_versions": "3", "lab.reset.key": "x"}).status == 200
    env = (LAB_DIR / "env" / "oio.env").read_text()
    subprocess.run([str(REPO / "tests" / "lab" / "lab"), "reset", "oio"], check=True, capture_output=True)
    assert (LAB_DIR / "env" / "oio.env").read_text() == env, "same endpoints after a reset"
    fresh = Lab()
    for ref in (ct, ct + "-ref"):
        resp = fresh.px("GET", "reference/show", {"acct": acct, "ref": ref})
        assert (resp.status, resp.json()) == (404, {"status": 406, "message": "Reference not found"})
    assert fresh.acct("GET", "/v1.0/account/show", {"id": acct}).status == 404
    assert fresh.acct("GET", "/v1.0/account/list").json() == []
    for chunk in chunks:
        assert fresh.request("GET", chunk["url"]).status == 404
    assert fresh.px("GET", "config").json()["meta2.max_versions"] == "1"
    status = fresh.admin("status")
    assert all(r["running"] for r in status["rawx"]) and len(status["rawx"]) == int(os.environ["OIO_RAWX_COUNT"])


def test_reset_is_as_new(lab, own_lab):
    """After a reset, what the namespace shows (configuration, namespace info, service types, accounts) is what
    a namespace started for the first time shows."""
    run, lab_dir = own_lab
    lab.px("POST", "config", body={"lab.reset.key": "x", "ns.chunk_size": "2097152"})
    lab.acct("PUT", "/v1.0/account/create", {"id": "acct-reset-as-new"})
    subprocess.run([str(REPO / "tests" / "lab" / "lab"), "reset", "oio"], check=True, capture_output=True)
    run("up", "oio", *(["b2"] if os.environ.get("B2_URL") else []))  # BACKBLAZE on both sides, or on none
    new, reset = Lab(settings(lab_dir, "oio")), Lab()
    for probe in (lambda c: c.px("GET", "config"), lambda c: c.px("GET", "conscience/info"),
                  lambda c: c.px("GET", "conscience/info", {"what": "types"}),
                  lambda c: c.acct("GET", "/v1.0/account/list")):
        got, want = probe(reset), probe(new)
        assert (got.status, got.json()) == (want.status, want.json())
