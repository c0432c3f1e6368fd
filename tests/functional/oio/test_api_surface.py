# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Upstream's ``oio`` 7.x surface on the dev namespace: constructor, sub-clients, aliases, return values, and
one test per per-call keyword argument proving its effect."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.oio import ObjectStorageApi
from ansible_collections.datacenter.storage.plugins.module_utils.oio.account.client import AccountClient
from ansible_collections.datacenter.storage.plugins.module_utils.oio.api import ec
from ansible_collections.datacenter.storage.plugins.module_utils.oio.blob.client import BlobClient
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.client import ProxyClient
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.exceptions import (
    DeadlineReached, NoSuchContainer, NoSuchObject, OioTimeout,
)
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.utils import cid_from_name
from ansible_collections.datacenter.storage.plugins.module_utils.oio.container.client import ContainerClient
from ansible_collections.datacenter.storage.plugins.module_utils.oio.directory.client import DirectoryClient

SEGMENT = 1048576


def test_constructor_takes_the_logger_second_and_builds_the_sub_clients():
    logger = logging.getLogger("oio-test")
    api = ObjectStorageApi(os.environ["OIO_NS"], logger, endpoint=os.environ["OIO_PROXY_URL"],
                           account_url=os.environ["OIO_ACCOUNT_URL"])
    assert api.logger is logger and api.namespace == os.environ["OIO_NS"]
    assert isinstance(api.container, ContainerClient) and isinstance(api.directory, DirectoryClient)
    assert isinstance(api.account, AccountClient) and isinstance(api.blob_client, BlobClient)
    assert isinstance(api.proxy_client, ProxyClient)
    api.account.account_create("api-surface")
    try:
        assert "api-surface" in api.account_list()
        assert api.account.account_show("api-surface")["id"] == "api-surface"
    finally:
        api.account.account_delete("api-surface")


def test_sub_clients_talk_to_the_namespace(api, account, container):
    chunks, dummy, md5 = api.object_create(account, container, data=b"sub-clients", obj_name="o", policy="SINGLE")
    meta, located = api.container.content_locate(account, container, "o")
    assert meta["hash"].lower() == md5 and len(located) == 1
    assert api.container.container_get_properties(account, container)["system"]["sys.user.name"] == container
    head = api.blob_client.chunk_head(located[0]["url"])
    assert head["chunk_hash"].lower() == md5 and int(head["chunk_size"]) == 11
    assert api.directory.list(account, container)["dir"]
    assert api.container.content_delete(account, container, "o") is True
    assert [c["name"] for c in api.container.content_list(account, container)[1]["objects"]] == []


def test_resolve_cid(api, account, container):
    assert api.resolve_cid(cid_from_name(account, container)) == (account, container)


def test_return_values_as_upstream(api, account, container):
    api.object_create(account, container, data=b"x", obj_name="p", properties={"a": "1"})
    assert api.object_del_properties(account, container, "p", ["a"]) is True
    assert isinstance(api.container_set_properties(account, container, {"k": "v"}), (dict, type(None)))
    api.container_del_properties(account, container, ["k"])
    assert "k" not in api.container_get_properties(account, container)["properties"]
    link = api.object_link(account, container, "p", account, container, "p-link")
    assert link["name"] == "p-link" and link["hash"] == api.object_get_properties(account, container, "p")["hash"]
    with pytest.raises(ValueError):
        api.object_head(account, container, "p", trust_level=5)
    assert api.object_delete(account, container, "p") is True


def test_deprecated_aliases(api, account, container):
    api.object_create(account, container, data=b"alias", obj_name="a")
    with pytest.warns(DeprecationWarning):
        api.object_update(account, container, "a", {"color": "red"})
    assert api.object_get_properties(account, container, "a")["properties"] == {"color": "red"}
    with pytest.warns(DeprecationWarning):
        api.container_update(account, container, {"owner": "me"})
    assert api.container_get_properties(account, container)["properties"]["owner"] == "me"
    with pytest.warns(DeprecationWarning):
        assert api.object_analyze(account, container, "a")[0]["name"] == "a"
    with pytest.warns(DeprecationWarning):
        api.object_fastcopy(account, container, "a", account, container, "a-copy")
    assert b"".join(api.object_fetch(account, container, "a-copy")[1]) == b"alias"
    assert api.object_show(account, container, "a")["name"] == "a"


def test_locate_with_chunk_info_asks_the_rawx(api, account, container):
    api.object_create(account, container, data=b"info" * 100, obj_name="i", policy="THREECOPIES")
    dummy, chunks = api.object_locate(account, container, "i", chunk_info=True)
    chunks = list(chunks)
    assert len(chunks) == 3 and all(c["chunk_size"] == 400 and c["full_path"] for c in chunks)


def test_container_touch_recompute_and_account_refresh(api, account, container):
    api.object_create(account, container, data=b"12345", obj_name="t")
    api.container_touch(account, container, recompute=True)
    api.account_refresh(account)
    listing = {entry[0]: entry for entry in api.container_list(account)}
    assert listing[container][1:3] == [1, 5]


# ---------------------------------------------------------------- per-call keyword arguments


def test_per_call_autocreate_false_raises_no_such_container(api, account):
    missing = "nope-" + uuid.uuid4().hex[:8]
    with pytest.raises(NoSuchContainer):
        api.object_create(account, missing, data=b"x", obj_name="o", autocreate=False)
    with pytest.raises(NoSuchContainer):
        api.container_show(account, missing)
    api.object_create(account, missing, data=b"x", obj_name="o")  # the client's default: autocreate
    assert api.object_delete(account, missing, "o") and api.container_delete(account, missing) is None


def test_per_call_deadline_in_the_past_raises_deadline_reached(api, account, container):
    api.object_create(account, container, data=b"d", obj_name="d")
    for call in (lambda **kw: api.object_fetch(account, container, "d", **kw),
                 lambda **kw: api.container_show(account, container, **kw),
                 lambda **kw: api.object_create(account, container, data=b"e", obj_name="e", **kw)):
        with pytest.raises(DeadlineReached):
            call(deadline=time.monotonic() - 1)
    assert b"".join(api.object_fetch(account, container, "d", deadline=time.monotonic() + 30)[1]) == b"d"
    with pytest.raises(NoSuchObject):
        api.object_get_properties(account, container, "e")


def test_per_call_headers_reach_the_proxy(api, account, container):
    for name, headers in (("h", {"X-oio-Simulate-Versioning": "1"}),) * 2 + (("n", None),) * 2:
        api.object_create(account, container, data=name.encode(), obj_name=name, headers=headers)
    assert len([o for o in api.object_list(account, container, versions=True)["objects"] if o["name"] == "h"]) == 2
    assert len([o for o in api.object_list(account, container, versions=True)["objects"] if o["name"] == "n"]) == 1


def test_per_call_read_timeout_bounds_the_wait():
    """A proxy that accepts and never answers: the client's read timeout is 300 s, the call's 0.2 s."""
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(8)
    api = ObjectStorageApi("OPENIO", endpoint="http://127.0.0.1:%d" % silent.getsockname()[1], read_timeout=300.0,
                           account_url=os.environ["OIO_ACCOUNT_URL"])
    outcome = []

    def call():
        try:
            api.container_show("a", "c", read_timeout=0.2)
        except OioTimeout as exc:
            outcome.append(exc)

    worker = threading.Thread(target=call, daemon=True)
    worker.start()
    worker.join(60)
    silent.close()
    assert not worker.is_alive() and len(outcome) == 1


def test_per_call_perfdata_collects_timings(api, account, container):
    perfdata = {}
    api.object_create(account, container, data=b"perf", obj_name="pd", perfdata=perfdata)
    assert perfdata["proxy"]["overall"] > 0
    again = {}
    api.container_show(account, container, perfdata=again)
    assert 0 < again["proxy"]["overall"] < perfdata["proxy"]["overall"] + 60


def test_per_call_reqid_is_sent(api, account, container):
    seen = []
    original = api.http.json

    def spy(method, url, **kwargs):
        seen.append(kwargs["headers"]["x-oio-req-id"])
        return original(method, url, **kwargs)

    api.http.json = spy
    try:
        api.container_show(account, container, reqid="my-request-1")
        api.object_create(account, container, data=b"r", obj_name="r", reqid="my-request-2")
    finally:
        del api.http.json
    assert seen[0] == "my-request-1" and set(seen[1:]) == {"my-request-2"}


# ---------------------------------------------------------------- EC range reads through the range helpers


@pytest.mark.parametrize("policy", ["EC", "ECISAL63D1"])
def test_ec_range_reads_go_through_the_range_helpers(api, account, container, monkeypatch, policy):
    data = os.urandom(3 * SEGMENT + 1000)
    api.object_create(account, container, data=data, obj_name="ec", policy=policy)
    calls = []
    for name in ("meta_chunk_range_to_segment_range", "segment_range_to_fragment_range"):
        original = getattr(ec, name)
        monkeypatch.setattr(ec, name, lambda *a, _f=original, _n=name: calls.append((_n, a, _f(*a))) or _f(*a))
    for start, end in ((100, 600), (300, None), (SEGMENT + 100, 2 * SEGMENT + 600)):
        expected = data[start:None if end is None else end + 1]
        assert b"".join(api.object_fetch(account, container, "ec", ranges=[(start, end)])[1]) == expected
    meta = [c for c in calls if c[0] == "meta_chunk_range_to_segment_range"]
    assert meta[0][1:] == ((100, 600, SEGMENT), (0, SEGMENT - 1))
    assert meta[1][1] == (300, len(data) - 1, SEGMENT) and meta[1][2] == (0, 4 * SEGMENT - 1)
    assert meta[2][2] == (SEGMENT, 3 * SEGMENT - 1)
    fragment = [c for c in calls if c[0] == "segment_range_to_fragment_range"]
    assert len(fragment) == 3 and fragment[2][2][0] == fragment[2][1][3]  # starts at the second fragment
