# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Rebuild of a lost chunk: an EC fragment from K others, or a replica from a surviving copy."""

from __future__ import annotations

from ._chunkio import ChunkWriter
from .ec import ECRebuildHandler
from .io import READ_CHUNK_SIZE, ChunkReader, read_or_explain
from ..common.exceptions import ChunkException
from ..common.storage_method import storage_method
from ..common.utils import CHUNK_META_PREFIX, chunk_put_headers, cid_from_name, request_id

REBUILD_TIMEOUT = 60.0


def chunk_bean(chunk, content_id):
    """A chunk as ``container/raw_update`` and ``raw_insert`` take it."""
    return {"type": "chunk", "id": chunk["url"], "hash": chunk["hash"].upper(), "size": int(chunk["size"]),
            "pos": chunk["pos"], "content": content_id}


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
        handler = ECRebuildHandler(others, int(broken["pos"].split(".")[1]), method, read_timeout=REBUILD_TIMEOUT,
                                   http=api.http, headers=headers, metachunk_size=size)
        expected, data = handler.rebuild()
        trailers = [CHUNK_META_PREFIX + name for name in ("metachunk-size", "metachunk-hash", "chunk-hash")]
    else:
        data = read_or_explain(ChunkReader(iter(others), READ_CHUNK_SIZE, headers, read_timeout=REBUILD_TIMEOUT, http=api.http,
                                           what="chunk %s" % chunk_url))
        expected, trailers = size, ()
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
    if writer.error is not None or (expected is not None and writer.size != expected):
        if writer.error is None:
            api.http.request("DELETE", new["real_url"], headers={CHUNK_META_PREFIX + "container-id": cid})
        raise ChunkException("rebuilt chunk %s: %s" % (new["url"], writer.error or "size %d, expected %d" % (writer.size, expected)))
    api.proxy_request("POST", "container", "raw_update", {"cid": cid},
                      {"old": [chunk_bean(broken, meta["id"])], "new": [chunk_bean(new, meta["id"])]}, reqid=reqid)
    return new["url"]
