# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Upstream's metachunk writers used alone, as upstream 7.x's tools use them, on the dev namespace: a
``hashlib.md5()`` as the object's checksum (updated with the data), a file object as the source, the chunks of
one metachunk from a ``MetachunkPreparer``; and ``EcChunkWriter.start(pool)`` sending in the caller's pool."""

from __future__ import annotations

import hashlib
import io
import os
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.oio.api import ec
from ansible_collections.datacenter.storage.plugins.module_utils.oio.api.io import MetachunkPreparer
from ansible_collections.datacenter.storage.plugins.module_utils.oio.api.replication import ReplicatedMetachunkWriter
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.fullpath import encode_fullpath
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.storage_method import STORAGE_METHODS
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.utils import cid_from_name


def _one_metachunk(api, account, container, name, policy):
    preparer = MetachunkPreparer(api.container, account, container, name, policy=policy)
    meta = preparer.obj_meta
    method = STORAGE_METHODS.load(meta["chunk_method"])
    sysmeta = dict(meta, container_id=cid_from_name(account, container), content_path=name,
                   full_path=encode_fullpath(account, container, name, meta["version"], meta["id"]))
    meta_chunk = next(iter(preparer()))
    for chunk in meta_chunk:
        chunk["real_url"] = api.resolve_url(chunk.get("real_url") or chunk["url"])
    return meta, method, sysmeta, meta_chunk


def _create_and_read(api, account, container, name, meta, chunks, size, md5):
    api.container.content_create(account, container, name, size=size, checksum=md5, data={"chunks": chunks},
                                 content_id=meta["id"], stgpol=meta["policy"], version=meta["version"],
                                 chunk_method=meta["chunk_method"])
    return b"".join(api.object_fetch(account, container, name)[1])


@pytest.mark.parametrize("policy", ["EC", "EC512", "ECISAL63D1"])
def test_ec_metachunk_writer_alone_with_a_hashlib_checksum(api, account, container, policy):
    data = os.urandom(300000 + 17)
    meta, method, sysmeta, meta_chunk = _one_metachunk(api, account, container, "ec-alone-" + policy, policy)
    global_checksum = hashlib.md5(b"prefix")  # the object's checksum, carried over from earlier metachunks
    writer = ec.EcMetachunkWriter(sysmeta, meta_chunk, global_checksum, method)
    size, meta_hash, chunks = writer.stream(io.BytesIO(data), len(data))
    assert size == len(data) and meta_hash == hashlib.md5(data).hexdigest()
    assert global_checksum.hexdigest() == hashlib.md5(b"prefix" + data).hexdigest()
    assert sorted(c["pos"] for c in chunks) == sorted(c["pos"] for c in meta_chunk)
    assert _create_and_read(api, account, container, "ec-alone-" + policy, meta, chunks, size, meta_hash) == data


def test_replicated_metachunk_writer_alone_with_a_hashlib_checksum(api, account, container):
    data = os.urandom(200000 + 3)
    meta, method, sysmeta, meta_chunk = _one_metachunk(api, account, container, "rep-alone", "THREECOPIES")
    checksum = hashlib.md5()
    size, meta_hash, chunks = ReplicatedMetachunkWriter(sysmeta, meta_chunk, checksum, method).stream(io.BytesIO(data), None)
    assert size == len(data) and meta_hash == checksum.hexdigest() == hashlib.md5(data).hexdigest()
    assert len(chunks) == 3 and all(c["hash"].lower() == meta_hash and c["size"] == len(data) for c in chunks)
    assert _create_and_read(api, account, container, "rep-alone", meta, chunks, size, meta_hash) == data


class SpawnPool:
    """A pool with upstream's (eventlet's) ``spawn``, running each function in one of its own threads."""

    def __init__(self):
        self.threads = []

    def spawn(self, fn):
        thread = threading.Thread(target=fn, name="spawned-%d" % len(self.threads))
        self.threads.append(thread)
        thread.start()


@pytest.mark.parametrize("kind", ["spawn", "submit"])
def test_ec_chunk_writer_sends_in_the_pool_it_is_given(api, account, container, kind):
    api.object_create(account, container, data=os.urandom(1000), obj_name="pooled", policy="EC21")
    meta, chunks = api.object_locate(account, container, "pooled")
    source = dict(chunks[0], real_url=api.resolve_url(chunks[0].get("real_url") or chunks[0]["url"]))
    fragment = b"".join(api.http.request("GET", source["real_url"], stream=True).stream(65536))
    copy = dict(source, real_url=source["real_url"][:-8] + "11111111", url=source["url"][:-8] + "11111111")
    sysmeta = dict(meta, content_path="pooled", full_path=encode_fullpath(account, container, "pooled", meta["version"], meta["id"]))
    writer = ec.EcChunkWriter.connect(copy, sysmeta)
    pool = SpawnPool() if kind == "spawn" else ThreadPoolExecutor(2, thread_name_prefix="caller-pool")
    writer.start(pool)
    writer.send(fragment)
    writer.finish(1000, meta["hash"].lower())
    written = writer.getresponse()
    assert written["size"] == len(fragment) and written["hash"] == hashlib.md5(fragment).hexdigest()
    assert writer.ident is None  # the writer's own thread never ran: the pool did the sending
    if kind == "spawn":
        assert len(pool.threads) == 1
    else:
        pool.shutdown()
    assert int(api.blob_client.chunk_head(copy["real_url"])["chunk_size"]) == len(fragment)
