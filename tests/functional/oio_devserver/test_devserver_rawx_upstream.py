# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""rawx behaviours of the Go rawx of 7.3.0 the dev rawx did not share: one test per behaviour, in raw HTTP."""

import http.client
import os
import secrets
from urllib.parse import urlsplit

import pytest
from oiolab import fullpath

META = "x-oio-chunk-meta-"


@pytest.fixture
def rawx(lab):
    return "http://" + lab.px("GET", "conscience/list", {"type": "rawx"}).json()[0]["addr"]


def new_url(rawx):
    return f"{rawx}/{secrets.token_hex(32).upper()}"


def meta(names, name="o", content="0123456789ABCDEF0123456789ABCDEF"):
    return {"policy": "SINGLE", "chunk_method": "plain/nb_copy=1", "pos": "0",
            "fullpath": fullpath(*names, name, 1234, content)}


def test_errors_have_no_body(lab, rawx, names):
    url = new_url(rawx)
    assert lab.put_chunk(url, b"x", meta(names)).status == 201
    for resp, status in ((lab.request("GET", f"{rawx}/XYZ"), 400), (lab.request("GET", new_url(rawx)), 404),
                         (lab.put_chunk(url, b"y", meta(names)), 409), (lab.request("POST", url), 405)):
        assert (resp.status, resp.data, resp.headers.get("Content-Length")) == (status, b"", "0")


def test_invalid_chunk_id_before_method(lab, rawx):
    assert lab.request("POST", f"{rawx}/not-a-chunk").status == 400


def test_request_for_another_service_is_418(lab, rawx, names):
    """A Host header naming another service: 418, and nothing is stored."""
    url = new_url(rawx)
    netloc = urlsplit(rawx).netloc
    conn = http.client.HTTPConnection(netloc, timeout=30)
    headers = {"Host": "127.0.0.1:1", f"{META}content-storage-policy": "SINGLE",
               f"{META}content-chunk-method": "plain/nb_copy=1", f"{META}chunk-pos": "0",
               f"{META}full-path": meta(names)["fullpath"], "Content-Length": "1"}
    conn.request("PUT", urlsplit(url).path, body=b"x", headers=headers)
    assert conn.getresponse().status == 418
    conn.close()
    assert lab.request("HEAD", url).status == 404


def test_request_id_echoed_truncated(lab, rawx):
    resp = lab.request("GET", f"{rawx}/info", headers={"x-oio-req-id": "r" * 70})
    assert resp.headers["x-oio-req-id"] == "r" * 63
    assert "x-oio-req-id" not in lab.request("GET", f"{rawx}/info").headers


def test_put_header_formats_checked_before_existence(lab, rawx, names):
    url = new_url(rawx)
    assert lab.put_chunk(url, b"x", meta(names)).status == 201
    for bad in ({f"{META}metachunk-hash": "zz"}, {f"{META}metachunk-size": "ten"},
                {f"{META}chunk-hash": "A" * 65}, {f"{META}chunk-size": "1.0"}):
        assert lab.put_chunk(url, b"x", meta(names), extra=bad).status == 400, bad


def test_put_needs_an_object_name(lab, rawx, names):
    url = new_url(rawx)
    assert lab.put_chunk(url, b"x", meta(names, name="")).status == 400
    assert lab.request("HEAD", url).status == 404


def test_stored_full_path_has_upper_case_content_id(lab, rawx, names):
    url = new_url(rawx)
    assert lab.put_chunk(url, b"x", meta(names, content="abcdef0123456789abcdef0123456789")).status == 201
    got = lab.request("GET", url).headers
    assert got[f"{META}full-path"] == fullpath(*names, "o", 1234, "ABCDEF0123456789ABCDEF0123456789")
    assert got[f"{META}content-id"] == "ABCDEF0123456789ABCDEF0123456789"


def test_content_path_escaped_as_a_path_segment(lab, rawx, names):
    url = new_url(rawx)
    assert lab.put_chunk(url, b"x", meta(names, name="a:b@c+d=e&f$g/h i")).status == 201
    assert lab.request("GET", url).headers[f"{META}content-path"] == "a:b@c+d=e&f$g%2Fh%20i"


def test_get_and_head_headers(lab, rawx, names):
    """Accept-Ranges on HEAD only; Last-Modified in RFC 1123 with the UTC zone name."""
    url = new_url(rawx)
    assert lab.put_chunk(url, b"data", meta(names)).status == 201
    get, head = lab.request("GET", url), lab.request("HEAD", url)
    assert "Accept-Ranges" not in get.headers and head.headers["Accept-Ranges"] == "bytes"
    assert get.headers["Last-Modified"].endswith(" UTC") and head.headers["Content-Length"] == "4"


def test_copy_checks_in_order(lab, rawx, names):
    """Destination host, then its chunk id, then the source itself, then the full path."""
    src = new_url(rawx)
    assert lab.put_chunk(src, b"shared", meta(names)).status == 201
    new_fp = fullpath(*names, "link", 99, "FEDCBA9876543210FEDCBA9876543210")
    other = lab.px("GET", "conscience/list", {"type": "rawx"}).json()[1]["addr"]
    cases = [({"Destination": f"http://{other}/XYZ"}, 403), ({"Destination": new_url(rawx)}, 400),
             ({"Destination": f"{urlsplit(rawx).netloc}/{secrets.token_hex(32)}", f"{META}full-path": new_fp}, 400),
             ({"Destination": f"{rawx}/XYZ", f"{META}full-path": new_fp}, 400),
             ({"Destination": src}, 403)]
    for headers, status in cases:
        resp = lab.request("COPY", src, headers=headers)
        assert (resp.status, resp.data) == (status, b""), headers
    path_only = "/" + secrets.token_hex(32).upper()
    assert lab.request("COPY", src, headers={"Destination": path_only, f"{META}full-path": new_fp}).status == 201
    assert lab.request("GET", rawx + path_only).data == b"shared"


def test_stat_lists_the_counters(lab, rawx):
    lab.request("GET", f"{rawx}/info")
    lab.request("GET", new_url(rawx))
    lines = lab.request("GET", f"{rawx}/stat").data.decode().splitlines()
    names = [line.split()[1] for line in lines if line.startswith("counter ")]
    assert names[:2] == ["req.time", "req.time.put"] and names[-2:] == ["rep.bread", "rep.bwritten"]
    assert len(names) == 28 and lines[-1] == "config volume " + next(
        r["volume"] for r in lab.admin("status")["rawx"] if "http://" + r["addr"] == rawx)
    counters = {line.split()[1]: int(line.split()[2]) for line in lines if line.startswith("counter ")}
    assert counters["req.hits.info"] >= 1 and counters["rep.hits.404"] >= 1
    assert os.path.isabs(lines[-1].split(" ", 2)[2])
