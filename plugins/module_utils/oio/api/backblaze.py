# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Transfer handlers of ``backblaze/...`` storage methods (``oio.api.backblaze``): one B2 file per metachunk.

``backblaze_info`` is a dict; its ``client`` entry is the ``backblaze_http.B2Bucket`` of the method's
account and bucket, made when absent from ``backblaze.account_id``, ``backblaze.application_key``,
``bucket_name`` and ``api_url`` (extension; default: Backblaze's).
"""

from __future__ import annotations

from ..common.storage_functions import get_meta_ranges
from ._chunkio import MetachunkUpload, Source
from .backblaze_http import B2_API_URL, B2Bucket, chunk_file_name
from .io import WriteHandler


def _client(backblaze_info, storage_method=None):
    client = backblaze_info.get("client")
    if client is None:
        client = backblaze_info["client"] = B2Bucket(
            backblaze_info["backblaze.account_id"], backblaze_info["backblaze.application_key"],
            backblaze_info.get("bucket_name") or storage_method.bucket_name, api_url=backblaze_info.get("api_url", B2_API_URL))
    return client


class BackblazeChunkWriteHandler(MetachunkUpload):
    """Stores one metachunk as one B2 file; its chunk entry records, as upstream's, the MD5 of the object up to
    the end of this metachunk."""

    def __init__(self, sysmeta, meta_chunk, checksum, storage_method, backblaze_info):
        super().__init__()
        self.sysmeta = sysmeta
        self.meta_chunk = meta_chunk
        self.checksum = checksum
        self.storage_method = storage_method
        self.backblaze_info = backblaze_info

    def start(self, source, size, checksum=None):
        """Read up to ``size`` bytes of ``source`` and upload them."""
        chunk = self.meta_chunk[0]
        data = source.read(size)
        hasher = checksum or self.checksum
        hasher.update(data)
        self._digests = hasher.cut()
        self.size = len(data)
        _client(self.backblaze_info, self.storage_method).upload(
            chunk_file_name(self.sysmeta["container_id"], chunk["url"]), data, self.sysmeta.get("mime_type") or "application/octet-stream")
        self.stored.append(chunk)

    def finish(self):
        md5hex = self._digests.object_so_far()
        chunk = self.meta_chunk[0]
        return self.size, md5hex, [{"url": chunk["url"], "pos": chunk["pos"], "size": self.size, "hash": md5hex}]

    def stream(self, source, size=None):
        """Upload up to ``size`` bytes (default: all) of ``source``: ``(bytes, MD5 so far, chunk entries)``."""
        return self.write(source if isinstance(source, Source) else Source(source), float("inf") if size is None else size, None)


class BackblazeWriteHandler(WriteHandler):
    """Uploads an object with a ``backblaze/...`` storage method, one B2 file per metachunk."""

    def __init__(self, source, sysmeta, chunk_prep, storage_method, backblaze_info, **kwargs):
        super().__init__(source, sysmeta, chunk_prep, storage_method, **kwargs)
        self.backblaze_info = backblaze_info

    def _metachunk_writer(self, meta_chunk):
        return BackblazeChunkWriteHandler(self.sysmeta, meta_chunk, self.checksum, self.storage_method, self.backblaze_info)


class BackblazeChunkDownloadHandler:
    """Reads ``size`` bytes from ``offset`` of one metachunk's B2 file (``meta``: the object, with
    ``container_id``)."""

    def __init__(self, meta, chunks, offset, size, headers=None, backblaze_info=None):
        self.meta = meta
        self.chunks = chunks
        self.offset = offset
        self.size = size
        self.headers = headers or {}
        self.backblaze_info = backblaze_info or {}

    def get_stream(self):
        """An iterator of the bytes, requested only when iterated."""
        if self.size <= 0:
            return iter(())
        client = _client(self.backblaze_info)
        name = chunk_file_name(self.meta["container_id"], self.chunks[0]["url"])
        return (piece for piece in client.download(name, self.offset, self.offset + self.size - 1))


class BackblazeDownloadHandler:
    """Reads an object (``[range_start, range_end]`` of it, inclusive) stored as B2 files, one per metachunk."""

    def __init__(self, sysmeta, meta_chunks, backblaze_info, headers, range_start=None, range_end=None):
        self.sysmeta = sysmeta
        self.meta_chunks = meta_chunks
        self.backblaze_info = backblaze_info
        self.headers = headers
        self.range = (range_start, range_end)  # inclusive; (None, None): the whole object

    def get_iter(self):
        """An iterator of the bytes (the range is checked at once). ``meta_chunks`` maps positions to chunks."""
        readers = []
        for plan in get_meta_ranges([self.range], self.meta_chunks):
            for pos in sorted(plan):
                start, end = plan[pos]
                readers.append(BackblazeChunkDownloadHandler(self.sysmeta, self.meta_chunks[pos], start, end - start + 1,
                                                             self.headers, self.backblaze_info))
        return (piece for reader in readers for piece in reader.get_stream())


class BackblazeDeleteHandler:
    """Deletes the B2 files of an object's chunks."""

    def __init__(self, meta, chunks, backblaze_info):
        self.meta = meta
        self.chunks = chunks
        self.backblaze_info = backblaze_info

    def delete(self):
        """Delete every chunk's file; returns the chunks whose deletion failed, with their error."""
        client = _client(self.backblaze_info)
        failed = []
        for chunk in self.chunks:
            try:
                client.delete(chunk_file_name(self.meta["container_id"], chunk["url"]))
            except Exception as exc:  # pylint: disable=broad-exception-caught
                failed.append((chunk, exc))
        return failed
