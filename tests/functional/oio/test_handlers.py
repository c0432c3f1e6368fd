# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Upstream's transfer handlers (``oio.api.io``, ``ec``, ``replication``, ``backblaze``) on the dev namespace:
each used directly, and the ranges the EC reads ask of the rawx."""

from __future__ import annotations

import hashlib
import io
import os

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.oio.api import ec
from ansible_collections.datacenter.storage.plugins.module_utils.oio.api.ec import ECWriteHandler
from ansible_collections.datacenter.storage.plugins.module_utils.oio.api.io import READ_CHUNK_SIZE, ChunkReader, MetachunkPreparer
from ansible_collections.datacenter.storage.plugins.module_utils.oio.api.replication import ReplicatedWriteHandler
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.fullpath import encode_fullpath
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.storage_functions import (
    fetch_stream, fetch_stream_ec,
)
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.storage_method import STORAGE_METHODS
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.utils import cid_from_name

from oio_lab import admin


def _located(api, account, container, name):
    meta, chunks = api.object_locate(account, container, name)
    for chunk in chunks:
        chunk["real_url"] = api.resolve_url(chunk.get("real_url") or chunk["url"])
    by_position = {}
    for chunk in chunks:
        by_position.setdefault(int(chunk["pos"].split(".")[0]), []).append(chunk)
    return meta, STORAGE_METHODS.load(meta["chunk_method"]), by_position


def _ranges_asked(chunks):
    """The Range headers the rawx received for these chunks since the last call, by chunk sub-position."""
    ids = {c["url"].rsplit("/", 1)[-1].upper(): c["pos"] for c in chunks}
    return [(ids[r["chunk"]], r["range"]) for r in admin("rawx/ranges") if r["chunk"] in ids]


@pytest.mark.parametrize("policy, segment, meta_range, segment_range", [
    ("EC256", 256, (100, 600), (0, 767)),
    ("EC512", 512, (100, 600), (0, 1023)),
    ("EC256", 256, (300, None), (256, None)),
])
def test_ec_range_reads_ask_the_documented_fragment_ranges(api, account, container, monkeypatch, policy, segment,
                                                           meta_range, segment_range):
    """Upstream's documented examples, on real reads: the segment range, the fragment range each rawx is asked
    for, and the bytes returned."""
    data = os.urandom(3000)
    name = "ranges-%s-%s" % (policy, meta_range[1])
    api.object_create(account, container, data=data, obj_name=name, policy=policy)
    meta, method, chunks = _located(api, account, container, name)
    assert method.ec_segment_size == segment
    seen = []
    original = ec.meta_chunk_range_to_segment_range
    monkeypatch.setattr(ec, "meta_chunk_range_to_segment_range", lambda *a: seen.append((a, original(*a))) or original(*a))
    before = len(_ranges_asked(chunks[0]))
    handler = ec.ECChunkDownloadHandler(method, chunks[0], meta_range[0], meta_range[1], {}, http=api.http)
    stream = handler.get_stream()
    try:
        got = b"".join(piece for part in stream.get_iter() for piece in part["iter"])
    finally:
        stream.close()
    start, end = meta_range
    assert got == data[start:None if end is None else end + 1]
    assert seen == [((start, end, segment), segment_range)]
    fragment = method.ec_fragment_size
    first = segment_range[0] // segment * fragment
    if segment_range[1] is None:  # to the end of each fragment-chunk: its last segment (3000 % segment) is shorter
        last = first - 1 + sum(method.segment_fragment_size(len(data), j)
                               for j in range(segment_range[0] // segment, -(-len(data) // segment)))
    else:
        last = (segment_range[1] + 1) // segment * fragment - 1
    asked = _ranges_asked(chunks[0])[before:]
    assert len(asked) == method.ec_nb_data
    assert {value for dummy, value in asked} == {"bytes=%d-%d" % (first, last)}


def test_object_fetch_of_an_ec_range_goes_through_the_handlers(api, account, container, monkeypatch):
    data = os.urandom(3000)
    api.object_create(account, container, data=data, obj_name="fetch", policy="EC256")
    built = []
    original = ec.ECChunkDownloadHandler.__init__
    monkeypatch.setattr(ec.ECChunkDownloadHandler, "__init__",
                        lambda self, *a, **kw: built.append(a[2:4]) or original(self, *a, **kw))
    assert b"".join(api.object_fetch(account, container, "fetch", ranges=[(100, 600)])[1]) == data[100:601]
    assert built == [(100, 600)]


def test_fetch_stream_ec_and_fetch_stream_read_objects(api, account, container):
    data = os.urandom(5000)
    for policy in ("EC512", "THREECOPIES"):
        api.object_create(account, container, data=data, obj_name=policy, policy=policy)
        dummy, method, chunks = _located(api, account, container, policy)
        fetch = fetch_stream_ec if method.ec else fetch_stream
        assert b"".join(fetch(chunks, None, method, http=api.http)) == data
        assert b"".join(fetch(chunks, [(10, 20), (4990, None)], method, http=api.http)) == data[10:21] + data[4990:]


def test_an_ec_stream_closed_early_leaves_no_half_read_connection_to_reuse(api, account, container):
    """The fragment-chunks of a stream closed before their end are not given back to the pool: their unread
    bytes (here all in the client's buffer, the socket looking idle) would be taken for the next answer."""
    data = os.urandom(3000)
    api.object_create(account, container, data=data, obj_name="early", policy="EC256")
    dummy, method, chunks = _located(api, account, container, "early")
    for _unused in range(3):
        stream = ec.ECChunkDownloadHandler(method, chunks[0], None, None, {}, http=api.http).get_stream()
        try:
            assert next(next(iter(stream))["iter"]) == data[:256]
        finally:
            stream.close()
        assert b"".join(api.object_fetch(account, container, "early")[1]) == data


def test_chunk_reader_fails_over_to_the_next_copy(api, account, container):
    data = os.urandom(20000)
    api.object_create(account, container, data=data, obj_name="copies", policy="THREECOPIES")
    dummy, dummy, chunks = _located(api, account, container, "copies")
    copies = chunks[0]
    admin("chunk/remove", url=copies[0]["real_url"])
    reader = ChunkReader(iter(copies), READ_CHUNK_SIZE, {"Range": "bytes=100-19999"}, http=api.http)
    part = next(reader.get_iter())
    assert (part["start"], part["end"]) == (100, 19999)
    assert b"".join(part["iter"]) == data[100:]


def test_ec_rebuild_handler_rebuilds_a_fragment(api, account, container):
    data = os.urandom(4000)
    api.object_create(account, container, data=data, obj_name="rebuild", policy="EC512")
    dummy, method, chunks = _located(api, account, container, "rebuild")
    metachunk = sorted(chunks[0], key=lambda c: int(c["pos"].split(".")[1]))
    lost = metachunk[2]
    original = b"".join(api.http.request("GET", lost["real_url"], stream=True).stream(65536))
    others = [c for c in metachunk if c is not lost]
    size, fragments = ec.ECRebuildHandler(others, 2, method, http=api.http).rebuild()
    assert size == len(original) and b"".join(fragments) == original


@pytest.mark.parametrize("policy, handler_class", [("THREECOPIES", ReplicatedWriteHandler), ("EC512", ECWriteHandler)])
def test_write_handlers_upload_where_the_preparer_says(api, account, container, policy, handler_class):
    """As an upstream tool does: a MetachunkPreparer on the container client, a write handler, content_create."""
    data = os.urandom(2 * 1048576 + 100)  # three metachunks (1 MiB chunks)
    method_name = "direct-" + policy
    preparer = MetachunkPreparer(api.container, account, container, method_name, policy=policy)
    meta = preparer.obj_meta
    method = STORAGE_METHODS.load(meta["chunk_method"])
    sysmeta = dict(meta, container_id=cid_from_name(account, container), content_path=method_name,
                   full_path=encode_fullpath(account, container, method_name, meta["version"], meta["id"]))
    chunks, size, md5 = handler_class(io.BytesIO(data), sysmeta, preparer, method).stream()
    assert size == len(data) and md5 == hashlib.md5(data).hexdigest()
    assert len({c["pos"].split(".")[0] for c in chunks}) == -(-len(data) // method.metachunk_size(preparer.chunk_size))
    assert {c["url"] for c in preparer.all_chunks_so_far()} >= {c["url"] for c in chunks}
    api.container.content_create(account, container, method_name, size=size, checksum=md5, data={"chunks": chunks},
                                 content_id=meta["id"], stgpol=meta["policy"], version=meta["version"],
                                 chunk_method=meta["chunk_method"])
    assert b"".join(api.object_fetch(account, container, method_name)[1]) == data


def test_object_create_goes_through_the_write_handlers(api, account, container, monkeypatch):
    used = []
    for cls in (ReplicatedWriteHandler, ECWriteHandler):
        original = cls.stream
        monkeypatch.setattr(cls, "stream", lambda self, _f=original: used.append(type(self).__name__) or _f(self))
    api.object_create(account, container, data=b"r" * 1000, obj_name="r", policy="TWOCOPIES")
    api.object_create(account, container, data=b"e" * 1000, obj_name="e", policy="EC")
    assert used == ["ReplicatedWriteHandler", "ECWriteHandler"]


def test_ec_chunk_writer_stores_one_fragment_chunk(api, account, container):
    api.object_create(account, container, data=os.urandom(1000), obj_name="frag", policy="EC21")
    meta, method, chunks = _located(api, account, container, "frag")
    source = chunks[0][0]
    fragment = b"".join(api.http.request("GET", source["real_url"], stream=True).stream(65536))
    copy = dict(source, real_url=source["real_url"][:-8] + "00000000", url=source["url"][:-8] + "00000000")
    sysmeta = dict(meta, content_path="frag", full_path=encode_fullpath(account, container, "frag", meta["version"], meta["id"]))
    writer = ec.EcChunkWriter.connect(copy, sysmeta)
    writer.start()
    writer.send(fragment)
    writer.finish(1000, meta["hash"].lower())
    written = writer.getresponse()
    assert written["size"] == len(fragment) and written["hash"] == hashlib.md5(fragment).hexdigest()
    head = api.blob_client.chunk_head(copy["real_url"])
    assert int(head["chunk_size"]) == len(fragment) and int(head["metachunk_size"]) == 1000
