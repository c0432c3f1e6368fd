# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stream helpers of ``oio.api.io`` (7.x)."""

from __future__ import annotations

import hashlib
import io
import time
from collections import deque

from ..common.exceptions import ClientException, CorruptedChunk, DeadlineReached, OioException, ServiceBusy
from ..common.http_urllib3 import HttpClient
from ..common.utils import request_id, sysmeta_put_headers
from ._chunkio import MetachunkWriter as Engine
from ._chunkio import VERIFIED_READ_LIMIT, BackgroundMD5, ChunkWriter, RangeSource, Source, read_errors_exception

CONNECTION_TIMEOUT = 10.0
WRITE_TIMEOUT = 60.0

WRITE_CHUNK_SIZE = 65536
READ_CHUNK_SIZE = 65536


def close_source(source):
    """Close ``source`` (a response or a stream) if it can be closed."""
    close = getattr(source, "close", None)
    if close is not None:
        close()


def consume(it):
    """Drain an iterator (and close it when it can be)."""
    deque(it, maxlen=0)
    close_source(it)


def discard_bytes(buf_size, start):
    """How many bytes to discard before ``start`` to stay aligned on ``buf_size`` blocks."""
    return (buf_size - (start % buf_size)) % buf_size


def chain(iterable):
    """Concatenate the bytes of an iterable of bytes iterators, one at a time."""
    for part in iterable:
        yield from part


def iters_to_raw_body(parts_iter):
    """The body iterator of the first part of a parts iterator (single range)."""
    try:
        body = next(parts_iter)["iter"]
    except StopIteration:
        return iter(())

    def wrap(it_):
        try:
            yield from it_
        finally:
            close_source(parts_iter)
    return wrap(body)


def make_iter_from_resp(resp):
    """Parts of a response as ``(start, end, length, headers, body_file)`` tuples (one part: the whole body)."""
    headers = dict(resp.headers)
    content_range = headers.get("Content-Range") or headers.get("content-range")
    length = int(headers.get("Content-Length") or headers.get("content-length") or 0)
    if content_range:
        span, dummy, total = content_range.split(" ", 1)[1].partition("/")
        start, dummy, end = span.partition("-")
        yield int(start), int(end), int(total) if total != "*" else None, headers, resp
    else:
        yield 0, max(length - 1, 0), length, headers, resp


class Closeable:
    """An iterator over several iterables that closes them all when closed."""

    def __init__(self, *iterables):
        self.iterables = iterables
        self._iter = chain(iterables)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._iter)

    def close(self):
        for iterable in self.iterables:
            close_source(iterable)
        close_source(self._iter)


class IOBaseWrapper(io.RawIOBase):
    """A raw file object reading from an iterator of bytes (``wrapped``)."""

    def __init__(self, wrapped):
        super().__init__()
        self.wrapped = iter(wrapped)
        self._buffer = b""

    def readable(self):
        return True

    def readinto(self, b):
        while not self._buffer:
            try:
                self._buffer = next(self.wrapped)
            except StopIteration:
                return 0
        size = min(len(b), len(self._buffer))
        b[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size

    def read(self, n=-1):
        if n is None or n < 0:
            return self.readall()
        return super().read(n)


def parse_range_header(value):
    """``bytes=A-B`` (B may be empty) as ``(A, B or None)``; None for no or another kind of Range header."""
    if not value or not value.startswith("bytes="):
        return None
    first, dummy, last = value[6:].split(",")[0].strip().partition("-")
    if not first:
        return None
    return int(first), int(last) if last else None


_DEFAULT_HTTP = []


def default_http():
    """The HTTP client of readers built without ``http=``: one per process, made on first use."""
    if not _DEFAULT_HTTP:
        _DEFAULT_HTTP.append(HttpClient())
    return _DEFAULT_HTTP[0]


class ChunkReader:
    """Reads one replicated metachunk from the first of ``chunk_iter``'s copies that answers (``oio.api.io``).

    The range comes from the ``Range`` header of ``headers`` (none: the whole chunk). A whole chunk (up to
    16 MiB) is checked against its MD5 before any byte is returned, so a corrupted copy is skipped; a range
    streams and resumes on the next copy at the byte where the stream broke. Extensions: ``http`` (the
    client's ``HttpClient``) and ``what`` (names the data in errors). Iterating the reader yields its bytes.
    """

    def __init__(self, chunk_iter, buf_size, headers, connection_timeout=None, read_timeout=None, align=False,
                 **_kwargs):
        self.chunks = list(chunk_iter)
        self.buf_size = buf_size or READ_CHUNK_SIZE
        self.headers = dict(headers or {})
        self.reqid = self.headers.get("X-oio-req-id") or self.headers.get("x-oio-req-id")
        self.connection_timeout = connection_timeout
        self.read_timeout = read_timeout
        self.align = align
        self.http = _kwargs.get("http") or default_http()
        self.what = _kwargs.get("what") or "chunk"
        self.size = int(self.chunks[0]["size"]) if self.chunks else 0
        wanted = parse_range_header(self.headers.pop("Range", None) or self.headers.pop("range", None))
        self.start, self.end = wanted if wanted else (0, None)
        self.end = self.size - 1 if self.end is None else min(self.end, self.size - 1)

    def get_iter(self):
        """The parts read, as upstream's: one dict with ``start``, ``end``, ``length`` and ``iter`` (bytes)."""
        yield {"start": self.start, "end": self.end, "length": self.end - self.start + 1, "headers": {}, "iter": iter(self)}

    def stream(self):
        """The bytes of the part, one buffer at a time."""
        return iter(self)

    def __iter__(self):
        if self.end < self.start:
            return
        verify = self.start == 0 and self.end == self.size - 1 and self.size <= VERIFIED_READ_LIMIT
        delivered, errors = 0, []
        for chunk in self.chunks:
            url = chunk.get("real_url") or chunk["url"]
            try:
                if verify:
                    yield self._read_verified(chunk, url)
                    return
                source = RangeSource(self.http, url, self.start + delivered, self.end, self.headers, self.read_timeout,
                                     self.connection_timeout)
                try:
                    while delivered < self.end - self.start + 1:
                        data = source.read_exact(min(self.buf_size, self.end - self.start + 1 - delivered))
                        delivered += len(data)
                        yield data
                finally:
                    source.close()
                return
            except (OioException, ClientException) as exc:
                errors.append(exc)
        raise read_errors_exception(errors, self.what)

    def _read_verified(self, chunk, url):
        source = RangeSource(self.http, url, 0, None, self.headers, self.read_timeout, self.connection_timeout)
        try:
            data = source.read_exact(self.size)
        finally:
            source.close()
        digest = hashlib.md5(data).hexdigest()
        if chunk.get("hash") and digest.upper() != chunk["hash"].upper():
            raise CorruptedChunk("%s: MD5 %s differs from the recorded %s" % (url, digest.upper(), chunk["hash"].upper()))
        return data


def by_metachunk(chunks, first=0):
    """Chunks of a prepare answer grouped by metachunk position (relative positions shifted by ``first``)."""
    groups = {}
    for chunk in chunks:
        position = int(chunk["pos"].split(".")[0])
        groups.setdefault(position if position >= first else position + first, []).append(chunk)
    return groups


class MetachunkPreparer:
    """Where the chunks of each metachunk of an upload go, metachunk after metachunk (``oio.api.io``).

    Calling it gives a generator of chunk lists, positions fixed to their metachunk (``0.3``, ``1``...).
    The first ``content/prepare`` is made at once: ``obj_meta`` and ``chunk_size`` are known from the start.
    Extensions: ``size`` (bytes expected, so that one answer covers several metachunks), ``version``,
    ``reqid``, and ``prepare``, a callable ``(position, policy, version, content_id) -> (meta, chunks,
    properties)`` that replaces ``container_client.content_prepare``.
    """

    def __init__(self, container_client, account, container, obj_name, policy=None, **kwargs):
        self.container_client = container_client
        self.account, self.container, self.obj_name = account, container, obj_name
        self.policy = policy
        self.size = kwargs.pop("size", None)
        self._prepare = kwargs.pop("prepare", None) or self._content_prepare
        self.extra_kwargs = kwargs
        self.obj_meta, chunks, self.properties = self._prepare(0, policy, kwargs.pop("version", None), None)
        self.chunk_size = int(self.obj_meta["chunk_size"])
        self._prepared = by_metachunk(chunks)
        self._all_chunks = []

    def _content_prepare(self, position, policy, version, content_id):
        meta, chunks = self.container_client.content_prepare(
            self.account, self.container, self.obj_name, size=max(self.size or 0, 1), stgpol=policy, version=version,
            content_id=content_id, position=position, **self.extra_kwargs)
        for chunk in chunks:
            chunk.setdefault("real_url", chunk["url"])
        return meta, chunks, meta.pop("properties", {})

    def __call__(self):
        position = 0
        while True:
            if position not in self._prepared:
                meta, chunks, properties = self._prepare(position, self.policy or self.obj_meta["policy"],
                                                         self.obj_meta["version"], self.obj_meta["id"])
                self._prepared = by_metachunk(chunks, position)
                self.properties.update(properties)
            chunks = self._prepared.pop(position)
            for chunk in chunks:
                sub = chunk["pos"].partition(".")[2]
                chunk["pos"] = "%d.%s" % (position, sub) if sub else str(position)
            self._all_chunks.extend(chunks)
            yield chunks
            position += 1

    def all_chunks_so_far(self):
        """Every chunk handed out so far."""
        return list(self._all_chunks)


class MetachunkWriter:
    """Base of the metachunk writers: the quorum of a storage method, and the upload of one metachunk.

    Subclasses set ``self._writer`` (the parallel chunk uploads) in their constructor; ``stream(source, size)``
    returns ``(bytes written, metachunk MD5, chunk entries)``. ``start``/``finish`` split it so that the next
    metachunk is read while this one drains (extension). ``stored`` lists the chunks written, even on failure.
    """

    def __init__(self, storage_method=None, quorum=None, chunk_checksum_algo="md5", **_kwargs):
        self.storage_method = storage_method
        self._quorum = quorum
        self.chunk_checksum_algo = chunk_checksum_algo
        self._writer = None

    @property
    def quorum(self):
        return self._quorum if self._quorum is not None else self.storage_method.quorum

    def quorum_or_fail(self, successes, failures):
        """Raise ``ServiceBusy`` when fewer than ``quorum`` chunks were written."""
        if len(successes) < self.quorum:
            raise ServiceBusy(503, None, "RAWX write failure, quorum not reached (%d/%d): %s" % (
                len(successes), self.quorum, "; ".join(str(f.get("error", f)) for f in failures)))

    def _engine(self, meta_chunk, sysmeta, headers, reqid, connection_timeout, write_timeout, kwargs, make_writer=ChunkWriter):
        base = sysmeta_put_headers(sysmeta, reqid or (headers or {}).get("x-oio-req-id") or request_id())
        base.update({k: v for k, v in (headers or {}).items() if k.lower() != "x-oio-req-id"})
        options = {"connection_timeout": connection_timeout or CONNECTION_TIMEOUT, "write_timeout": write_timeout or WRITE_TIMEOUT,
                   "connections": kwargs.get("connections"), "checksum": self.chunk_checksum_algo is not None}
        self._writer = Engine(self.storage_method, meta_chunk, base, options, make_writer)
        if self._quorum is not None:
            self._writer.quorum = self._quorum

    @property
    def stored(self):
        return self._writer.stored

    @property
    def size(self):
        return self._writer.size

    def start(self, source, size, checksum):
        """Read up to ``size`` bytes of ``source`` into the chunk uploads (``checksum``: the object's MD5)."""
        self._writer.start(source, size, checksum)

    def finish(self):
        """Wait for the chunk uploads: ``(bytes written, metachunk MD5, chunk entries)``."""
        return self._writer.finish()


class WriteHandler:
    """Uploads a whole object, metachunk after metachunk, where ``chunk_preparer`` says (``oio.api.io``).

    ``stream()`` returns ``(chunk entries, bytes written, MD5 of the object)``. The next metachunk is read
    and sent while the previous one drains. ``stored`` lists every chunk written, for a cleanup on failure
    (extension). Subclasses name their ``metachunk_writer_class``.
    """

    metachunk_writer_class = None

    def __init__(self, source, sysmeta, chunk_preparer, storage_method, headers=None, connection_timeout=None,
                 write_timeout=None, read_timeout=None, deadline=None, chunk_checksum_algo="md5", **_kwargs):
        self.source = source if isinstance(source, Source) else Source(source)
        self.sysmeta = sysmeta
        self.chunk_prep = chunk_preparer
        self.storage_method = storage_method
        self.headers = dict(headers or {})
        self.connection_timeout = connection_timeout
        self.write_timeout = write_timeout
        self.read_timeout = read_timeout
        self.deadline = deadline
        self.chunk_checksum_algo = chunk_checksum_algo
        self.extra_kwargs = _kwargs
        self.checksum = None
        self.stored = []

    def _metachunk_writer(self, meta_chunk):
        return self.metachunk_writer_class(  # pylint: disable=not-callable
            self.sysmeta, meta_chunk, self.checksum, self.storage_method, headers=self.headers,
            connection_timeout=self.connection_timeout, write_timeout=self.write_timeout, read_timeout=self.read_timeout,
            chunk_checksum_algo=self.chunk_checksum_algo, **self.extra_kwargs)

    def stream(self):
        capacity = self.storage_method.metachunk_size(self.chunk_prep.chunk_size)
        self.checksum = BackgroundMD5()
        total, uploaded, pending = 0, [], None

        def collect(writer):
            try:
                uploaded.extend(writer.finish()[2])
            finally:
                self.stored.extend(writer.stored)

        try:
            for meta_chunk in self.chunk_prep():
                if self.deadline is not None and self.deadline <= time.monotonic():
                    raise DeadlineReached()
                writer = self._metachunk_writer(meta_chunk)
                previous, pending = pending, None
                try:
                    writer.start(self.source, capacity, self.checksum)
                finally:
                    pending = writer
                    if previous is not None:
                        collect(previous)
                total += writer.size
                if writer.size < capacity or self.source.at_eof():
                    break
            previous, pending = pending, None
            collect(previous)
            return uploaded, total, self.checksum.hexdigest()
        except BaseException:
            if pending is not None:
                try:
                    collect(pending)
                except OioException:
                    pass
            raise
        finally:
            self.checksum.close()
