# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Service discovery, load balancing and central configuration."""


def test_conscience_list_rawx(lab):
    resp = lab.px("GET", "conscience/list", {"type": "rawx"})
    assert resp.status == 200
    services = resp.json()
    assert len(services) >= 12
    assert len({s["addr"] for s in services}) == len(services)
    for svc in services:
        assert svc["score"] > 0 and svc["tags"]["tag.up"] is True and "tag.loc" in svc["tags"]
    full = lab.px("GET", "conscience/list", {"type": "rawx", "full": 1}).json()
    assert all(s["ns"] == lab.ns and s["type"] == "rawx" for s in full)


def test_conscience_info_and_types(lab):
    info = lab.px("GET", "conscience/info").json()
    assert info["ns"] == lab.ns and info["chunksize"] == 1048576
    assert info["options"]["storage_policy"] == "THREECOPIES"
    assert info["storage_policy"]["EC"] == "NONE:EC"
    assert info["storage_policy"]["THREECOPIES"] == "rawx3:DUPONETHREE"
    assert info["data_security"]["EC"] == "ec/k=6,m=3,algo=liberasurecode_rs_vand,min_dist=1"
    types = lab.px("GET", "conscience/info", {"what": "types"}).json()
    assert "rawx" in types and "account" in types


def test_resolve_and_score(lab):
    svc = lab.px("GET", "conscience/list", {"type": "rawx"}).json()[0]
    score = lab.px("GET", "conscience/score", {"type": "rawx", "service_id": svc["addr"]}).json()
    assert score["addr"] == svc["addr"] and score["score"] == svc["score"]
    echo = {"type": "echo", "addr": "127.0.0.1:2", "tags": {"tag.service_id": "echo-id-1"}}
    assert lab.px("POST", "conscience/register", body=echo).status == 204
    try:
        resolved = lab.px("GET", "conscience/resolve", {"type": "echo", "service_id": "echo-id-1"})
        assert resolved.status == 200 and resolved.json() == {"addr": "127.0.0.1:2"}
    finally:
        lab.px("POST", "conscience/deregister", body=echo)


def test_register_flush(lab):
    echo = {"ns": lab.ns, "type": "echo", "addr": "127.0.0.1:1", "score": 50, "tags": {"tag.up": True}}
    assert lab.px("POST", "conscience/register", body=echo).status == 204
    assert [s["addr"] for s in lab.px("GET", "conscience/list", {"type": "echo"}).json()] == ["127.0.0.1:1"]
    assert lab.px("POST", "conscience/lock", body={"addr": "127.0.0.1:1", "type": "echo", "score": 0}).status == 204
    assert lab.px("GET", "conscience/list", {"type": "echo"}).json()[0]["score"] == 0
    assert lab.px("POST", "conscience/unlock", body={"addr": "127.0.0.1:1", "type": "echo"}).status == 204
    assert lab.px("POST", "conscience/flush", {"type": "echo"}).status == 204
    assert lab.px("GET", "conscience/list", {"type": "echo"}).json() == []
    assert lab.px("POST", "conscience/deregister", body=echo).status == 204


def test_lb_choose(lab):
    account = lab.px("GET", "lb/choose", {"type": "account", "size": 1})
    assert account.status == 200
    (choice,) = account.json()
    assert "http://" + choice["addr"] == lab.account_url and "id" in choice
    three = lab.px("GET", "lb/choose", {"type": "rawx", "size": 3}).json()
    assert len({c["addr"] for c in three}) == 3
    poll = lab.px("POST", "lb/poll", {"pool": "rawx3"}, {"avoid": [], "known": []})
    assert poll.status == 200 and len(poll.json()) == 3


def test_config(lab):
    config = lab.px("GET", "config").json()
    assert config["meta2.max_versions"] == "1" and config["ns.chunk_size"] == "1048576"
    assert all(isinstance(v, str) for v in config.values())
    resp = lab.px("POST", "config", body={"proxy.bulk.max.delete_many": "7"})
    try:
        assert resp.status == 200 and resp.json() == {"proxy.bulk.max.delete_many": True}
        assert lab.px("GET", "config").json()["proxy.bulk.max.delete_many"] == "7"
    finally:
        lab.px("POST", "config", body={"proxy.bulk.max.delete_many": config["proxy.bulk.max.delete_many"]})
    assert lab.px("GET", "config").json() == config


def test_namespace_versioning_default(lab, names):
    """meta2.max_versions from the central config applies to containers without their own policy."""
    lab.create_container(*names)
    assert lab.px("POST", "config", body={"meta2.max_versions": "-1"}).status == 200
    try:
        lab.put_object(*names, "o", b"1", policy="SINGLE")
        lab.put_object(*names, "o", b"2", policy="SINGLE")
    finally:
        lab.px("POST", "config", body={"meta2.max_versions": "1"})
    assert len(lab.list(*names, all=1).json()["objects"]) == 2


def test_proxy_status_and_lb_reload(lab):
    status = lab.request("GET", f"{lab.proxy}/v3.0/status")
    assert status.status == 200 and status.headers["Content-Type"] == "text/x-java-properties"
    assert lab.px("POST", "lb/reload").status == 204
    wrong_method = lab.px("POST", "lb/choose", {"type": "rawx"})
    assert wrong_method.status == 404 and wrong_method.json()["message"] == "No handler found"
