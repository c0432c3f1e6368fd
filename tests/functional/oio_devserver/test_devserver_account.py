# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Account service: plain-text errors, JSON bodies as text/json."""


def test_account_lifecycle(lab, names):
    acct = names[0]
    create = lab.acct("PUT", "/v1.0/account/create", {"id": acct})
    assert create.status == 201 and create.data.decode() == acct
    assert lab.acct("PUT", "/v1.0/account/create", {"id": acct}).status == 202
    assert acct in lab.acct("GET", "/v1.0/account/list").json()
    show = lab.acct("GET", "/v1.0/account/show", {"id": acct})
    assert show.status == 200 and show.headers["Content-Type"].startswith("text/json")
    body = show.json()
    assert (body["id"], body["containers"], body["objects"], body["bytes"], body["metadata"]) == (acct, 0, 0, 0, {})
    float(body["ctime"])
    update = {"metadata": {"a": "1", "b": "2"}, "to_delete": None}
    assert lab.acct("PUT", "/v1.0/account/update", {"id": acct}, update).status == 204
    assert lab.acct("POST", "/v1.0/account/update", {"id": acct}, {"metadata": None, "to_delete": ["a"]}).status == 204
    assert lab.acct("GET", "/v1.0/account/show", {"id": acct}).json()["metadata"] == {"b": "2"}
    status = lab.acct("GET", "/status").json()
    assert status["account_count"] >= 1
    assert lab.acct("POST", "/v1.0/account/delete", {"id": acct}).status == 204
    missing = lab.acct("GET", "/v1.0/account/show", {"id": acct})
    assert missing.status == 404 and not missing.data.startswith(b"{")
    assert lab.acct("POST", "/v1.0/account/delete", {"id": acct}).status == 404
    assert lab.acct("PUT", "/v1.0/account/update", {"id": acct}, {"metadata": {"x": "y"}}).status == 404


def test_account_not_empty_and_containers(lab, names):
    acct, ct = names
    for suffix in ("a/1", "a/2", "b"):
        lab.create_container(acct, f"{ct}-{suffix}")
    assert lab.acct("POST", "/v1.0/account/delete", {"id": acct}).status == 409
    listing = lab.acct("GET", "/v1.0/account/containers", {"id": acct}).json()
    assert [row[0] for row in listing["listing"]] == [f"{ct}-a/1", f"{ct}-a/2", f"{ct}-b"]
    assert listing["containers"] == 3
    delim = lab.acct("GET", "/v1.0/account/containers", {"id": acct, "delimiter": "/"}).json()["listing"]
    assert delim == [[f"{ct}-a/", 0, 0, 1, 0], [f"{ct}-b", 0, 0, 0, delim[1][4]]]
    page = lab.acct("GET", "/v1.0/account/containers", {"id": acct, "limit": 1, "marker": f"{ct}-a/1"}).json()
    assert [row[0] for row in page["listing"]] == [f"{ct}-a/2"]
    shown = lab.acct("GET", "/v1.0/account/container/show", {"id": acct, "container": f"{ct}-b"})
    assert shown.status == 200 and shown.json()["objects"] == 0


def test_container_update_and_reset(lab, names):
    acct, ct = names
    lab.acct("PUT", "/v1.0/account/create", {"id": acct})
    resp = lab.acct("PUT", "/v1.0/account/container/update", {"id": acct},
                    {"name": ct, "mtime": 1000.0, "dtime": None, "objects": 3, "bytes": 30,
                     "damaged_objects": 0, "missing_chunks": 0, "bucket": None})
    assert resp.status == 200 and resp.json() == ct
    assert lab.acct("GET", "/v1.0/account/show", {"id": acct}).json()["bytes"] == 30
    old = lab.acct("PUT", "/v1.0/account/container/update", {"id": acct}, {"name": ct, "mtime": 10.0, "objects": 1})
    assert old.status == 409
    assert lab.acct("POST", "/v1.0/account/container/reset", {"id": acct}, {"name": ct, "mtime": 2000.0}).status == 204
    assert lab.acct("GET", "/v1.0/account/show", {"id": acct}).json()["objects"] == 0
    gone = lab.acct("PUT", "/v1.0/account/container/update", {"id": acct},
                    {"name": ct, "mtime": 2000.0, "dtime": 3000.0})
    assert gone.status == 200
    assert lab.acct("GET", "/v1.0/account/show", {"id": acct}).json()["containers"] == 0
    assert lab.acct("POST", "/v1.0/account/refresh", {"id": acct}).status == 204
    assert lab.acct("POST", "/v1.0/account/flush", {"id": acct}).status == 204
    assert lab.acct("GET", "/v1.0/account/show").status == 400


def test_buckets_listing(lab, names):
    acct, ct = names
    lab.create_container(acct, ct + "-plain")
    lab.create_container(acct, ct + "-b1", {"system": {"sys.m2.bucket.name": ct + "-b1"}})
    lab.create_container(acct, ct + "-b2", {"system": {"sys.m2.bucket.name": ct + "-b2"}})
    lab.put_object(acct, ct + "-b1", "o", b"1234", policy="SINGLE")
    resp = lab.acct("GET", "/v1.0/account/buckets", {"id": acct, "limit": 1})
    assert resp.status == 200
    body = resp.json()
    assert [(b["name"], b["objects"], b["bytes"]) for b in body["listing"]] == [(ct + "-b1", 1, 4)]
    assert body["truncated"] is True and body["next_marker"] == ct + "-b1"
    rest = lab.acct("GET", "/v1.0/account/buckets", {"id": acct, "marker": body["next_marker"]}).json()
    assert [b["name"] for b in rest["listing"]] == [ct + "-b2"] and rest["truncated"] is False
    assert lab.acct("GET", "/v1.0/account/show", {"id": acct}).json()["buckets"] == 2
    s3_only = lab.acct("GET", "/v1.0/account/containers", {"id": acct, "s3_buckets_only": "true"}).json()
    assert [row[0] for row in s3_only["listing"]] == [ct + "-b1", ct + "-b2"]
