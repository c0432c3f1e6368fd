# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rebuild of a lost chunk: an EC fragment from K others, or a replica from a surviving copy."""

from __future__ import annotations

from collections import Counter

from ._chunkio import ChunkReader, ChunkWriter, RangeSource
from ..common.exceptions import ChunkException, ClientException, ECError, OioException, UnrecoverableContent
from ..common.storage_method import storage_method
from ..common.utils import CHUNK_META_PREFIX, chunk_put_headers, cid_from_name, request_id

REBUILD_TIMEOUT = 60.0


def chunk_bean(chunk, content_id):
    """A chunk as ``container/raw_update`` and ``raw_insert`` take it."""
    return {"type": "chunk", "id": chunk["url"], "hash": chunk["hash"].upper(), "size": int(chunk["size"]),
            "pos": chunk["pos"], "content": content_id}


class ECRebuildHandler:
    """Streams the fragment ``index`` of a metachunk rebuilt from K of its other fragment-chunks.

    ``chunks`` are the surviving fragment-chunks (with ``real_url``); their
    sizes are taken from the rawx answers and the majority size wins.
    """

    def __init__(self, http, method, chunks, index, metachunk_size, headers=None):
        self.http = http
        self.method = method
        self.chunks = chunks
        self.index = index
        self.metachunk_size = metachunk_size
        self.headers = headers or {}
        self.chunk_size = None

    def _open_sources(self):
        answers = []
        for chunk in self.chunks:
            try:
                resp = self.http.request("GET", chunk["real_url"], headers=self.headers, stream=True, read_timeout=REBUILD_TIMEOUT)
            except (OioException, ClientException):
                continue
            answers.append((resp.headers.get(CHUNK_META_PREFIX + "chunk-size"), chunk, resp))
        sizes = Counter(a[0] for a in answers if a[0] is not None)
        majority = sizes.most_common(1)[0][0] if sizes else None
        chosen = [a for a in answers if a[0] == majority] + [a for a in answers if a[0] is None]
        keep = chosen[:self.method.k] if len(chosen) >= self.method.k else []
        for answer in answers:
            if not any(answer is kept for kept in keep):
                answer[2].release_conn()
        if not keep:
            raise UnrecoverableContent("Not enough valid sources to rebuild (%d/%d)" % (len(chosen), self.method.k))
        self.chunk_size = int(majority) if majority is not None else None
        return [_Stream(c[1]["real_url"], c[2]) for c in keep]

    def rebuild(self):
        """Iterator of the rebuilt fragment bytes, segment by segment."""
        sources = self._open_sources()
        try:
            for segment in range(self.method.segment_count(self.metachunk_size)):
                frag_len = self.method.segment_fragment_size(self.metachunk_size, segment)
                fragments = [source.read_exact(frag_len) for source in sources]
                try:
                    yield self.method.driver.reconstruct(fragments, [self.index])[0]
                except Exception as exc:
                    raise ECError("cannot rebuild fragment %d: %s" % (self.index, exc)) from None
        finally:
            for source in sources:
                source.close()


class _Stream(RangeSource):
    """An already open chunk GET used as a source."""

    def __init__(self, url, resp):  # pylint: disable=super-init-not-called
        self.url = url
        self.resp = resp


def _spare_chunk(chunk):
    """A chunk as content/spare takes it: url, pos, size, hash."""
    return {"url": chunk["url"], "pos": chunk["pos"], "size": int(chunk["size"]), "hash": chunk["hash"]}


def rebuild_chunk(api, account, container, obj, chunk_url, version=None):
    """Rebuild the chunk ``chunk_url`` of an object on a spare rawx and register it in meta2.

    Returns the new chunk URL.
    """
    meta, chunks = api.object_locate(account, container, obj, version=version, properties=False)
    method = storage_method(meta["chunk_method"])
    broken = next((c for c in chunks if c["url"] == chunk_url or c.get("real_url") == chunk_url), None)
    if broken is None:
        raise ChunkException("object %s/%s/%s has no chunk %s" % (account, container, obj, chunk_url))
    metachunk = broken["pos"].split(".")[0]
    others = [c for c in chunks if c["pos"].split(".")[0] == metachunk and c is not broken]
    for chunk in others:
        chunk["real_url"] = api.resolve_url(chunk.get("real_url") or chunk["url"])
    reqid = request_id("rebuild-")
    cid = cid_from_name(account, container)
    dummy, spare = api.proxy_request("POST", "content", "spare",
                                     {"cid": cid, "path": obj, "version": meta["version"], "stgpol": meta["policy"], "position": broken["pos"]},
                                     {"notin": [_spare_chunk(c) for c in others], "broken": [_spare_chunk(broken)]}, reqid=reqid)
    new = {"url": spare["chunks"][0]["id"], "pos": broken["pos"], "size": broken["size"], "hash": broken["hash"]}
    new["real_url"] = api.resolve_url(new["url"])
    size = int(broken["size"])
    headers = {"x-oio-req-id": reqid}
    if method.ec:
        handler = ECRebuildHandler(api.http, method, others, int(broken["pos"].split(".")[1]), size, headers)
        data, expected = handler.rebuild(), None
        trailers = [CHUNK_META_PREFIX + name for name in ("metachunk-size", "metachunk-hash", "chunk-hash")]
    else:
        data = ChunkReader(api.http, others, 0, size - 1, size, headers, REBUILD_TIMEOUT, "chunk %s" % chunk_url)
        expected, trailers, handler = size, (), None
    put_headers = chunk_put_headers(account, container, obj, meta, reqid)
    put_headers.update({CHUNK_META_PREFIX + "chunk-pos": new["pos"], CHUNK_META_PREFIX + "chunk-id": new["real_url"].rsplit("/", 1)[-1]})
    writer = ChunkWriter(new, put_headers, api.chunk_write_options(), trailers)
    writer.start()
    try:
        for piece in data:
            writer.feed(piece)
    finally:
        writer.close({CHUNK_META_PREFIX + "metachunk-size": size, CHUNK_META_PREFIX + "metachunk-hash": broken["hash"].lower()})
        writer.join()
    if handler is not None:
        expected = handler.chunk_size
    if writer.error is not None or (expected is not None and writer.size != expected):
        if writer.error is None:
            api.http.request("DELETE", new["real_url"], headers={CHUNK_META_PREFIX + "container-id": cid})
        raise ChunkException("rebuilt chunk %s: %s" % (new["url"], writer.error or "size %d, expected %d" % (writer.size, expected)))
    api.proxy_request("POST", "container", "raw_update", {"cid": cid},
                      {"old": [chunk_bean(broken, meta["id"])], "new": [chunk_bean(new, meta["id"])]}, reqid=reqid)
    return new["url"]
