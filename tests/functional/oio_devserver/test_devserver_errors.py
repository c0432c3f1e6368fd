# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""The error model: JSON bodies, internal codes and their HTTP statuses."""

import pytest


# The body is checked before meta2 is asked: an empty chunk list would be a 400.
ONE_CHUNK = [{"url": "http://127.0.0.1:1/" + "AB" * 32, "pos": "0", "size": 0, "hash": "00" * 16}]


def q(names, **extra):
    return {"acct": names[0], "ref": names[1], **extra}


def check(resp, http, status):
    assert resp.status == http, resp
    body = resp.json()
    assert body["status"] == status and isinstance(body["message"], str), body
    assert resp.headers["Content-Type"].startswith("application/json")


def test_unknown_route(lab):
    check(lab.px("GET", "container/nothing"), 404, 404)
    check(lab.request("GET", f"{lab.proxy}/v3.0/{lab.ns}/nothing/at/all"), 404, 404)
    assert lab.px("GET", "container/nothing").json()["message"] == "No handler found"


def test_unparsable_json_is_400(lab, names):
    for route in ("container/create", "container/set_properties", "content/prepare2", "content/create",
                  "content/delete_many", "container/create_many"):
        resp = lab.px("POST", route, q(names, path="x"), b"{not json",
                      {"x-oio-content-meta-id": "AB" * 16, "x-oio-content-meta-size": "1"})
        check(resp, 400, 400)


def test_unknown_policy_480(lab, names):
    check(lab.px("POST", "content/prepare2", q(names, path="x"), {"size": 1, "policy": "NOPE"}), 500, 480)
    check(lab.px("POST", "container/create", q(names), {"system": {"sys.m2.policy.storage": "NOPE"}}), 500, 480)
    resp = lab.px("POST", "content/create", q(names, path="x"), {"chunks": ONE_CHUNK}, {
        "x-oio-content-meta-id": "AB" * 16, "x-oio-content-meta-size": "0", "x-oio-content-meta-version": "1",
        "x-oio-content-meta-policy": "NOPE", "x-oio-action-mode": "autocreate"})
    check(resp, 500, 480)
    lab.create_container(*names)
    check(lab.px("POST", "content/spare", q(names, path="x", stgpol="NOPE", position="0"),
                 {"notin": None, "broken": None}), 500, 480)


def test_not_enough_rawx_481(lab, names):
    count = len(lab.px("GET", "conscience/list", {"type": "rawx"}).json())
    assert count < 17
    check(lab.px("POST", "content/prepare2", q(names, path="x"), {"size": 1, "policy": "17COPIES"}), 500, 481)
    check(lab.px("GET", "lb/choose", {"type": "rawx", "size": count + 1}), 500, 481)


def test_missing_parameters_400(lab, names):
    check(lab.px("POST", "content/prepare2", q(names, path="x"), {"policy": "SINGLE"}), 400, 400)
    check(lab.px("POST", "content/prepare2", q(names), {"size": 1}), 400, 400)
    check(lab.px("GET", "conscience/list"), 400, 400)
    lab.create_container(*names)
    base = {"x-oio-content-meta-size": "0", "x-oio-content-meta-version": "1", "x-oio-content-meta-policy": "SINGLE"}
    check(lab.px("POST", "content/create", q(names, path="x"), {"chunks": []}, base), 400, 400)
    bad_hash = dict(base, **{"x-oio-content-meta-id": "AB" * 16, "x-oio-content-meta-hash": "123"})
    check(lab.px("POST", "content/create", q(names, path="x"), {"chunks": []}, bad_hash), 400, 400)
    check(lab.px("POST", "content/create", q(names), {"chunks": []},
                 dict(base, **{"x-oio-content-meta-id": "AB" * 16})), 400, 400)
    check(lab.px("POST", "content/truncate", q(names, path="x")), 400, 400)


@pytest.mark.parametrize("route,method", [("container/show", "GET"), ("container/list", "GET"),
                                          ("container/get_properties", "POST"), ("container/destroy", "POST"),
                                          ("content/locate", "GET"), ("content/delete", "POST"),
                                          ("content/get_properties", "POST")])
def test_container_not_found(lab, names, route, method):
    resp = lab.px(method, route, q(names, path="x"))
    assert resp.status == 404 and resp.json()["status"] in (406, 431)


def test_content_not_found_420_and_without_autocreate(lab, names):
    lab.create_container(*names)
    check(lab.px("GET", "content/locate", q(names, path="x")), 404, 420)
    check(lab.px("POST", "content/get_properties", q(names, path="x")), 404, 420)
    other = (names[0], names[1] + "-none")
    resp = lab.px("POST", "content/create", q(other, path="x"), {"chunks": ONE_CHUNK}, {
        "x-oio-content-meta-id": "AB" * 16, "x-oio-content-meta-size": "0", "x-oio-content-meta-version": "1",
        "x-oio-content-meta-policy": "SINGLE"})
    assert resp.status == 404 and resp.json()["status"] in (406, 431)


def test_corrupt_content_425(lab, names):
    lab.create_container(*names)
    headers = {"x-oio-content-meta-id": "AB" * 16, "x-oio-content-meta-size": "10", "x-oio-content-meta-version": "1",
               "x-oio-content-meta-policy": "SINGLE"}
    url = "http://127.0.0.1:1/" + "A" * 64
    hole = [{"url": url, "pos": "1", "size": 10, "hash": "0" * 32}]
    check(lab.px("POST", "content/create", q(names, path="x"), {"chunks": hole}, headers), 500, 425)
    short = [{"url": url, "pos": "0", "size": 5, "hash": "0" * 32}]
    check(lab.px("POST", "content/create", q(names, path="x"), {"chunks": short}, headers), 500, 425)
    uneven = [{"url": url, "pos": "0", "size": 10, "hash": "0" * 32},
              {"url": url[:-1] + "B", "pos": "0", "size": 9, "hash": "0" * 32}]
    check(lab.px("POST", "content/create", q(names, path="x"), {"chunks": uneven},
                 dict(headers, **{"x-oio-content-meta-policy": "TWOCOPIES"})), 500, 425)


def test_wrong_namespace(lab):
    resp = lab.request("GET", f"{lab.proxy}/v3.0/NOTMINE/conscience/info")
    check(resp, 404, 418)


def test_quota_445(lab, names):
    lab.create_container(*names, {"system": {"sys.m2.quota": "10"}})
    lab.put_object(*names, "a", b"12345678", policy="SINGLE")
    resp = lab.upload(*names, "b", b"123", policy="SINGLE")[0]
    check(resp, 500, 445)
    lab.put_object(*names, "c", b"12", policy="SINGLE")
    assert lab.px("GET", "container/show", q(names)).headers["x-oio-container-meta-sys-m2-usage"] == "10"
