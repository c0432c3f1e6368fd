# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Accounts, containers, listings, versions and properties."""

from __future__ import annotations

import os
import threading
import time
import uuid

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.exceptions import (
    Conflict, ContainerNotEmpty, MissingData, MissingName, NoSuchAccount, NoSuchContainer, NoSuchObject, ServiceBusy,
)


def test_account_lifecycle_and_properties(api):
    name = "acct-" + uuid.uuid4().hex[:8]
    assert api.account_create(name) is True
    assert api.account_create(name) is False
    assert name in api.account_list()
    api.account_set_properties(name, {"a": "1", "b": "2"})
    api.account_del_properties(name, ["a"])
    assert api.account_get_properties(name)["properties"] == {"b": "2"}
    api.container_create(name, "one")
    assert [entry[0] for entry in api.container_list(name)] == ["one"]
    api.container_delete(name, "one")
    api.account_delete(name)
    with pytest.raises(NoSuchAccount, match=name):
        api.account_show(name)


def test_container_properties_and_errors(api, account):
    name = "props-" + uuid.uuid4().hex[:8]
    assert api.container_create(account, name, properties={"k": "v"}, system={"sys.m2.policy.version": "3"}) is True
    assert api.container_create(account, name) is False
    props = api.container_get_properties(account, name)
    assert props["properties"] == {"k": "v"} and props["system"]["sys.m2.policy.version"] == "3"
    api.container_set_properties(account, name, {"x": "1"})
    api.container_del_properties(account, name, ["k"])
    assert api.container_get_properties(account, name)["properties"] == {"x": "1"}
    api.container_set_properties(account, name, {"y": "2"}, clear=True)
    assert api.container_show(account, name)["properties"] == {"y": "2"}
    api.object_create(account, name, data=b"x", obj_name="o")
    with pytest.raises(ContainerNotEmpty, match="%s/%s" % (account, name)):
        api.container_delete(account, name)
    api.container_flush(account, name)
    api.container_delete(account, name)
    with pytest.raises(NoSuchContainer, match="%s/%s" % (account, name)):
        api.container_get_properties(account, name)
    assert api.container_create_many(account, [name, name + "-2"]) == [(name, True), (name + "-2", True)]
    for ct in (name, name + "-2"):
        api.container_delete(account, ct)


def test_object_errors_name_the_object(api, account, container):
    with pytest.raises(NoSuchObject, match="%s/%s/missing" % (account, container)):
        api.object_get_properties(account, container, "missing")
    with pytest.raises(NoSuchContainer, match="%s/nope" % account):
        api.object_locate(account, "nope-" + uuid.uuid4().hex, "x")
    with pytest.raises(MissingData):
        api.object_create(account, container, obj_name="x")
    with pytest.raises(MissingName):
        api.object_create(account, container, data=b"x")
    assert api.object_head(account, container, "missing") is False


def test_listing_pagination_with_delimiter(api, account, container):
    for name in ("1/a", "1/b", "1/c", "2/d", "2/e", "top"):
        api.object_create(account, container, data=name.encode(), obj_name=name, policy="SINGLE")
    page = api.object_list(account, container, delimiter="/", limit=1)
    assert page["prefixes"] == ["1/"] and page["objects"] == [] and page["truncated"]
    page = api.object_list(account, container, delimiter="/", limit=1, marker=page["next_marker"])
    assert page["prefixes"] == ["2/"]
    assert api.object_list(account, container, delimiter="/", marker="1/")["prefixes"] == ["2/"]
    seen, marker = [], None
    while True:
        page = api.object_list(account, container, limit=2, marker=marker)
        seen += [o["name"] for o in page["objects"]]
        if not page["truncated"]:
            break
        marker = page["next_marker"]
    assert seen == ["1/a", "1/b", "1/c", "2/d", "2/e", "top"]
    listing = api.object_list(account, container, prefix="2/", end_marker="2/e")
    assert [o["name"] for o in listing["objects"]] == ["2/d"]
    entry = listing["objects"][0]
    assert entry["chunk_method"] == "plain/nb_copy=1" and entry["mime_type"] and entry["is_latest"]
    assert [o["name"] for o in api.object_list_all(account, container, prefix="1/")] == ["1/a", "1/b", "1/c"]
    assert api.object_delete_many(account, container, ["1/a", "nope"]) == [("1/a", True), ("nope", False)]


def test_versioning_and_purge(api, account, container):
    api.container_set_properties(account, container, system={"sys.m2.policy.version": "-1"})
    for index in range(3):
        api.object_create(account, container, data=b"v%d" % index, obj_name="doc")
    versions = api.object_list(account, container, versions=True)["objects"]
    assert [o["is_latest"] for o in versions] == [True, False, False]
    assert b"".join(api.object_fetch(account, container, "doc", version=versions[2]["version"])[1]) == b"v0"
    assert api.object_delete(account, container, "doc") is True
    assert api.object_list(account, container)["objects"] == []
    assert [o["deleted"] for o in api.object_list(account, container, deleted=True)["objects"]] == [True]
    with pytest.raises(NoSuchObject):
        api.object_fetch(account, container, "doc")
    api.container_purge(account, container, maxvers=2)
    remaining = api.object_list(account, container, versions=True)["objects"]
    # as upstream: the delete marker stays and maxvers live versions are kept
    assert [o.get("deleted", False) for o in remaining] == [True, False, False]
    assert [o["version"] for o in remaining[1:]] == [v["version"] for v in versions[:2]]


def test_object_properties(api, account, container):
    api.object_create(account, container, data=b"p", obj_name="p", properties={"a": "1", "b": "2"})
    assert api.object_get_properties(account, container, "p")["properties"] == {"a": "1", "b": "2"}
    api.object_set_properties(account, container, "p", {"c": "3"})
    api.object_del_properties(account, container, "p", ["a"])
    assert api.object_get_properties(account, container, "p")["properties"] == {"b": "2", "c": "3"}
    api.object_set_properties(account, container, "p", {"z": "9"}, clear=True)
    meta, _unused = api.object_locate(account, container, "p")
    assert meta["properties"] == {"z": "9"}
    listed = api.object_list(account, container, properties=True)["objects"][0]
    assert listed["properties"] == {"z": "9"}
    api.object_touch(account, container, "p")
    api.object_drain(account, container, "p")
    with pytest.raises(Exception, match="HTTP 410"):
        api.object_fetch(account, container, "p")


def test_truncate_at_a_metachunk_boundary(api, account, container):
    data = b"x" * (1048576 * 2 + 10)
    api.object_create(account, container, data=data, obj_name="t", policy="SINGLE")
    api.object_truncate(account, container, "t", size=1048576)
    assert b"".join(api.object_fetch(account, container, "t")[1]) == data[:1048576]


@pytest.mark.parametrize("policy", ["THREECOPIES", "EC"])
def test_truncate_inside_a_metachunk(api, account, container, policy):
    data = os.urandom(2 * 6 * 1048576 + 10)
    api.object_create(account, container, data=data, obj_name="t", policy=policy)
    api.object_truncate(account, container, "t", size=6 * 1048576 + 12345)
    meta, stream = api.object_fetch(account, container, "t")
    assert b"".join(stream) == data[:6 * 1048576 + 12345]
    assert int(meta["size"]) == 6 * 1048576 + 12345


@pytest.mark.parametrize("policy", ["SINGLE", "EC"])
def test_link_shares_the_data(api, account, container, policy):
    data = os.urandom(3 * 1048576 + 7)
    api.object_create(account, container, data=data, obj_name="target", policy=policy, properties={"k": "v"})
    api.object_link(account, container, "target", account, container, "link")
    meta, stream = api.object_fetch(account, container, "link")
    assert b"".join(stream) == data and meta["properties"] == {"k": "v"}
    _unused, target_chunks = api.object_locate(account, container, "target")
    _unused, link_chunks = api.object_locate(account, container, "link")
    assert not {c["url"] for c in target_chunks} & {c["url"] for c in link_chunks}
    api.object_delete(account, container, "target")
    assert b"".join(api.object_fetch(account, container, "link")[1]) == data
    api.object_link(account, container, "link", account, container, "link2", properties_directive="REPLACE", properties={"n": "2"})
    assert api.object_get_properties(account, container, "link2")["properties"] == {"n": "2"}


def test_change_policy_keeps_version_and_data(api, account, container):
    data = os.urandom(2 * 1048576 + 1)
    api.object_create(account, container, data=data, obj_name="cp", policy="THREECOPIES")
    before = api.object_get_properties(account, container, "cp")
    api.object_change_policy(account, container, "cp", "EC")
    meta, stream = api.object_fetch(account, container, "cp")
    assert b"".join(stream) == data
    assert meta["policy"] == "EC" and meta["version"] == before["version"]
    with pytest.raises(Conflict):
        api.object_change_policy(account, container, "cp", "EC")


def test_container_snapshot(api, account, container):
    data = os.urandom(1048576 + 5)
    api.object_create(account, container, data=data, obj_name="s1", policy="THREECOPIES")
    api.object_create(account, container, data=b"small", obj_name="s2", policy="EC")
    dst = container + "-snap"
    api.container_snapshot(account, container, account, dst)
    try:
        assert b"".join(api.object_fetch(account, dst, "s1")[1]) == data
        assert b"".join(api.object_fetch(account, dst, "s2")[1]) == b"small"
        _unused, src_chunks = api.object_locate(account, container, "s1")
        _unused, dst_chunks = api.object_locate(account, dst, "s1")
        assert not {c["url"] for c in src_chunks} & {c["url"] for c in dst_chunks}
        api.object_delete(account, container, "s1")
        assert b"".join(api.object_fetch(account, dst, "s1")[1]) == data
        api.object_create(account, container, data=b"new", obj_name="s3")
        # as upstream's: the source is re-enabled, the snapshot keeps the frozen status it was copied with
        assert api.container_get_properties(account, dst)["system"]["sys.status"] == "4294967295"
    finally:
        api.proxy_request("POST", "admin", "enable", {"acct": account, "ref": dst, "type": "meta2"})
        api.container_flush(account, dst)
        api.container_delete(account, dst)


def test_busy_proxy_is_retried_after_retry_after(api, account, container):
    """A frozen container answers 503 + Retry-After: the client waits and retries, then gives up with ServiceBusy."""
    ref = {"acct": account, "ref": container, "type": "meta2"}
    api.object_create(account, container, data=b"x", obj_name="busy")
    api.proxy_request("POST", "admin", "freeze", ref)
    try:
        started = time.monotonic()
        with pytest.raises(ServiceBusy):
            api.object_set_properties(account, container, "busy", {"a": "1"})
        assert time.monotonic() - started >= 1.0
        timer = threading.Timer(0.3, lambda: api.proxy_request("POST", "admin", "enable", ref))
        timer.start()
        api.object_set_properties(account, container, "busy", {"a": "2"})
        timer.join()
    finally:
        api.proxy_request("POST", "admin", "enable", ref)
    assert api.object_get_properties(account, container, "busy")["properties"] == {"a": "2"}
