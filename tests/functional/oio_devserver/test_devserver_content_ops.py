# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Content routes beyond upload: versioning, delete, properties, append, truncate, drain…."""

import hashlib
import os
import secrets

from oiolab import fullpath


def q(names, **extra):
    return {"acct": names[0], "ref": names[1], **extra}


def versions(lab, names):
    return [(o["name"], o["version"], o["deleted"]) for o in lab.list(*names, all=1).json()["objects"]]


def test_versioning_suspended_replaces(lab, names):
    lab.create_container(*names)
    _meta, old = lab.put_object(*names, "o", b"first", policy="SINGLE")
    lab.put_object(*names, "o", b"second!", policy="SINGLE")
    assert len(versions(lab, names)) == 1
    assert lab.fetch(*names, "o") == b"second!"
    assert lab.request("HEAD", old[0]["url"]).status == 404, "replaced chunks are garbage-collected"
    h = lab.px("GET", "container/show", q(names)).headers
    assert (h["x-oio-container-meta-sys-m2-objects"], h["x-oio-container-meta-sys-m2-usage"]) == ("1", "7")


def test_same_version_conflict_and_force(lab, names):
    lab.create_container(*names)
    meta, _chunks = lab.put_object(*names, "o", b"abc", policy="SINGLE", version=1000)
    resp, _meta, _chunks = lab.upload(*names, "o", b"xyz", policy="SINGLE", version=1000)
    assert resp.status == 409 and resp.json()["status"] == 421
    resp, _meta, _chunks = lab.upload(*names, "o", b"xyz", policy="SINGLE", version=1000, fields={"force": 1})
    assert resp.status == 204
    assert lab.fetch(*names, "o") == b"xyz"


def test_older_version_rejected_unless_versioning(lab, names):
    lab.create_container(*names)
    lab.put_object(*names, "o", b"new", policy="SINGLE", version=2000)
    resp, _meta, _chunks = lab.upload(*names, "o", b"old", policy="SINGLE", version=1000)
    assert resp.status == 409 and resp.json()["status"] == 424
    lab.px("POST", "container/set_properties", q(names), {"system": {"sys.m2.policy.version": "-1"}})
    resp, _meta, _chunks = lab.upload(*names, "o", b"old", policy="SINGLE", version=1000)
    assert resp.status == 204
    assert [v[1] for v in versions(lab, names)] == [2000, 1000]


def test_versioning_limited_purges(lab, names):
    """Exceeding versions go at put time only with sys.m2.policy.version.delete_exceeding set."""
    lab.create_container(*names, {"system": {"sys.m2.policy.version": "2",
                                             "sys.m2.policy.version.delete_exceeding": "1"}})
    for i in range(4):
        lab.put_object(*names, "o", str(i).encode(), policy="SINGLE", version=100 + i)
    assert [v[1] for v in versions(lab, names)] == [103, 102]
    assert lab.px("GET", "container/show", q(names)).headers["x-oio-container-meta-sys-m2-objects"] == "2"


def test_delete_markers(lab, names):
    lab.create_container(*names, {"system": {"sys.m2.policy.version": "-1"}})
    lab.put_object(*names, "o", b"data", policy="SINGLE", version=500)
    assert lab.px("POST", "content/delete", q(names, path="o")).status == 204
    assert versions(lab, names) == [("o", 501, True), ("o", 500, False)]
    loc = lab.px("GET", "content/locate", q(names, path="o"))
    assert loc.status == 404 and loc.json()["status"] == 426
    shown = lab.px("GET", "content/locate", q(names, path="o", deleted="true"))
    assert shown.status == 200 and shown.headers["x-oio-content-meta-deleted"] == "True"
    props = lab.px("POST", "content/get_properties", q(names, path="o"))
    assert props.status == 200 and props.headers["x-oio-content-meta-deleted"] == "True"
    assert lab.fetch(*names, "o", version=500) == b"data"
    # deleting again with the marker as latest really removes the marker
    assert lab.px("POST", "content/delete", q(names, path="o")).status == 204
    assert versions(lab, names) == [("o", 500, False)]
    assert lab.px("POST", "content/delete", q(names, path="o", version=500)).status == 204
    assert versions(lab, names) == []
    gone = lab.px("POST", "content/delete", q(names, path="o"))
    assert gone.status == 404 and gone.json()["status"] == 420
    lab.put_object(*names, "p", b"data", policy="SINGLE", version=700)
    assert lab.px("POST", "content/delete", q(names, path="p", version=700, delete_marker=1)).status == 204
    assert versions(lab, names) == [("p", 701, True), ("p", 700, False)]


def test_delete_with_version_when_disabled(lab, names):
    lab.create_container(*names, {"system": {"sys.m2.policy.version": "0"}})
    lab.put_object(*names, "o", b"data", policy="SINGLE", version=10)
    assert lab.px("POST", "content/delete", q(names, path="o", version=10)).status == 400
    assert lab.px("POST", "content/delete", q(names, path="o")).status == 204


def test_delete_many(lab, names):
    for name in ("a", "b"):
        lab.put_object(*names, name, b"x", policy="SINGLE")
    resp = lab.px("POST", "content/delete_many", q(names), {"contents": [{"name": "a"}, {"name": "zz"}, {"name": "b"}]})
    assert resp.status == 200
    assert [(r["name"], r["status"]) for r in resp.json()["contents"]] == [("a", 204), ("zz", 420), ("b", 204)]
    assert lab.px("POST", "content/delete_many", q(names), {"contents": []}).status == 400
    big = lab.px("POST", "content/delete_many", q(names), {"contents": [{"name": str(i)} for i in range(101)]})
    assert big.status == 413


def test_object_properties(lab, names):
    lab.put_object(*names, "o", b"x", policy="SINGLE", properties={"a": "1", "__OIO_CHUNK__http://x/y": "{}"})
    get = lab.px("POST", "content/get_properties", q(names, path="o"))
    assert get.status == 200 and get.json() == {"properties": {"a": "1"}}
    assert get.headers["x-oio-content-meta-name"] == "o" and get.headers["x-oio-content-meta-hash-method"] == "md5"
    assert lab.px("POST", "content/set_properties", q(names, path="o"), {"properties": {"b": "2"}}).status == 204
    assert lab.px("POST", "content/get_properties", q(names, path="o")).json()["properties"] == {"a": "1", "b": "2"}
    assert lab.px("POST", "content/set_properties", q(names, path="o", flush=1), {"properties": {"c": "3"}}).status == 204
    assert lab.px("POST", "content/get_properties", q(names, path="o")).json()["properties"] == {"c": "3"}
    assert lab.px("POST", "content/set_properties", q(names, path="o"), {"x": 1}).status == 400
    assert lab.px("POST", "content/set_properties", q(names, path="o", content="AB" * 16),
                  {"properties": {}}).status == 400
    assert lab.px("POST", "content/del_properties", q(names, path="o"), {"c": 1}).status == 400
    assert lab.px("POST", "content/del_properties", q(names, path="o"), ["c"]).status == 204
    assert lab.px("POST", "content/get_properties", q(names, path="o")).json()["properties"] == {}
    lab.px("POST", "content/set_properties", q(names, path="o"), {"properties": {"shown": "yes"}})
    loc = lab.px("GET", "content/locate", q(names, path="o"))
    assert loc.headers["x-oio-content-meta-shown"] == "yes"
    hidden = lab.px("GET", "content/locate", q(names, path="o", properties="false"))
    assert "x-oio-content-meta-shown" not in hidden.headers


def test_append(lab, names):
    first = os.urandom(1048576)
    lab.put_object(*names, "o", first, policy="TWOCOPIES")
    more = b"tail-bytes"
    resp, _meta, _chunks = lab.upload(*names, "o", more, policy="TWOCOPIES", fields={"append": 1})
    assert resp.status == 204
    loc = lab.px("GET", "content/locate", q(names, path="o"))
    assert loc.headers["x-oio-content-meta-size"] == str(len(first) + len(more))
    assert loc.headers["x-oio-content-meta-hash"] == ""
    assert sorted({c["pos"] for c in loc.json()}) == ["0", "1"]
    assert lab.fetch(*names, "o") == first + more
    assert len(versions(lab, names)) == 1
    h = lab.px("GET", "container/show", q(names)).headers
    assert h["x-oio-container-meta-sys-m2-usage"] == str(len(first) + len(more))


def test_truncate(lab, names):
    data = os.urandom(2 * 1048576 + 10)
    lab.put_object(*names, "o", data, policy="SINGLE")
    assert lab.px("POST", "content/truncate", q(names, path="o", size=len(data) + 1)).status == 400
    assert lab.px("POST", "content/truncate", q(names, path="o", size=1000)).status == 400
    assert lab.px("POST", "content/truncate", q(names, path="o", size=1048576)).status == 204
    loc = lab.px("GET", "content/locate", q(names, path="o"))
    assert loc.headers["x-oio-content-meta-size"] == "1048576" and loc.headers["x-oio-content-meta-hash"] == ""
    assert [c["pos"] for c in loc.json()] == ["0"]
    assert lab.fetch(*names, "o") == data[:1048576]


def test_update_replaces_one_metachunk(lab, names):
    data = os.urandom(1048576 + 500)
    meta, _chunks = lab.put_object(*names, "o", data, policy="SINGLE")
    # re-upload metachunk 1 shorter (what object_truncate does), then content/update
    prep = lab.px("POST", "content/prepare2", q(names, path="o", version=meta["version"]),
                  {"size": 1, "policy": "SINGLE", "position": 1}).json()["chunks"]
    piece = data[1048576:1048576 + 100]
    url = prep[0]["url"]
    put = lab.put_chunk(url, piece, {"policy": "SINGLE", "chunk_method": "plain/nb_copy=1", "pos": "1",
                                     "fullpath": fullpath(*names, "o", meta["version"], meta["id"])})
    assert put.status == 201
    resp = lab.px("POST", "content/update", q(names, path="o"),
                  [{"url": url, "pos": "1", "size": 100, "hash": hashlib.md5(piece).hexdigest()}],
                  {"x-oio-content-meta-id": meta["id"], "x-oio-content-meta-size": str(1048576 + 100)})
    assert resp.status == 204
    loc = lab.px("GET", "content/locate", q(names, path="o"))
    assert loc.headers["x-oio-content-meta-size"] == str(1048576 + 100)
    assert lab.fetch(*names, "o") == data[:1048576 + 100]


def test_drain(lab, names):
    _meta, chunks = lab.put_object(*names, "o", b"payload", policy="SINGLE", properties={"k": "v"})
    assert lab.px("POST", "content/drain", q(names, path="o")).status == 204
    assert lab.request("HEAD", chunks[0]["url"]).status == 404
    for method, route, fields in (("GET", "content/locate", {}), ("GET", "content/show", {}),
                                  ("POST", "content/truncate", {"size": 0})):
        resp = lab.px(method, route, q(names, path="o", **fields))
        assert resp.status == 410 and resp.json()["status"] == 427, (route, resp)
    resp, _meta, _chunks = lab.upload(*names, "o", b"more", policy="SINGLE", fields={"append": 1})
    assert resp.status == 410 and resp.json()["status"] == 427
    props = lab.px("POST", "content/get_properties", q(names, path="o"))
    assert props.json()["properties"] == {"k": "v"}
    assert props.headers["x-oio-content-meta-chunk-method"] == "drained"
    assert props.headers["x-oio-content-meta-size"] == "7"
    assert lab.px("POST", "content/delete", q(names, path="o")).status == 204


def test_touch_and_purge(lab, names):
    assert lab.px("POST", "content/touch", q(names, path="nope")).status == 404
    lab.create_container(*names, {"system": {"sys.m2.policy.version": "-1"}})
    for i in range(3):
        lab.put_object(*names, "o", b"v", policy="SINGLE", version=10 + i)
    assert lab.px("POST", "content/touch", q(names, path="o")).status == 204
    assert lab.px("POST", "content/purge", q(names, path="o", maxvers=1)).status == 204
    assert versions(lab, names) == [("o", 12, False)]


def test_change_policy(lab, names):
    data = os.urandom(5000)
    meta, old = lab.put_object(*names, "o", data, policy="SINGLE")
    resp, _meta, new = lab.upload(*names, "o", data, policy="TWOCOPIES", version=int(meta["version"]),
                                  fields={"change_policy": 1})
    assert resp.status == 204
    loc = lab.px("GET", "content/locate", q(names, path="o"))
    assert loc.headers["x-oio-content-meta-policy"] == "TWOCOPIES"
    assert loc.headers["x-oio-content-meta-version"] == meta["version"]
    assert len(loc.json()) == 2
    assert lab.request("HEAD", old[0]["url"]).status == 404
    assert lab.fetch(*names, "o") == data


def test_spare(lab, names):
    _meta, chunks = lab.put_object(*names, "o", b"x" * 100, policy="THREECOPIES")
    body = {"notin": chunks[1:], "broken": chunks[:1]}
    resp = lab.px("POST", "content/spare", q(names, path="o", stgpol="THREECOPIES", position="0"), body)
    assert resp.status == 200
    spare = resp.json()["chunks"]
    assert len(spare) == 1
    used = {c["url"].split("/")[2] for c in chunks}
    assert spare[0]["id"].split("/")[2] not in used


def test_raw_update(lab, names):
    meta, chunks = lab.put_object(*names, "o", b"z" * 10, policy="SINGLE")
    copy_url = chunks[0]["url"][:-64] + secrets.token_hex(32).upper()
    copy = lab.request("COPY", chunks[0]["url"], headers={
        "Destination": copy_url, "x-oio-chunk-meta-full-path": fullpath(*names, "o", meta["version"], meta["id"])})
    assert copy.status == 201
    bean = {"type": "chunk", "id": chunks[0]["url"], "hash": chunks[0]["hash"], "size": 10, "pos": "0",
            "content": meta["id"]}
    resp = lab.px("POST", "container/raw_update", q(names), {"old": [bean], "new": [dict(bean, id=copy_url)]})
    assert resp.status == 204
    assert [c["url"] for c in lab.px("GET", "content/locate", q(names, path="o")).json()] == [copy_url]
    assert lab.px("POST", "container/raw_update", q(names), {"old": [bean], "new": []}).status == 400


def test_force_and_simulate_versioning_headers(lab, names):
    lab.create_container(*names)
    lab.put_object(*names, "o", b"1", policy="SINGLE", version=1)
    resp, _meta, _chunks = lab.upload(*names, "o", b"2", policy="SINGLE", version=2,
                                      headers={"x-oio-simulate-versioning": "1"})
    assert resp.status == 204
    assert [v[1] for v in versions(lab, names)] == [2, 1]
    deleted = lab.px("POST", "content/delete", q(names, path="o"), headers={"x-oio-force-versioning": "-1"})
    assert deleted.status == 204
    assert versions(lab, names) == [("o", 3, True), ("o", 2, False), ("o", 1, False)]
    # without the header the container's default (suspended) applies again: the marker is really deleted
    assert lab.px("POST", "content/delete", q(names, path="o")).status == 204
    assert [v[1] for v in versions(lab, names)] == [2, 1]
