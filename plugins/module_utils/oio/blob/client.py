# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``oio.blob.client.BlobClient``: requests to rawx services about single chunks."""

from __future__ import annotations

from ..api.base import HttpApi
from ..common.constants import CHUNK_METADATA_PREFIX


def extract_headers_meta(headers):
    """Chunk metadata from the ``x-oio-chunk-meta-*`` headers (dashes as underscores)."""
    return {key[len(CHUNK_METADATA_PREFIX):].replace("-", "_"): value for key, value in headers.items()
            if key.lower().startswith(CHUNK_METADATA_PREFIX)}


class BlobClient(HttpApi):
    """Chunk HEAD, GET, DELETE and COPY on rawx services."""

    def __init__(self, conf=None, perfdata=None, logger=None, connection_pool=None, **kwargs):
        super().__init__(pool_manager=connection_pool, **kwargs)
        self.conf = conf
        self.perfdata = perfdata
        self.logger = logger
        self.resolve_url = kwargs.get("resolve_url") or (lambda url: url)

    def _chunk(self, method, url, **kwargs):
        kwargs["autocreate"] = False
        return self._direct_request(method, self.resolve_url(url), **kwargs)

    def chunk_head(self, url, **kwargs):
        """The chunk's metadata (from its headers)."""
        return extract_headers_meta(self._chunk("HEAD", url, **kwargs)[0].headers)

    def chunk_get(self, url, **kwargs):
        """``(metadata, data)`` of a chunk (``headers={"Range": ...}`` for a part)."""
        resp, dummy = self._chunk("GET", url, **kwargs)
        return extract_headers_meta(resp.headers), resp.data

    def chunk_delete(self, url, **kwargs):
        """Delete a chunk; returns the response."""
        return self._chunk("DELETE", url, **kwargs)[0]

    def chunk_delete_many(self, chunks, cid=None, **kwargs):
        """Delete several chunks (dicts with ``url`` or ``real_url``); returns the responses."""
        headers = dict(kwargs.pop("headers", None) or {})
        if cid:
            headers[CHUNK_METADATA_PREFIX + "container-id"] = cid
        return [self.chunk_delete(c.get("real_url") or c["url"], headers=headers, **kwargs) for c in chunks]

    def chunk_link(self, target, link, fullpath, headers=None, **kwargs):
        """Hard-link chunk ``target`` as ``link`` (a chunk URL, or a chunk ID on the same rawx)."""
        if "/" not in link:
            link = target.rsplit("/", 1)[0] + "/" + link
        hdrs = dict(headers or {}, Destination=self.resolve_url(link))
        hdrs[CHUNK_METADATA_PREFIX + "full-path"] = fullpath
        return self._chunk("COPY", target, headers=hdrs, **kwargs)[0], link
