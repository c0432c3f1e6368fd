# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Container routes and directory routes, and account synchronisation (docs/oio-devserver.md)."""

from oiolab import cid_of


def q(names):
    return {"acct": names[0], "ref": names[1]}


def test_create_201_then_204(lab, names):
    assert lab.px("POST", "container/create", q(names)).status == 201
    assert lab.px("POST", "container/create", q(names), {"properties": {"a": "1"}}).status == 204


def test_show_and_system_headers(lab, names):
    acct, ct = names
    lab.create_container(acct, ct, {"properties": {"color": "red"}, "system": {"sys.m2.policy.version": "3"}})
    resp = lab.px("GET", "container/show", q(names))
    assert resp.status == 200 and resp.json() == {"properties": {"color": "red"}}
    h = resp.headers
    assert h["x-oio-container-meta-sys-account"] == acct
    assert h["x-oio-container-meta-sys-user-name"] == ct
    assert h["x-oio-container-meta-sys-m2-objects"] == "0"
    assert h["x-oio-container-meta-sys-m2-usage"] == "0"
    assert h["x-oio-container-meta-sys-status"] == "0"
    assert h["x-oio-container-meta-sys-m2-policy-version"] == "3"
    assert h["x-oio-container-meta-sys-name"] == f"{cid_of(acct, ct)}.1"
    assert int(h["x-oio-container-meta-sys-m2-ctime"]) > 10 ** 15
    assert "x-oio-container-meta-user-color" not in h, "user properties are in the body only"
    assert lab.list(acct, ct).headers["x-oio-container-meta-user-color"] == "red"
    by_cid = lab.px("GET", "container/show", {"cid": cid_of(acct, ct)})
    assert by_cid.status == 200 and by_cid.json() == {"properties": {"color": "red"}}


def test_properties(lab, names):
    lab.create_container(*names)
    resp = lab.px("POST", "container/set_properties", q(names), {"properties": {"a": "1", "b": "2"}})
    assert resp.status == 200 and resp.json() == {}
    got = lab.px("POST", "container/get_properties", q(names), [])
    body = got.json()
    assert body["properties"] == {"a": "1", "b": "2"}
    assert body["system"]["sys.account"] == names[0] and body["system"]["sys.user.name"] == names[1]
    assert "schema_version" in body["system"]
    lab.px("POST", "container/set_properties", q(names) | {"flush": 1}, {"properties": {"c": "3"}})
    assert lab.px("POST", "container/get_properties", q(names)).json()["properties"] == {"c": "3"}
    lab.px("POST", "container/set_properties", q(names), {"properties": {"d": "4"}, "system": {"sys.m2.quota": "9"}})
    body = lab.px("POST", "container/get_properties", q(names)).json()
    assert body["properties"] == {"c": "3", "d": "4"} and body["system"]["sys.m2.quota"] == "9"
    assert lab.px("POST", "container/del_properties", q(names), ["c"]).status == 200
    assert lab.px("POST", "container/get_properties", q(names)).json()["properties"] == {"d": "4"}
    assert lab.px("POST", "container/del_properties", q(names), []).status == 200
    assert lab.px("POST", "container/get_properties", q(names)).json()["properties"] == {}
    empty = lab.px("POST", "container/set_properties", q(names), {"properties": {}, "system": {}})
    assert empty.status == 400


def test_destroy(lab, names):
    lab.put_object(*names, "obj", b"data", policy="SINGLE")
    resp = lab.px("POST", "container/destroy", q(names))
    assert resp.status == 409 and resp.json()["status"] == 438
    assert lab.px("POST", "content/delete", q(names) | {"path": "obj"}).status == 204
    assert lab.px("POST", "container/destroy", q(names)).status == 204
    gone = lab.px("GET", "container/show", q(names))
    assert gone.status == 404 and gone.json()["status"] in (406, 431)
    again = lab.px("POST", "container/destroy", q(names))
    assert again.status == 404 and again.json()["status"] in (406, 431)


def test_destroy_force_removes_chunks(lab, names):
    _meta, chunks = lab.put_object(*names, "obj", b"data", policy="SINGLE")
    assert lab.px("POST", "container/destroy", q(names) | {"force": 1}).status == 204
    assert lab.request("HEAD", chunks[0]["url"]).status == 404


def test_touch(lab, names):
    resp = lab.px("POST", "container/touch", q(names))
    assert resp.status == 403
    lab.create_container(*names)
    assert lab.px("POST", "container/touch", q(names)).status == 204
    lab.px("POST", "container/touch", q(names) | {"recompute": "true", "damaged_objects": 2, "missing_chunks": 3})
    system = lab.px("POST", "container/get_properties", q(names)).json()["system"]
    assert (system["sys.m2.objects.damaged"], system["sys.m2.chunks.missing"]) == ("2", "3")
    show = lab.acct("GET", "/v1.0/account/show", {"id": names[0]}).json()
    assert (show["damaged_objects"], show["missing_chunks"]) == (2, 3)


def test_create_many(lab, names):
    acct, ct = names
    lab.create_container(acct, ct)
    resp = lab.px("POST", "container/create_many", {"acct": acct},
                  {"containers": [{"name": ct, "properties": {}, "system": {}},
                                  {"name": ct + "-2", "properties": {"x": "y"}, "system": {}}]})
    assert resp.status == 200
    results = {r["name"]: r["status"] for r in resp.json()["containers"]}
    assert results[ct + "-2"] == 201 and results[ct] != 201
    too_many = lab.px("POST", "container/create_many", {"acct": acct},
                      {"containers": [{"name": f"c{i}"} for i in range(101)]})
    assert too_many.status == 413


def test_freeze_enable(lab, names):
    lab.create_container(*names)
    assert lab.px("POST", "admin/freeze", q(names) | {"type": "meta2"}).status == 200
    resp, _meta, _chunks = lab.upload(*names, "o", b"x", policy="SINGLE")
    assert resp.status == 503 and resp.json()["status"] == 436
    assert resp.headers["Retry-After"] == "1"
    assert lab.px("GET", "container/list", q(names)).status == 200, "reads work on a frozen container"
    assert lab.px("POST", "admin/enable", q(names) | {"type": "meta2"}).status == 200
    lab.put_object(*names, "o", b"x", policy="SINGLE")


def test_flush_and_purge(lab, names):
    lab.create_container(*names, {"system": {"sys.m2.policy.version": "-1"}})
    for i in range(3):
        lab.put_object(*names, "v", str(i).encode(), policy="SINGLE")
    lab.put_object(*names, "w", b"w", policy="SINGLE")
    assert lab.px("POST", "container/purge", q(names) | {"maxvers": 2}).status == 204
    assert len(lab.list(*names, all=1).json()["objects"]) == 3
    resp = lab.px("POST", "container/flush", q(names))
    assert resp.status == 204 and resp.headers["x-oio-truncated"] == "false"
    assert lab.list(*names, all=1).json()["objects"] == []
    assert lab.px("GET", "container/show", q(names)).headers["x-oio-container-meta-sys-m2-objects"] == "0"


def test_account_statistics_follow(lab, names):
    acct, ct = names
    lab.put_object(acct, ct, "a", b"12345", policy="SINGLE")
    lab.put_object(acct, ct + "b", "b", b"123", policy="SINGLE")
    show = lab.acct("GET", "/v1.0/account/show", {"id": acct}).json()
    assert (show["containers"], show["objects"], show["bytes"]) == (2, 2, 8)
    listing = lab.acct("GET", "/v1.0/account/containers", {"id": acct}).json()["listing"]
    assert [row[:4] for row in listing] == [[ct, 1, 5, 0], [ct + "b", 1, 3, 0]]
    lab.px("POST", "content/delete", {"acct": acct, "ref": ct, "path": "a"})
    lab.px("POST", "container/destroy", {"acct": acct, "ref": ct + "b", "force": 1})
    show = lab.acct("GET", "/v1.0/account/show", {"id": acct}).json()
    assert (show["containers"], show["objects"], show["bytes"]) == (1, 0, 0)


def test_reference_routes(lab, names):
    acct, ref = names
    assert lab.px("POST", "reference/create", q(names), {"properties": {"p": "1"}}).status == 201
    assert lab.px("POST", "reference/create", q(names)).status == 202
    show = lab.px("GET", "reference/show", q(names)).json()
    assert (show["cid"], show["account"], show["name"], show["srv"]) == (cid_of(acct, ref), acct, ref, [])
    # a reference without a container: container not found (431)
    ct = lab.px("GET", "container/show", q(names))
    assert ct.status == 404 and ct.json()["status"] == 431
    props = lab.px("POST", "reference/get_properties", q(names), []).json()
    assert props == {"cid": cid_of(acct, ref), "properties": {"p": "1"}}
    assert lab.px("POST", "reference/set_properties", q(names), {"properties": {"q": "2"}}).status == 204
    assert lab.px("POST", "reference/set_properties", q(names), {}).status == 400
    assert lab.px("POST", "reference/del_properties", q(names), ["p"]).status == 204
    assert lab.px("POST", "reference/get_properties", q(names)).json()["properties"] == {"q": "2"}
    lab.create_container(acct, ref)
    show = lab.px("GET", "reference/show", {"cid": cid_of(acct, ref)}).json()
    assert [s["type"] for s in show["srv"]] == ["meta2"] and show["srv"][0]["seq"] == 1
    assert lab.px("POST", "reference/destroy", q(names)).status == 403
    linked = lab.px("POST", "reference/link", q(names) | {"type": "rawx"})
    assert linked.status == 200 and linked.json()[0]["type"] == "rawx"
    assert lab.px("POST", "reference/unlink", q(names) | {"type": "rawx"}).status == 204
    assert lab.px("POST", "container/destroy", q(names)).status == 204
    # the container's meta2 is unlinked, its reference stays until reference/destroy
    assert lab.px("GET", "reference/show", q(names)).json()["srv"] == []
    assert lab.px("POST", "reference/destroy", q(names)).status == 204
    missing = lab.px("GET", "reference/show", q(names))
    assert missing.status == 404 and missing.json()["status"] == 406
    assert lab.px("GET", "reference/has", q(names)).status == 404


def test_snapshot(lab, names):
    acct, ct = names
    lab.put_object(acct, ct, "o", b"snap", policy="SINGLE", properties={"k": "v"})
    body = {"account": acct, "container": ct + "-snap"}
    assert lab.px("POST", "container/snapshot", q(names), body).status == 204
    listing = lab.list(acct, ct + "-snap").json()
    assert [o["name"] for o in listing["objects"]] == ["o"]
    assert listing["system"]["sys.user.name"] == ct + "-snap" and listing["system"]["sys.m2.objects"] == "1"
    assert lab.px("POST", "container/snapshot", q(names), body).status == 400
    assert lab.px("POST", "container/snapshot", q(names), {"account": acct, "container": ct}).status == 400
    show = lab.acct("GET", "/v1.0/account/show", {"id": acct}).json()
    assert show["containers"] == 2


def test_raw_insert_delete_and_dedup(lab, names):
    acct, ct = names
    lab.create_container(acct, ct)
    content = "EF" * 16
    beans = [
        {"type": "header", "id": content, "hash": "00" * 16, "size": 4, "policy": "SINGLE",
         "chunk-method": "plain/nb_copy=1", "mime-type": "application/octet-stream", "ctime": 1, "mtime": 1},
        {"type": "alias", "name": "raw", "version": 5, "ctime": 1, "mtime": 1, "deleted": False, "header": content},
        {"type": "chunk", "id": "http://127.0.0.1:1/" + "D" * 64, "hash": "00" * 16, "size": 4, "pos": "0",
         "content": content},
    ]
    assert lab.px("POST", "container/raw_insert", q(names), beans).status == 204
    loc = lab.px("GET", "content/locate", q(names) | {"path": "raw"})
    assert loc.status == 200 and loc.headers["x-oio-content-meta-version"] == "5"
    assert [c["url"] for c in loc.json()] == ["http://127.0.0.1:1/" + "D" * 64]
    assert lab.px("GET", "container/show", q(names)).headers["x-oio-container-meta-sys-m2-objects"] == "1"
    assert lab.px("POST", "container/raw_delete", q(names), beans[1:2]).status == 204
    assert lab.px("GET", "content/locate", q(names) | {"path": "raw"}).status == 404
    assert lab.px("POST", "container/raw_insert", q(names), [{"type": "nope"}]).status == 400
    assert lab.px("POST", "container/dedup", q(names)).status == 204


def test_reference_force_and_renew(lab, names):
    m1 = {"seq": 1, "type": "echo", "host": "127.0.0.1:9", "args": ""}
    assert lab.px("POST", "reference/force", q(names) | {"type": "echo"}, m1).status == 404
    forced = lab.px("POST", "reference/force", q(names) | {"type": "echo", "autocreate": 1}, m1)
    assert forced.status == 204
    again = lab.px("POST", "reference/force", q(names) | {"type": "echo"}, {"host": "127.0.0.1:10"})
    assert again.status == 403 and again.json()["status"] == 455
    assert lab.px("POST", "reference/force", q(names) | {"type": "echo", "replace": 1}, {"host": "127.0.0.1:10"}).status == 204
    show = lab.px("GET", "reference/show", q(names) | {"type": "echo"}).json()
    assert [s["host"] for s in show["srv"]] == ["127.0.0.1:10"]
    renewed = lab.px("POST", "reference/renew", q(names) | {"type": "rawx"})
    assert renewed.status == 200 and renewed.json()[0]["type"] == "rawx"
    old = renewed.json()[0]
    relinked = lab.px("POST", "reference/relink", q(names) | {"type": "rawx"}, {"kept": None, "replaced": old})
    assert relinked.status == 200
    assert [s["host"] for s in relinked.json()] != [old["host"]] and len(relinked.json()) == 1
    missing = lab.px("POST", "reference/link", q(names) | {"type": "nosuchtype"})
    assert missing.status == 403 and missing.json()["status"] == 481
    assert lab.px("POST", "reference/destroy", q(names)).status == 403
    assert lab.px("POST", "reference/destroy", q(names) | {"force": 1}).status == 204
