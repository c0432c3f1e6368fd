# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Account service routes as the 7.3.0 service answers them: one test per behaviour the dev server did not share,
each asserting the status, the plain-text error body and the effect."""

NOT_FOUND = (b"The requested URL was not found on the server. If you entered the URL manually please check your "
             b"spelling and try again.")


def text_error(resp, status, text):
    assert (resp.status, resp.data) == (status, text), resp
    assert resp.headers["Content-Type"] == "text/plain; charset=utf-8"


def test_route_checked_before_the_account_id(lab):
    text_error(lab.acct("GET", "/v1.0/account/nope"), 404, NOT_FOUND)
    text_error(lab.acct("GET", "/v1.0/account/delete"), 405, b"The method is not allowed for the requested URL.")
    text_error(lab.acct("GET", "/v1.0/account/show"), 400, b"Missing account ID")


def test_missing_container_id(lab, names):
    text_error(lab.acct("GET", "/v1.0/account/show-container", {"id": names[0]}), 400, b"Missing container ID")


def test_head_wherever_get(lab):
    assert lab.acct("HEAD", "/v1.0/account/list").status == 200
    assert lab.acct("POST", "/status").status == 200


def test_create_again_is_202_without_body(lab, names):
    acct = names[0]
    assert lab.acct("PUT", "/v1.0/account/create", {"id": acct}).status == 201
    again = lab.acct("PUT", "/v1.0/account/create", {"id": acct})
    assert (again.status, again.data) == (202, b"")
    assert lab.acct("GET", "/v1.0/account/list").json().count(acct) == 1


def test_not_found_messages(lab, names):
    acct = names[0]
    text_error(lab.acct("GET", "/v1.0/account/show", {"id": acct}), 404, b"Account not found")
    text_error(lab.acct("POST", "/v1.0/account/delete", {"id": acct}), 404, b"No such account")
    lab.acct("PUT", "/v1.0/account/create", {"id": acct})
    text_error(lab.acct("GET", "/v1.0/account/container/show", {"id": acct, "container": "c"}), 404,
               b"Container not found")


def test_update_body_is_parsed(lab, names):
    """No body or bad JSON: 400 with the JSON parser's message; JSON that is not an object: 500; nothing changes."""
    acct = names[0]
    lab.acct("PUT", "/v1.0/account/create", {"id": acct})
    text_error(lab.acct("PUT", "/v1.0/account/update", {"id": acct}), 400, b"Expecting value: line 1 column 1 (char 0)")
    text_error(lab.acct("PUT", "/v1.0/account/update", {"id": acct}, b'{"a": <x>}'), 400,
               b"Expecting value: line 1 column 7 (char 6)")
    text_error(lab.acct("PUT", "/v1.0/account/update", {"id": acct}, ["metadata"]), 500,
               b"Unmanaged error: 'list' object has no attribute 'get'")
    assert lab.acct("GET", "/v1.0/account/show", {"id": acct}).json()["metadata"] == {}


def test_limit_must_be_a_number(lab, names):
    acct = names[0]
    lab.acct("PUT", "/v1.0/account/create", {"id": acct})
    for route in ("/v1.0/account/containers", "/v1.0/account/buckets"):
        text_error(lab.acct("GET", route, {"id": acct, "limit": "ten"}), 400,
                   b"invalid literal for int() with base 10: 'ten'")


def test_containers_listing_has_no_truncation_keys(lab, names):
    acct, ct = names
    lab.create_container(acct, ct + "-1")
    lab.create_container(acct, ct + "-2")
    page = lab.acct("GET", "/v1.0/account/containers", {"id": acct, "limit": 1}).json()
    assert [row[0] for row in page["listing"]] == [ct + "-1"]
    assert "truncated" not in page and "next_marker" not in page


def test_buckets_end_marker(lab, names):
    acct, ct = names
    for suffix in ("a", "b", "c"):
        lab.create_container(acct, f"{ct}-{suffix}", {"system": {"sys.m2.bucket.name": f"{ct}-{suffix}"}})
    body = lab.acct("GET", "/v1.0/account/buckets", {"id": acct, "end_marker": ct + "-c"}).json()
    assert [b["name"] for b in body["listing"]] == [ct + "-a", ct + "-b"] and body["truncated"] is False
