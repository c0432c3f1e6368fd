# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""container/list, including a worked example."""

from urllib.parse import unquote

import pytest


@pytest.fixture
def tree(lab, names):
    acct, ct = names
    for name in ("1/a", "1/b", "1/c", "2/d", "2/e"):
        lab.put_object(acct, ct, name, name.encode(), policy="SINGLE")
    return acct, ct


def page(resp):
    body = resp.json()
    marker = resp.headers.get("x-oio-list-marker")
    return ([o["name"] for o in body["objects"]], body["prefixes"], resp.headers["x-oio-list-truncated"],
            None if marker is None else unquote(marker))


def test_spec_example_delimiter_max_1(lab, tree):
    acct, ct = tree
    first = lab.list(acct, ct, delimiter="/", max=1)
    objs, prefixes, truncated, marker = page(first)
    assert (objs, prefixes, truncated) == ([], ["1/"], "true")
    assert marker is not None and marker.startswith("1/")
    assert "%2F" in first.headers["x-oio-list-marker"]  # URI-escaped
    second = lab.list(acct, ct, delimiter="/", max=1, marker=marker)
    assert page(second)[:2] == ([], ["2/"])
    third = lab.list(acct, ct, delimiter="/", max=1, marker="1/")
    assert page(third)[:2] == ([], ["2/"])


def test_full_listing_and_order(lab, tree):
    acct, ct = tree
    objs, prefixes, truncated, marker = page(lab.list(acct, ct))
    assert objs == ["1/a", "1/b", "1/c", "2/d", "2/e"]
    assert (prefixes, truncated, marker) == ([], "false", None)
    assert page(lab.list(acct, ct, delimiter="/"))[:2] == ([], ["1/", "2/"])


def test_prefix_marker_end_marker(lab, tree):
    acct, ct = tree
    assert page(lab.list(acct, ct, prefix="1/"))[0] == ["1/a", "1/b", "1/c"]
    assert page(lab.list(acct, ct, marker="1/b"))[0] == ["1/c", "2/d", "2/e"]
    assert page(lab.list(acct, ct, end_marker="2/d"))[0] == ["1/a", "1/b", "1/c"]
    assert page(lab.list(acct, ct, marker_end="1/c"))[0] == ["1/a", "1/b"]
    assert page(lab.list(acct, ct, marker="1/a", end_marker="2/e", prefix="1/"))[0] == ["1/b", "1/c"]
    # the delimiter is its first character only
    assert page(lab.list(acct, ct, delimiter="/xyz"))[1] == ["1/", "2/"]


def test_pagination_without_delimiter(lab, tree):
    acct, ct = tree
    seen, marker = [], ""
    for _round in range(10):
        objs, _prefixes, truncated, next_marker = page(lab.list(acct, ct, max=2, marker=marker))
        seen += objs
        if truncated == "false":
            break
        assert next_marker == objs[-1]
        marker = next_marker
    assert seen == ["1/a", "1/b", "1/c", "2/d", "2/e"]
    # a full last page still carries the marker header, but is not truncated
    objs, _prefixes, truncated, next_marker = page(lab.list(acct, ct, max=5))
    assert truncated == "false" and next_marker == "2/e"


def test_objects_and_prefixes_count_together(lab, tree):
    acct, ct = tree
    lab.put_object(acct, ct, "0top", b"x", policy="SINGLE")
    objs, prefixes, truncated, marker = page(lab.list(acct, ct, delimiter="/", max=2))
    assert (objs, prefixes, truncated) == (["0top"], ["1/"], "true")
    objs, prefixes, truncated, _marker = page(lab.list(acct, ct, delimiter="/", max=2, marker=marker))
    assert (objs, prefixes, truncated) == ([], ["2/"], "false")


def test_entry_fields_and_properties(lab, names):
    acct, ct = names
    lab.put_object(acct, ct, "o", b"hello", policy="SINGLE", properties={"k": "v"}, mime_type="text/plain")
    lab.px("POST", "container/set_properties", {"acct": acct, "ref": ct}, {"properties": {"color": "blue"}})
    resp = lab.list(acct, ct, properties="true")
    body = resp.json()
    assert body["properties"] == {"color": "blue"}
    assert body["system"]["sys.m2.objects"] == "1"
    assert resp.headers["x-oio-container-meta-sys-m2-usage"] == "5"
    (entry,) = body["objects"]
    assert entry["name"] == "o" and entry["size"] == 5 and entry["deleted"] is False
    assert entry["id"] == entry["content"] and len(entry["id"]) == 32
    assert entry["hash"] == "5D41402ABC4B2A76B9719D911017C592"
    assert (entry["policy"], entry["chunk-method"], entry["mime-type"]) == ("SINGLE", "plain/nb_copy=1", "text/plain")
    assert isinstance(entry["version"], int) and isinstance(entry["ctime"], int) and isinstance(entry["mtime"], int)
    assert entry["properties"] == {"k": "v"}
    assert "properties" not in lab.list(acct, ct).json()["objects"][0]


def test_versions_and_deleted(lab, names):
    acct, ct = names
    lab.create_container(acct, ct, {"system": {"sys.m2.policy.version": "-1"}})
    lab.put_object(acct, ct, "a", b"v1", policy="SINGLE")
    lab.put_object(acct, ct, "a", b"v2", policy="SINGLE")
    lab.put_object(acct, ct, "b", b"b1", policy="SINGLE")
    assert lab.px("POST", "content/delete", {"acct": acct, "ref": ct, "path": "b"}).status == 204
    assert page(lab.list(acct, ct))[0] == ["a"]
    deleted = lab.list(acct, ct, deleted=1).json()["objects"]
    assert [(o["name"], o["deleted"]) for o in deleted] == [("a", False), ("b", True)]
    marker = deleted[1]
    assert (marker["policy"], marker["chunk-method"], marker["hash"], marker["size"]) == (None, None, None, None)
    assert marker["mime-type"] == "application/x-deleted;swift_versions_deleted=1"
    allv = lab.list(acct, ct, all=1).json()["objects"]
    assert [(o["name"], o["deleted"]) for o in allv] == [("a", False), ("a", False), ("b", True), ("b", False)]
    assert allv[0]["version"] > allv[1]["version"] and allv[2]["version"] > allv[3]["version"]
    assert len(lab.list(acct, ct, all=1, max=3).json()["objects"]) == 3


def test_max_clamping(lab, tree):
    acct, ct = tree
    assert len(page(lab.list(acct, ct, max=0))[0]) == 5
    assert len(page(lab.list(acct, ct, max=-3))[0]) == 5
    assert len(page(lab.list(acct, ct, max=100000))[0]) == 5


def test_unknown_container(lab, names):
    resp = lab.px("GET", "container/list", {"acct": names[0], "ref": names[1]})
    assert resp.status == 404 and resp.json()["status"] in (406, 431)
