# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Upstream's ``oio.api.io.ChunkReader`` reading real chunks from the dev namespace's rawx: parts and
``fill_ranges``, ``buf_size`` and ``align``, ``get_next_part``/``iter_from_resp``, the errors when no copy
answers, and ``recover`` switching to the next copy after a rawx dies mid-read."""

from __future__ import annotations

import os

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.oio.api.io import ChunkReader, make_iter_from_resp
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.exceptions import NotFound, ServiceUnavailable

from oio_lab import admin, rawx_of


def _copies(api, account, container, name, data, policy="THREECOPIES"):
    api.object_create(account, container, data=data, obj_name=name, policy=policy)
    chunks = api.object_locate(account, container, name)[1]
    for chunk in chunks:
        chunk["real_url"] = api.resolve_url(chunk.get("real_url") or chunk["url"])
    return [c for c in chunks if c["pos"] == "0"]


def _ranges_asked(chunks):
    """The Range headers the rawx received for these chunks since the last call, by chunk URL."""
    ids = {c["url"].rsplit("/", 1)[-1].upper(): c["url"] for c in chunks}
    return [(ids[r["chunk"]], r["range"]) for r in admin("rawx/ranges") if r["chunk"] in ids]


def test_whole_chunk_parts_headers_and_filled_range(api, account, container):
    data = os.urandom(100000)
    copies = _copies(api, account, container, "whole", data)
    headers = {"X-oio-req-id": "reader-whole"}
    reader = ChunkReader(iter(copies), 30000, headers, http=api.http)
    assert reader.reqid == "reader-whole"
    parts = reader.get_iter()
    part = next(parts)  # a part is read before the next is asked for: the source closes after the last
    assert (part["start"], part["end"], part["length"]) == (0, 99999, 100000)
    assert headers["Range"] == "bytes=0-99999"  # fill_ranges: the part's range, for a later recovery
    assert reader.status == 200 and reader.headers["content-length"] == "100000"
    pieces = list(part["iter"])
    assert [len(p) for p in pieces] == [30000, 30000, 30000, 10000] and b"".join(pieces) == data
    assert next(parts, None) is None


def test_range_buf_size_none_and_stream(api, account, container):
    data = os.urandom(200000)
    copies = _copies(api, account, container, "ranged", data)
    reader = ChunkReader(iter(copies), None, {"Range": "bytes=1000-150999"}, http=api.http)
    stream = reader.stream()
    assert reader.status == 206 and reader.headers["content-range"] == "bytes 1000-150999/200000"
    assert b"".join(stream) == data[1000:151000]
    assert b"".join(ChunkReader(iter(copies), 4096, {"Range": "bytes=150000-199999"}, http=api.http)) == data[150000:]


def test_align_discards_up_to_the_next_buffer_boundary(api, account, container):
    data = os.urandom(5000)
    copies = _copies(api, account, container, "aligned", data)
    reader = ChunkReader(iter(copies), 256, {"Range": "bytes=100-1123"}, align=True, http=api.http)
    pieces = list(reader)
    assert reader.discard_bytes == 0 and [len(p) for p in pieces] == [256, 256, 256, 100]
    assert b"".join(pieces) == data[256:1124]


def test_get_next_part_and_iter_from_resp_on_a_response(api, account, container):
    data = os.urandom(70000)
    copies = _copies(api, account, container, "parts", data)
    resp = api.http.request("GET", copies[0]["real_url"], headers={"Range": "bytes=10-69999"}, stream=True)
    parts_iter = [make_iter_from_resp(resp)]
    start, end, length, headers, part = ChunkReader.get_next_part(parts_iter)
    assert (start, end, length) == (10, 69999, 69990)
    reader = ChunkReader(iter(copies[1:]), 65536, {"Range": "bytes=10-69999"}, http=api.http)
    assert b"".join(reader.iter_from_resp([resp], parts_iter, part, copies[0])) == data[10:]
    with pytest.raises(StopIteration):
        ChunkReader.get_next_part(parts_iter)


def test_no_copy_answers(api, account, container):
    copies = _copies(api, account, container, "gone", os.urandom(1000))
    for chunk in copies:
        admin("chunk/remove", url=chunk["real_url"])
    reader = ChunkReader(iter(copies), 65536, {}, http=api.http)
    with pytest.raises(NotFound) as error:
        reader.get_iter()
    assert all(c["url"] in str(error.value) for c in copies)
    assert set(reader._resp_by_chunk) == {c["url"] for c in copies} and {s for s, _r in reader._resp_by_chunk.values()} == {404}
    other = _copies(api, account, container, "mixed", os.urandom(1000))
    admin("chunk/remove", url=other[0]["real_url"])
    admin("chunk/remove", url=other[1]["real_url"])
    admin("rawx/stop", service=rawx_of(other[2]["real_url"]))
    with pytest.raises(ServiceUnavailable, match="unavailable chunks"):
        ChunkReader(iter(other), 65536, {}, http=api.http).get_iter()


def test_recover_after_a_rawx_dies_mid_read(api, account, container):
    """A 20 MiB chunk (above the size checked whole before use) streams from the first copy; its rawx stops
    after the first buffer: the reader recovers from the byte it had delivered, on the next copy."""
    config_url = os.environ["OIO_PROXY_URL"] + "/v3.0/config"
    chunk_size = api.http.json("GET", config_url)[1]["ns.chunk_size"]
    data = os.urandom(20 * 1048576)
    api.http.json("POST", config_url, json_body={"ns.chunk_size": str(len(data))})
    try:
        copies = _copies(api, account, container, "big", data)
    finally:
        api.http.json("POST", config_url, json_body={"ns.chunk_size": chunk_size})
    assert len(copies) == 3 and int(copies[0]["size"]) == len(data)
    _ranges_asked(copies)
    headers = {}
    stream = ChunkReader(iter(copies), 65536, headers, http=api.http).stream()
    first = next(stream)
    admin("rawx/stop", service=rawx_of(copies[0]["real_url"]))
    rest = b"".join(stream)
    assert first + rest == data
    asked = _ranges_asked(copies)
    assert sorted(asked, key=lambda item: [c["url"] for c in copies].index(item[0])) == [
        (copies[0]["url"], None), (copies[1]["url"], headers["Range"])]
    resumed_at = int(headers["Range"][len("bytes="):].split("-")[0])
    assert 65536 <= resumed_at < len(data) and resumed_at % 65536 == 0
    assert headers["Range"] == "bytes=%d-%d" % (resumed_at, len(data) - 1)
