# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Conscience and load-balancer routes as the 7.3.0 proxy answers them: one test per behaviour the dev server
did not share, each asserting the status, the error body and the effect."""

import pytest


def error(resp, http, status, message=None):
    assert resp.status == http, resp
    body = resp.json()
    assert body["status"] == status, body
    if message is not None:
        assert body["message"] == message, body


@pytest.fixture
def echo(lab):
    """An echo service registered for the test, forgotten afterwards."""
    svc = {"type": "echo", "addr": "127.0.0.1:7", "score": 50, "tags": {"tag.service_id": "echo-7"}}
    assert lab.px("POST", "conscience/register", body=svc).status == 204
    yield svc
    lab.px("POST", "conscience/flush", {"type": "echo"})


def test_unmanaged_service_type(lab):
    for method, route, fields, body in (("GET", "conscience/list", {"type": "nope"}, None),
                                        ("POST", "conscience/flush", {"type": "nope"}, None),
                                        ("GET", "conscience/info", {"type": "nope"}, None),
                                        ("GET", "lb/choose", {"type": "nope"}, None),
                                        ("POST", "conscience/register", None, {"type": "nope", "addr": "127.0.0.1:9"})):
        error(lab.px(method, route, fields, body), 404, 453, "Unexpected service type")
    assert lab.px("GET", "conscience/list", {"type": "nope"}).status == 404
    assert "nope" not in lab.px("GET", "conscience/info", {"what": "types"}).json()


def test_list_full_from_action_mode_header(lab):
    full = lab.px("GET", "conscience/list", {"type": "rawx"}, headers={"x-oio-action-mode": "full"}).json()
    assert all(s["type"] == "rawx" and s["ns"] == lab.ns for s in full)


def test_score_checks(lab, echo):
    error(lab.px("GET", "conscience/score", {"type": "echo"}), 400, 400, "Missing type and/or service_id")
    error(lab.px("GET", "conscience/score", {"type": "echo", "service_id": "127.0.0.1:8"}), 404, 404, "No such item")
    score = lab.px("GET", "conscience/score", {"type": "echo", "service_id": "echo-7"})
    assert score.status == 200 and score.json() == {"addr": "127.0.0.1:7", "score": 50}


def test_resolve_by_service_id_only(lab, echo):
    error(lab.px("GET", "conscience/resolve", {"type": "echo"}), 400, 400, "Missing service id")
    for unknown in ("echo-8", echo["addr"]):
        resp = lab.px("GET", "conscience/resolve", {"type": "echo", "service_id": unknown})
        error(resp, 503, 503, f"Conscience error: Service ID [{unknown}] not found")
        assert resp.headers["Retry-After"] == "1"
    assert lab.px("GET", "conscience/resolve", {"type": "echo", "service_id": "echo-7"}).json() == {
        "addr": "127.0.0.1:7"}


def test_registration_checks_the_whole_batch_first(lab):
    good = {"type": "echo", "addr": "127.0.0.1:9"}
    try:
        for body, message in (('"text"', "Expected: json object"), ([good, {"type": "echo"}], "Missing field [addr]"),
                              ([good, {"type": "echo", "addr": "here"}], "Invalid address"),
                              ([good, {"type": "echo", "addr": "127.0.0.1:0"}], "Invalid service address"),
                              ([good, {"addr": "127.0.0.1:10"}], "Service type not specified")):
            error(lab.px("POST", "conscience/register", body=body), 400, 400, message)
            assert lab.px("GET", "conscience/list", {"type": "echo"}).json() == [], body
    finally:
        lab.px("POST", "conscience/flush", {"type": "echo"})


def test_lock_clamps_the_score(lab, echo):
    for given, locked in ((500, 100), (-5, 0), (None, 0)):
        body = {"type": "echo", "addr": echo["addr"]} | ({} if given is None else {"score": given})
        assert lab.px("POST", "conscience/lock", body=body).status == 204
        assert lab.px("GET", "conscience/list", {"type": "echo"}).json()[0]["score"] == locked
    assert lab.px("POST", "conscience/unlock", body={"type": "echo", "addr": echo["addr"]}).status == 204
    assert lab.px("GET", "conscience/list", {"type": "echo"}).json()[0]["score"] == 50


def test_lb_choose(lab, echo):
    error(lab.px("GET", "lb/choose", {"type": "rawx", "size": "two"}), 400, 400, "Invalid size")
    (choice,) = lab.px("GET", "lb/choose", {"type": "echo"}).json()
    assert choice == {"addr": "echo-7", "id": f"{lab.ns}|echo|echo-7"}, "addr: the last part of the id"
    account = lab.px("GET", "lb/choose", {"type": "account"}).json()[0]
    assert account["id"] == f"{lab.ns}|account|{account['addr']}"
    resp = lab.px("GET", "lb/choose", {"type": "echo", "size": 2})
    error(resp, 500, 481)
    assert resp.json()["message"].startswith("found only ")


def test_lb_poll_pools_and_ids(lab):
    three = lab.px("POST", "lb/poll", {"pool": "rawx3"}, {"known": ["not-a-service"]}).json()
    assert len(three) == 3 and all(s["id"] == f"{lab.ns}|rawx|{s['addr']}" for s in three)
    assert len(lab.px("POST", "lb/poll", {"pool": "rawx"}).json()) == 1
    for pool in ("THREECOPIES", "nope"):
        error(lab.px("POST", "lb/poll", {"pool": pool}), 400, 400,
              f"found only 0 services matching the criteria: pool [{pool}] not found")
    avoided = lab.px("POST", "lb/poll", {"pool": "rawx3"}, {"avoid": [three[0]["id"]]}).json()
    assert three[0]["id"] not in {s["id"] for s in avoided}
