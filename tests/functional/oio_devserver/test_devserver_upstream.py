# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Behaviours of upstream's 7.3.0 proxy and meta2 that a client written for them relies on (B1-B14).

Each test asserts the status, the JSON error body and the effect on the namespace.
"""

import pytest

FROZEN = "4294967295"
META_HEADERS = ("size", "length", "policy", "hash", "hash-method", "mime-type", "chunk-method", "id", "name",
                "version", "deleted", "ctime", "mtime")


def q(names, **extra):
    return {"acct": names[0], "ref": names[1], **extra}


def error(resp, http, status, message):
    assert (resp.status, resp.json()) == (http, {"status": status, "message": message}), resp


def versions(lab, names):
    return [(o["version"], o["deleted"]) for o in lab.list(*names, all=1).json()["objects"]]


def system(lab, names):
    resp = lab.px("POST", "container/get_properties", q(names))
    assert resp.status == 200, resp
    return resp.json()["system"]


def raw(lab, route, query, method="POST"):
    """A proxy call whose query string is sent as given (already percent-encoded)."""
    return lab.request(method, f"{lab.proxy}/v3.0/{lab.ns}/{route}?{query}")


@pytest.mark.parametrize("route", ["content/prepare2", "content/prepare"])
def test_b1_prepare_sends_an_empty_hash_header(lab, names, route):
    resp = lab.px("POST", route, q(names, path="o"), {"size": 10, "policy": "SINGLE"})
    assert resp.status == 200, resp
    for key in META_HEADERS:
        assert "x-oio-content-meta-" + key in resp.headers, key
    assert resp.headers["x-oio-content-meta-hash"] == ""
    assert resp.headers["x-oio-ns-chunk-size"] == str(lab.px("GET", "conscience/info").json()["chunksize"])


def test_b2_locate_by_content_id(lab, names):
    lab.create_container(*names, {"system": {"sys.m2.policy.version": "-1"}})
    old, _chunks = lab.put_object(*names, "o", b"old", policy="SINGLE", version=100)
    lab.put_object(*names, "o", b"new", policy="SINGLE", version=200)
    by_path = lab.px("GET", "content/locate", q(names, path="o", version=100))
    for route in ("content/locate", "content/show"):
        # the version is read only with a path: here it is ignored
        by_id = lab.px("GET", route, q(names, content=old["id"], version=999))
        assert by_id.status == 200, by_id
        assert by_id.json() == by_path.json()
        assert by_id.headers["x-oio-content-meta-version"] == "100"
        assert by_id.headers["x-oio-content-meta-name"] == "o"
    error(lab.px("GET", "content/locate", q(names)), 400, 400, "Missing path and content")
    missing = lab.px("GET", "content/locate", q(names, content="AB" * 16))
    assert (missing.status, missing.json()["status"]) == (404, 420)


def test_b3_spare_is_a_load_balancer_action(lab, names):
    """No container is looked up (none exists here); stgpol and both keys are required."""
    route = "content/spare"
    error(lab.px("POST", route, q(names, position="0"), {"notin": [], "broken": []}), 400, 400,
          "'stgpol' field not a string")
    error(lab.px("POST", route, q(names, stgpol="THREECOPIES"), [1]), 400, 400, "Body is not a valid JSON object")
    error(lab.px("POST", route, q(names, stgpol="THREECOPIES"), {"broken": []}), 400, 400, "'notin' field missing")
    error(lab.px("POST", route, q(names, stgpol="THREECOPIES"), {"notin": []}), 400, 400, "'broken' field missing")
    plain = lab.px("POST", route, q(names, stgpol="THREECOPIES", position="0"), {"notin": [], "broken": []})
    assert plain.status == 200, plain
    body = plain.json()
    assert (body["aliases"], body["headers"], len(body["chunks"])) == ([], [], 3)
    assert len({c["id"].split("/")[2] for c in body["chunks"]}) == 3
    assert [p["key"] for p in body["properties"]] == ["__OIO_CHUNK__" + c["id"] for c in body["chunks"]]
    assert lab.px("GET", "reference/show", q(names)).status == 404, "the container was never looked up"
    placed = [{"url": c["id"], "pos": "0", "size": 1, "hash": "0" * 32} for c in body["chunks"]]
    error(lab.px("POST", route, q(names, stgpol="THREECOPIES", position="0"), {"notin": placed, "broken": []}),
          400, 400, "too many locations already known (3), maximum 3 locations for this storage policy")
    spare = lab.px("POST", route, q(names, stgpol="THREECOPIES", position="0"),
                   {"notin": placed[1:], "broken": placed[:1]})
    assert spare.status == 200, spare
    chunks = spare.json()["chunks"]
    assert len(chunks) == 1 and len(spare.json()["properties"]) == 1
    assert chunks[0]["id"].split("/")[2] not in {c["url"].split("/")[2] for c in placed}
    assert chunks[0]["pos"] == "0"


def test_b4_strict_utf8_ref_and_path(lab, names):
    acct, ct = names
    for route, method in (("container/create", "POST"), ("reference/create", "POST"), ("content/prepare2", "POST"),
                          ("container/show", "GET"), ("content/locate", "GET")):
        error(raw(lab, route, f"acct={acct}&ref=Beno%EEt&path=o", method), 400, 400,
              "Invalid parameter 'user', not UTF-8")
    error(raw(lab, "content/prepare2", f"acct={acct}&ref={ct}&path=Beno%EEt"), 400, 400,
          "Invalid parameter 'path', not UTF-8")
    assert lab.acct("GET", "/v1.0/account/show", {"id": acct}).status == 404, "nothing was created"
    assert raw(lab, "container/create", f"acct={acct}&ref=Beno%C3%AEt").status == 201  # UTF-8: accepted


def test_b5_snapshot_of_a_frozen_container_is_frozen(lab, names):
    acct, ct = names
    lab.put_object(acct, ct, "o", b"data", policy="SINGLE")
    assert lab.px("POST", "admin/freeze", q(names)).status == 200
    snap = (acct, ct + "-snap")
    assert lab.px("POST", "container/snapshot", q(names), {"account": acct, "container": snap[1]}).status == 204
    assert system(lab, snap)["sys.status"] == FROZEN
    assert system(lab, snap)["sys.user.name"] == snap[1]
    resp, _meta, _chunks = lab.upload(*snap, "new", b"x", policy="SINGLE")
    error(resp, 503, 436, "Container frozen")
    assert resp.headers["Retry-After"]
    error(lab.px("POST", "container/snapshot", q(names), {"account": acct, "container": snap[1]}), 400, 400,
          "Container already exists")
    error(lab.px("POST", "container/snapshot", q(names), {"account": acct}), 400, 400, "Missing field [container]")
    error(lab.px("POST", "container/snapshot", q(names), {"account": acct, "container": ct}), 400, 400,
          "The snapshot must either have a different name or be placed in another account")


def test_b6_destroy_keeps_the_reference(lab, names):
    lab.create_container(*names)
    assert lab.px("POST", "container/destroy", q(names)).status == 204
    show = lab.px("GET", "reference/show", q(names))
    assert show.status == 200 and show.json()["srv"] == []
    gone = lab.px("GET", "container/show", q(names))
    assert (gone.status, gone.json()["status"]) == (404, 431)
    assert lab.px("POST", "reference/destroy", q(names)).status == 204
    error(lab.px("GET", "reference/show", q(names)), 404, 406, "Reference not found")


def test_b7_create_many_checks_every_item_first(lab, names):
    acct, ct = names
    route = "container/create_many"
    error(lab.px("POST", route, {}, {"containers": [{"name": ct}]}), 400, 400, "Missing account or namespace")
    error(lab.px("POST", route, {"acct": acct}, {"containers": {}}), 400, 400, "Invalid array of containers")
    error(lab.px("POST", route, {"acct": acct}, {"containers": [{"name": ct}, {"nom": "x"}]}), 400, 400,
          "Invalid payload")
    error(lab.px("POST", route, {"acct": acct}, {"containers": [{"name": ct}, "x"]}), 400, 400,
          "Invalid content description")
    assert lab.px("GET", "container/show", q(names)).status == 404, "nothing created before the checks passed"
    empty = lab.px("POST", route, {"acct": acct}, {"containers": []})
    assert (empty.status, empty.json()) == (200, {"containers": []})
    error(lab.px("POST", route, {"acct": acct}, {"containers": [{"name": str(i)} for i in range(101)]}),
          413, 413, "More than 100 requested")
    done = lab.px("POST", route, {"acct": acct}, {"containers": [{"name": ct}, {"name": ct}]})
    assert done.status == 200
    assert [(r["name"], r["status"]) for r in done.json()["containers"]] == [(ct, 201), (ct, 433)]


@pytest.mark.parametrize("declared", ["NONE", "plain", "None"])
def test_b8_policy_none_is_built_in(lab, names, declared):
    resp, _meta, _chunks = lab.upload(*names, "o", b"data", policy="SINGLE",
                                      headers={"x-oio-content-meta-policy": declared})
    assert resp.status == 204, resp
    loc = lab.px("GET", "content/locate", q(names, path="o"))
    assert loc.headers["x-oio-content-meta-policy"] == "NONE"
    prep = lab.px("POST", "content/prepare2", q(names, path="p"), {"size": 1, "policy": declared})
    assert prep.status == 200 and len(prep.json()["chunks"]) == 1
    assert prep.headers["x-oio-content-meta-chunk-method"] == "plain/nb_copy=1"


def test_b9_delete_markers(lab, names):
    acct, ct = names
    # versioning disabled: no version may be given
    disabled = (acct, ct + "-off")
    lab.create_container(*disabled, {"system": {"sys.m2.policy.version": "0"}})
    lab.put_object(*disabled, "o", b"x", policy="SINGLE", version=10)
    error(lab.px("POST", "content/delete", q(disabled, path="o", version=10)), 400, 400,
          "Versioning not supported and version specified")
    # suspended (the default): the flag is refused, a plain delete really deletes
    lab.put_object(*names, "o", b"x", policy="SINGLE", version=10)
    error(lab.px("POST", "content/delete", q(names, path="o", delete_marker=1)), 400, 400,
          "Versioning not enabled and delete marker specified")
    assert versions(lab, names) == [(10, False)]
    many = lab.px("POST", "content/delete_many", q(names, delete_marker=1), {"contents": [{"name": "o"}]})
    assert many.json()["contents"][0]["status"] == 400
    assert lab.px("POST", "content/delete", q(names, path="o")).status == 204
    assert versions(lab, names) == []
    # enabled
    enabled = (acct, ct + "-on")
    lab.create_container(*enabled, {"system": {"sys.m2.policy.version": "2"}})
    for version in (500, 510, 520):
        lab.put_object(*enabled, "o", b"x", policy="SINGLE", version=version)
    assert lab.px("POST", "content/delete", q(enabled, path="o")).status == 204
    assert versions(lab, enabled) == [(521, True), (520, False), (510, False), (500, False)], "nothing purged"
    error(lab.px("POST", "content/delete", q(enabled, path="o", delete_marker=1)), 400, 400,
          "Alias is a delete marker and delete marker specified")
    assert lab.px("POST", "content/delete", q(enabled, path="o", version=500, delete_marker=1)).status == 204
    error(lab.px("POST", "content/delete", q(enabled, path="o", version=500, delete_marker=1)), 409, 421,
          "Delete marker error: Alias already present")
    assert lab.px("POST", "content/delete", q(enabled, path="o", version=510)).status == 204
    assert versions(lab, enabled) == [(521, True), (520, False), (501, True), (500, False)]


def test_b10_force_versioning_is_stored(lab, names):
    lab.create_container(*names)
    assert "sys.m2.policy.version" not in system(lab, names)
    resp, _meta, _chunks = lab.upload(*names, "o", b"x", policy="SINGLE", version=10,
                                      headers={"x-oio-force-versioning": "-1"})
    assert resp.status == 204
    assert system(lab, names)["sys.m2.policy.version"] == "-1"
    lab.put_object(*names, "o", b"y", policy="SINGLE", version=20)
    assert versions(lab, names) == [(20, False), (10, False)]
    assert lab.px("POST", "content/delete", q(names, path="o"), headers={"x-oio-force-versioning": "3"}).status == 204
    assert system(lab, names)["sys.m2.policy.version"] == "3"
    assert versions(lab, names)[0] == (21, True)
    many = lab.px("POST", "content/delete_many", q(names), {"contents": [{"name": "o", "version": 10}]},
                  headers={"x-oio-force-versioning": "0"})
    assert many.json()["contents"] == [{"name": "o", "version": "10", "status": 400,
                                        "message": "Versioning not supported and version specified"}]
    assert system(lab, names)["sys.m2.policy.version"] == "3", "rolled back with the refused delete"
    many = lab.px("POST", "content/delete_many", q(names), {"contents": [{"name": "o", "version": 10}]},
                  headers={"x-oio-force-versioning": "2"})
    assert many.json()["contents"][0]["status"] == 204
    assert system(lab, names)["sys.m2.policy.version"] == "2"
    # x-oio-simulate-versioning acts for the request only
    resp, _meta, _chunks = lab.upload(*names, "s", b"x", policy="SINGLE", headers={"x-oio-simulate-versioning": "1"})
    assert resp.status == 204 and system(lab, names)["sys.m2.policy.version"] == "2"


@pytest.mark.parametrize("route", ["container/raw_insert", "container/raw_delete"])
def test_b11_raw_body_checked_before_the_container(lab, names, route):
    """No container exists: an invalid body is 400, only a valid one reaches meta2 (404)."""
    chunk = {"type": "chunk", "id": "http://127.0.0.1:1/AB", "hash": "00" * 16, "size": 1, "content": "AB",
             "pos": "0"}
    error(lab.px("POST", route, q(names)), 400, 400, "Invalid JSON, exepecting array of beans")
    error(lab.px("POST", route, q(names), []), 400, 400, "Empty beans list")
    error(lab.px("POST", route, q(names), [1]), 400, 400, "Invalid object type")
    error(lab.px("POST", route, q(names), [{"id": "x"}]), 400, 400, "Missing 'type' field")
    error(lab.px("POST", route, q(names), [{"type": "nope"}]), 400, 400, "Unexpected 'type' field")
    error(lab.px("POST", route, q(names), [{k: v for k, v in chunk.items() if k != "size"}]), 400, 400,
          "Missing field [size]")
    error(lab.px("POST", route, q(names), [dict(chunk, size="1")]), 400, 400, "Invalid type for field [size]")
    error(lab.px("POST", route, q(names), [{"type": "alias", "name": "o", "version": 1, "header": "XY"}]), 400, 400,
          "Invalid alias, not hexadecimal header_id")
    error(lab.px("POST", route, q(names), [chunk]), 404, 406, "Reference not found")
    lab.create_container(*names)
    assert lab.px("POST", route, q(names), [chunk]).status == 204


def test_b12_delete_many_checks_the_body_first(lab, names):
    route = "content/delete_many"
    error(lab.px("POST", route, q(names)), 400, 400, "Invalid array of contents")
    error(lab.px("POST", route, q(names), {"contents": []}), 400, 400, "At least one element is needed")
    error(lab.px("POST", route, {}, {"contents": [{"name": "a"}]}), 400, 400, "Missing url argument")
    error(lab.px("POST", route, q(names), {"contents": [{"name": str(i)} for i in range(101)]}), 413, 413,
          "Payload Too Large")
    # no container: every item gets its error
    missing = lab.px("POST", route, q(names), {"contents": [{"name": "a"}]})
    assert missing.status == 200
    assert missing.json() == {"contents": [{"name": "a", "status": 406, "message": "Reference not found"}]}
    lab.put_object(*names, "a", b"x", policy="SINGLE")
    error(lab.px("POST", route, q(names), {"contents": [{"name": "a"}, {"nom": "b"}]}), 400, 400,
          "Invalid content name")
    error(lab.px("POST", route, q(names), {"contents": [{"name": "a"}, []]}), 400, 400,
          "Invalid content description")
    assert versions(lab, names) == [(versions(lab, names)[0][0], False)], "nothing deleted before the checks"
    done = lab.px("POST", route, q(names), {"contents": [{"name": "a"}, {"name": "zz"}]})
    assert [(r["name"], r["status"]) for r in done.json()["contents"]] == [("a", 204), ("zz", 420)]
    assert versions(lab, names) == []


def test_b13_exceeding_versions_stay_until_purged(lab, names):
    lab.create_container(*names, {"system": {"sys.m2.policy.version": "2"}})
    for version in (100, 101, 102, 103):
        lab.put_object(*names, "o", b"x", policy="SINGLE", version=version)
    lab.put_object(*names, "p", b"x", policy="SINGLE", version=100)
    assert [v for v, _d in versions(lab, names)] == [103, 102, 101, 100, 100]
    assert lab.px("POST", "content/purge", q(names, path="o")).status == 204
    assert [v for v, _d in versions(lab, names)] == [103, 102, 100]
    lab.px("POST", "container/set_properties", q(names), {"system": {"sys.m2.policy.version.delete_exceeding": "1"}})
    for version in (104, 105):
        lab.put_object(*names, "o", b"x", policy="SINGLE", version=version)
    assert [v for v, _d in versions(lab, names)] == [105, 104, 100]


def test_b14_change_policy_of_a_delete_marker(lab, names):
    lab.create_container(*names, {"system": {"sys.m2.policy.version": "-1"}})
    lab.put_object(*names, "o", b"data", policy="SINGLE", version=500)
    assert lab.px("POST", "content/delete", q(names, path="o")).status == 204
    change = {"change_policy": "1"}
    resp, _meta, _chunks = lab.upload(*names, "o", b"data", policy="TWOCOPIES", version=501, fields=change)
    error(resp, 400, 400, "The specified object version is a delete marker")
    resp, _meta, _chunks = lab.upload(*names, "o", b"data", policy="TWOCOPIES", version=999, fields=change)
    assert (resp.status, resp.json()["status"]) == (404, 420)
    resp, _meta, _chunks = lab.upload(*names, "o", b"data", policy="TWOCOPIES", version=500, fields=change,
                                      headers={"x-oio-content-meta-version": "0"})
    error(resp, 400, 400, "Invalid alias version")
    resp, _meta, _chunks = lab.upload(*names, "o", b"data", policy="TWOCOPIES", version=500, fields=change)
    assert resp.status == 204
    assert lab.px("GET", "content/locate", q(names, path="o", version=500)).headers[
        "x-oio-content-meta-policy"] == "TWOCOPIES"


def test_other_routes_check_like_upstream(lab, names):
    """Messages and orders of checks of routes beyond the fourteen behaviours."""
    error(lab.px("POST", "content/prepare2", q(names, path="o"), b"{nope"), 400, 400, "Invalid JSON")
    error(lab.px("POST", "content/prepare2", q(names, path="o"), {}), 400, 400, "Missing size estimation")
    error(lab.px("POST", "content/prepare2", q(names, path="o"), {"size": "1k"}), 400, 400, "Invalid size format")
    error(lab.px("POST", "content/prepare2", q(names, path="o"), {"size": 1, "position": "x"}), 400, 400,
          "Invalid position format (integer expected)")
    error(lab.px("POST", "content/prepare2", q(names, path="o"), {"size": 1, "policy": "NOPE"}), 500, 480,
          "Unexpected storage policy")
    assert lab.px("POST", "content/prepare2", q(names, path="o"), {"size": "12"}).status == 200
    route = "container/raw_update"
    error(lab.px("POST", route, q(names), []), 400, 400, "JSON object expected")
    error(lab.px("POST", route, q(names), {"new": []}), 400, 400, "No 'old' set of beans")
    error(lab.px("POST", route, q(names), {"old": []}), 400, 400, "No 'new' set of beans")
    error(lab.px("POST", route, q(names), {"old": [], "new": []}), 400, 400, "No bean to update")
    # a refused destroy re-enables the container it froze first
    lab.put_object(*names, "o", b"x", policy="SINGLE")
    assert lab.px("POST", "admin/freeze", q(names)).status == 200
    error(lab.px("POST", "container/destroy", q(names)), 409, 438, "Container not empty")
    assert system(lab, names)["sys.status"] == "0"


def test_content_routes_check_the_request_before_meta2(lab, names):
    """Body, headers and parameters are checked before the container is looked up (none exists here)."""
    chunk = {"url": "http://127.0.0.1:1/" + "AB" * 32, "pos": "0", "size": 1, "hash": "00" * 16}
    headers = {"x-oio-content-meta-id": "AB" * 16, "x-oio-content-meta-size": "1",
               "x-oio-content-meta-version": "1", "x-oio-content-meta-policy": "SINGLE"}

    def create(body, **changed):
        return lab.px("POST", "content/create", q(names, path="o"), body, {**headers, **changed})

    error(create(None), 400, 400, "Invalid JSON body")
    error(create({"properties": {}}), 400, 400, "No [chunks] field")
    error(create({"chunks": {}}), 400, 400, "JSON: Not an array")
    error(create({"chunks": []}), 400, 400, "JSON: Empty array")
    error(create([{k: v for k, v in chunk.items() if k != "hash"}]), 400, 400, "Missing field [hash]")
    error(create([dict(chunk, hash="XYZ")]), 400, 400, "JSON: invalid hash: not hexa: 'XYZ'")
    error(create([chunk], **{"x-oio-content-meta-id": "nothex"}), 400, 400, "Invalid content ID (not hexa)")
    error(create([chunk], **{"x-oio-content-meta-size": "big"}), 400, 400, "Header: bad content size")
    error(create([chunk], **{"x-oio-content-meta-version": "v1"}), 400, 400, "Header: negative content version")
    error(lab.px("POST", "content/create", q(names), [chunk], headers), 400, 400, "Missing path in query string")
    missing = create([chunk])
    assert (missing.status, missing.json()["status"]) == (404, 406)
    error(lab.px("POST", "content/truncate", q(names, path="o", size="x")), 400, 400,
          "Missing/invalid size parameter: x")
    error(lab.px("POST", "content/purge", q(names, path="o", maxvers="x")), 400, 400, "Invalid maxvers parameter: x")
    error(lab.px("POST", "container/purge", q(names, maxvers="x")), 400, 400, "Invalid maxvers parameter: x")
    error(lab.px("GET", "container/list", q(names, max="x")), 400, 400, "Invalid max number of items")
    error(lab.px("POST", "content/touch", q(names)), 400, 400, "missing content path or ID")
    error(lab.px("POST", "content/touch", {"path": "o"}), 400, 400, "container unspecified")
    error(lab.px("POST", "content/del_properties", q(names, path="o"), b'"x"'), 400, 400,
          "Array or object argument expected")
    lab.put_object(*names, "o", b"x", policy="SINGLE", properties={"a": "1", "b": "2"})
    assert lab.px("POST", "content/del_properties", q(names, path="o"), {"properties": ["a"]}).status == 204
    assert lab.px("POST", "content/get_properties", q(names, path="o")).json() == {"properties": {"b": "2"}}


def test_directory_routes_check_like_upstream(lab, names):
    assert lab.px("POST", "reference/create", q(names)).status == 201
    for route in ("reference/link", "reference/renew", "reference/unlink", "reference/force", "reference/relink"):
        error(lab.px("POST", route, q(names), {}), 400, 400, "No service type provided")
    error(lab.px("POST", "reference/relink", q(names, type="rawx"), {}), 400, 400, "Missing [kept] and [replaced]")
    error(lab.px("POST", "reference/get_properties", q(names), {}), 400, 400, "Invalid/Unexpected JSON")
    error(lab.px("POST", "reference/del_properties", q(names), ["a", 1]), 400, 400, "Invalid string at [1]")
    assert lab.px("POST", "reference/get_properties", q(names)).json()["properties"] == {}


def test_lb_poll_like_upstream(lab):
    error(lab.px("POST", "lb/poll", {}, {}), 404, 400, "Missing policy or pool parameter")
    error(lab.px("POST", "lb/poll", {"policy": "THREECOPIES"}, []), 400, 400, "Expected: json object")
    error(lab.px("POST", "lb/poll", {"policy": "NOPE"}), 500, 481, "Invalid storage policy: NOPE")
    three = lab.px("POST", "lb/poll", {"policy": "THREECOPIES"})
    assert three.status == 200 and len({s["id"] for s in three.json()}) == 3
    assert set(three.json()[0]) == {"addr", "id"}
    known = [s["id"] for s in three.json()[:2]]
    rest = lab.px("POST", "lb/poll", {"policy": "THREECOPIES"}, {"known": known}).json()
    assert len(rest) == 1 and rest[0]["id"] not in known
