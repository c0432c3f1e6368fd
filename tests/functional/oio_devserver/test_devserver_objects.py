# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Object upload, read-back and metadata (docs/oio-devserver.md, "Content routes")."""

import hashlib
import os
import re
import threading

from labenv import missing

from oiolab import cid_of


def test_upload_and_read_back_threecopies(lab, names):
    acct, ct = names
    data = os.urandom(2 * 1048576 + 1000)
    meta, chunks = lab.put_object(acct, ct, "big/obj", data, policy="THREECOPIES")
    assert meta["chunk-method"] == "plain/nb_copy=3"
    assert len(chunks) == 9  # 3 metachunks x 3 copies
    for pos in ("0", "1", "2"):
        hosts = {c["url"].split("/")[2] for c in chunks if c["pos"] == pos}
        assert len(hosts) == 3, "replicas of one metachunk must be on distinct rawx"
    assert lab.fetch(acct, ct, "big/obj") == data
    loc = lab.px("GET", "content/locate", {"acct": acct, "ref": ct, "path": "big/obj"})
    assert loc.headers["x-oio-content-meta-size"] == str(len(data))
    assert loc.headers["x-oio-content-meta-length"] == str(len(data))
    assert loc.headers["x-oio-content-meta-hash"] == hashlib.md5(data).hexdigest().upper()
    assert loc.headers["x-oio-content-meta-policy"] == "THREECOPIES"
    assert loc.headers["x-oio-content-meta-hash-method"] == "md5"
    assert loc.headers["x-oio-content-meta-mime-type"] == "application/octet-stream"
    body = loc.json()
    assert {c["pos"] for c in body} == {"0", "1", "2"}
    assert all(c["hash"] == c["hash"].upper() and c["real_url"] == c["url"] for c in body)
    assert sorted(c["size"] for c in body if c["pos"] == "2") == [1000] * 3


def test_parallel_uploads(lab, names):
    acct, ct = names
    lab.create_container(acct, ct)
    blobs = {f"par-{i}": os.urandom(300000 + i) for i in range(8)}
    errors = []

    def one(name):
        try:
            lab.put_object(acct, ct, name, blobs[name], policy="TWOCOPIES")
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(n,)) for n in blobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for name, data in blobs.items():
        assert lab.fetch(acct, ct, name) == data
    info = lab.px("GET", "container/show", {"acct": acct, "ref": ct})
    assert info.headers["x-oio-container-meta-sys-m2-objects"] == "8"
    assert info.headers["x-oio-container-meta-sys-m2-usage"] == str(sum(map(len, blobs.values())))


def test_ec_object_positions_and_sizes(lab, names):
    acct, ct = names
    data = os.urandom(7 * 1048576)  # EC 6+3 with 1 MiB chunks: metachunks of 6 MiB
    meta, chunks = lab.put_object(acct, ct, "ec", data, policy="EC")
    assert meta["chunk-method"] == "ec/algo=liberasurecode_rs_vand,k=6,m=3"
    loc = lab.px("GET", "content/locate", {"acct": acct, "ref": ct, "path": "ec"}).json()
    assert sorted(c["pos"] for c in loc) == sorted(f"{m}.{i}" for m in (0, 1) for i in range(9))
    for m, msize in ((0, 6 * 1048576), (1, 1048576)):
        group = [c for c in loc if c["pos"].startswith(f"{m}.")]
        assert len({c["url"].split("/")[2] for c in group}) == 9
        assert {c["size"] for c in group} == {msize}


def test_empty_object(lab, names):
    acct, ct = names
    meta, chunks = lab.put_object(acct, ct, "empty", b"", policy="SINGLE")
    assert len(chunks) == 1 and chunks[0]["pos"] == "0"
    assert lab.fetch(acct, ct, "empty") == b""
    props = lab.px("POST", "content/get_properties", {"acct": acct, "ref": ct, "path": "empty"})
    assert props.headers["x-oio-content-meta-size"] == "0"


def test_prepare2_response(lab, names):
    acct, ct = names
    resp = lab.px("POST", "content/prepare2", {"acct": acct, "ref": ct, "path": "x"},
                  {"size": 3 * 1048576, "policy": "THREECOPIES"})
    assert resp.status == 200
    chunk_size = int(resp.headers["x-oio-ns-chunk-size"])
    assert chunk_size == 1048576
    body = resp.json()
    assert "properties" in body
    assert len(body["chunks"]) == 9
    for chunk in body["chunks"]:
        assert chunk["size"] == chunk_size and chunk["hash"] == "0" * 32
        chunk_id = chunk["url"].rsplit("/", 1)[1]
        assert len(chunk_id) == 64 and chunk_id == chunk_id.upper()
    assert resp.headers["x-oio-content-meta-size"] == str(3 * 1048576)
    for key in ("size", "length", "policy", "hash-method", "mime-type", "chunk-method", "id", "name", "version",
                "deleted", "ctime", "mtime"):
        assert "x-oio-content-meta-" + key in resp.headers
    assert len(resp.headers["x-oio-content-meta-id"]) == 32
    # the container need not exist, and nothing is created by prepare
    assert lab.px("GET", "container/show", {"acct": acct, "ref": ct}).status == 404
    legacy = lab.px("POST", "content/prepare", {"acct": acct, "ref": ct, "path": "x"}, {"size": "10"})
    assert legacy.status == 200 and isinstance(legacy.json(), list)
    assert legacy.headers["x-oio-content-meta-policy"] == "THREECOPIES"  # namespace default
    fixed = lab.px("POST", "content/prepare2",
                   {"acct": acct, "ref": ct, "path": "x", "version": 42, "content": "AB" * 16}, {"size": 1, "position": 3})
    assert fixed.headers["x-oio-content-meta-version"] == "42"
    assert fixed.headers["x-oio-content-meta-id"] == "AB" * 16
    assert {c["pos"] for c in fixed.json()["chunks"]} == {"3"}
    ec = lab.px("POST", "content/prepare2", {"acct": acct, "ref": ct, "path": "x"}, {"size": 1, "policy": "EC"})
    assert sorted(c["pos"] for c in ec.json()["chunks"]) == [f"0.{i}" for i in range(9)]


def test_predictable_chunk_ids(lab, names):
    acct, ct = names
    assert lab.px("POST", "config", body={"core.lb.generate_random_chunk_ids": "false"}).status == 200
    try:
        resp = lab.px("POST", "content/prepare2", {"acct": acct, "ref": ct, "path": "p", "version": 7},
                      {"size": 1, "policy": "TWOCOPIES"})
    finally:
        lab.px("POST", "config", body={"core.lb.generate_random_chunk_ids": "true"})
    expected = hashlib.sha256(f"{cid_of(acct, ct)}p70TWOCOPIES".encode()).hexdigest().upper()
    chunks = resp.json()["chunks"]
    assert [c["url"].rsplit("/", 1)[1] for c in chunks] == [expected, expected]
    assert chunks[0]["url"] != chunks[1]["url"]


def test_backblaze_policy(lab, names):
    """BACKBLAZE, on the b2 lab service's account and bucket: pseudo-URLs b2/<CHUNKID>, one per metachunk."""
    account_id, bucket = os.environ.get("B2_ACCOUNT_ID"), os.environ.get("B2_BUCKET")
    if not account_id or not bucket:
        missing("the b2 lab service is not running (tests/lab/lab up b2)")
    acct, ct = names
    method = f"backblaze/account_id={account_id},bucket_name={bucket}"
    info = lab.px("GET", "conscience/info").json()
    assert info["storage_policy"]["BACKBLAZE"] == "NONE:BACKBLAZE"
    assert info["data_security"]["BACKBLAZE"] == method + ",min_dist=0,nb_copy=1"
    prep = lab.px("POST", "content/prepare2", {"acct": acct, "ref": ct, "path": "b"}, {"size": 2 * 1048576 + 1, "policy": "BACKBLAZE"})
    assert prep.status == 200 and prep.headers["x-oio-content-meta-chunk-method"] == method
    chunks = prep.json()["chunks"]
    assert [c["pos"] for c in chunks] == ["0", "1", "2"]
    assert all(re.fullmatch(r"b2/[0-9A-F]{64}", c["url"]) for c in chunks), chunks
    # The client stores the data in B2; meta2 records the chunks (hash = running MD5 of the object).
    data = os.urandom(2 * 1048576 + 1)
    uploaded = [{"url": c["url"], "pos": c["pos"], "size": min(1048576, len(data) - i * 1048576),
                 "hash": hashlib.md5(data[:(i + 1) * 1048576]).hexdigest().upper()} for i, c in enumerate(chunks)]
    headers = {"x-oio-content-meta-length": str(len(data)), "x-oio-content-meta-hash": hashlib.md5(data).hexdigest(),
               "x-oio-content-meta-id": prep.headers["x-oio-content-meta-id"], "x-oio-content-meta-policy": "BACKBLAZE",
               "x-oio-content-meta-version": prep.headers["x-oio-content-meta-version"],
               "x-oio-content-meta-chunk-method": method, "x-oio-action-mode": "autocreate"}
    resp = lab.px("POST", "content/create", {"acct": acct, "ref": ct, "path": "b"}, {"chunks": uploaded, "properties": {}}, headers)
    assert resp.status == 204, resp
    located = lab.px("GET", "content/locate", {"acct": acct, "ref": ct, "path": "b"})
    assert sorted(c["url"] for c in located.json()) == sorted(c["url"] for c in chunks)
    assert located.headers["x-oio-content-meta-policy"] == "BACKBLAZE"
    # Forgetting the chunks does not touch any rawx (no GC of B2 pseudo-URLs in the dev server).
    assert lab.px("POST", "content/delete", {"acct": acct, "ref": ct, "path": "b"}).status == 204
