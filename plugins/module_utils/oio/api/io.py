# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stream helpers of ``oio.api.io`` (7.x)."""

from __future__ import annotations

import hashlib
import io
import logging
import time
from collections import deque

from ..common.constants import REQID_HEADER
from ..common.exceptions import (
    CorruptedChunk, DeadlineReached, EmptyByteRange, OioException, OioNetworkException, ServiceBusy,
    ServiceUnavailable, UnsatisfiableRange, error_from_answer, from_status,
)
from ..common.http import http_header_from_ranges, ranges_from_http_header
from ..common.http_urllib3 import HTTPError, HttpClient
from ..common.utils import group_chunk_errors, request_id, sysmeta_put_headers
from ._chunkio import MetachunkWriter as Engine
from ._chunkio import (VERIFIED_READ_LIMIT, BackgroundMD5, CallerChecksum, ChunkWriter, Source, close_response, close_source,
                       read_errors_exception)

LOGGER = logging.getLogger("oio.api.io")
CONNECTION_TIMEOUT = 10.0
WRITE_TIMEOUT = 60.0

CHUNK_TIMEOUT = 60
WRITE_CHUNK_SIZE = 65536
READ_CHUNK_SIZE = 65536
METACHUNKS_IN_FLIGHT = 2  # metachunks of an upload still sending while the next one is read and encoded


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
    """Parts of a response as ``(start, end, length, headers, body_file)`` tuples (one part: the whole body, or
    the range of ``Content-Range``)."""
    headers = dict(resp.headers)
    content_range = headers.get("Content-Range") or headers.get("content-range")
    length = int(headers.get("Content-Length") or headers.get("content-length") or 0)
    if content_range:
        span, dummy, total = content_range.split(" ", 1)[1].partition("/")
        start, dummy, end = span.partition("-")
        yield int(start), int(end), int(end) - int(start) + 1, headers, resp
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


_DEFAULT_HTTP = []


def default_http():
    """The HTTP client of readers built without ``http=``: one per process, made on first use."""
    if not _DEFAULT_HTTP:
        _DEFAULT_HTTP.append(HttpClient())
    return _DEFAULT_HTTP[0]


class _VerifiedBody:
    """A whole chunk read and checked against its MD5, served as a response body."""

    def __init__(self, resp, data):
        self.status, self.headers, self.reason = resp.status, resp.headers, resp.reason
        self._data = memoryview(data)
        self._offset = 0

    def read(self, amt=None):
        end = len(self._data) if amt is None else self._offset + amt
        piece = bytes(self._data[self._offset:end])
        self._offset += len(piece)
        return piece

    def close(self):
        self._data = memoryview(b"")


def read_or_explain(reader):
    """The bytes of a ``ChunkReader``; when no copy could serve them, the error names every copy's failure
    (``UnrecoverableContent`` when all are gone or corrupted, else ``ServiceUnavailable``)."""
    try:
        yield from reader
    except (OioException, HTTPError, OSError) as exc:
        raise read_errors_exception(reader.errors or [exc], reader.what) from None


class ChunkReader:
    """Reads one chunk from the first of ``chunk_iter``'s copies that answers (``oio.api.io``), as upstream's.

    ``headers`` is the request's (``Range`` included) and is updated as the read goes: ``fill_ranges`` sets the
    range of the part being read, ``recover(nb_bytes)`` moves it past the bytes already delivered, and a
    read that breaks goes on from there on the next copy of ``chunk_iter``. ``get_iter()`` gives the parts
    (dicts with ``start``, ``end``, ``length``, ``headers`` and ``iter``), ``stream()`` and iterating the reader
    give the bytes, in ``buf_size`` pieces (``align``: skip to the next multiple of ``buf_size`` first).
    A copy that does not answer 200/206 is recorded in ``_resp_by_chunk``; when none answers, ``get_iter``
    raises the exception of their common status, else ``ServiceUnavailable``.

    Extensions: ``http`` (the client's ``HttpClient``), ``what`` (names the data in errors), ``errors`` (the
    exception of each failed copy), and a whole chunk of at most 16 MiB asked for entirely is checked
    against the copy's recorded MD5 before any byte is returned, a corrupted copy counted as failed.
    """

    def __init__(self, chunk_iter, buf_size, headers, connection_timeout=None, read_timeout=None, align=False,
                 **_kwargs):
        self.chunk_iter = chunk_iter
        self.source = None
        self._headers = None
        self.request_headers = headers if headers is not None else {}
        self.sources = []
        self.status = None
        self.buf_size = buf_size
        self.discard_bytes = 0
        self.align = align
        self.connection_timeout = connection_timeout or CONNECTION_TIMEOUT
        self.read_timeout = read_timeout or CHUNK_TIMEOUT
        resp_by_chunk = _kwargs.get("resp_by_chunk")
        self._resp_by_chunk = resp_by_chunk if resp_by_chunk is not None else {}
        self.perfdata = _kwargs.get("perfdata")
        self.logger = _kwargs.get("logger") or LOGGER
        self.http = _kwargs.get("http") or default_http()
        self.what = _kwargs.get("what") or "chunk"
        self.errors = []

    @property
    def reqid(self):
        """The request ID of the headers, or None."""
        if not self.request_headers:
            return None
        return self.request_headers.get(REQID_HEADER) or self.request_headers.get(REQID_HEADER.lower())

    def recover(self, nb_bytes):
        """Move the request's first range past ``nb_bytes`` already delivered (no range: ``bytes=nb_bytes-``).

        Raises ``EmptyByteRange`` when nothing is left, ``UnsatisfiableRange`` or ValueError when the range is
        invalid.
        """
        if "Range" not in self.request_headers:
            self.request_headers["Range"] = "bytes=%d-" % nb_bytes
            return
        ranges = ranges_from_http_header(self.request_headers["Range"])
        start, end = ranges[0]
        if start is None:
            end -= nb_bytes  # a suffix range: fewer bytes from the end
        else:
            start += nb_bytes
        if end is not None:
            if start == end + 1:
                raise EmptyByteRange()
            if start is not None and start > end:
                raise UnsatisfiableRange()
        self.request_headers["Range"] = http_header_from_ranges([(start, end)] + ranges[1:])

    def _fail(self, chunk, status, reason, error):
        self._resp_by_chunk[chunk["url"]] = (status, reason)
        self.errors.append(error)
        self.logger.warning("Failed to read %s (reqid=%s): %s", chunk["url"], self.reqid, reason)
        return False

    @staticmethod
    def _whole_chunk(chunk, resp):
        """True when ``resp`` brings all of a chunk with a recorded MD5, small enough to check before use."""
        size = chunk.get("size")
        if not chunk.get("hash") or size is None or int(size) > VERIFIED_READ_LIMIT:
            return False
        size = int(size)
        if resp.status == 206 and resp.headers.get("Content-Range") != "bytes 0-%d/%d" % (size - 1, size):
            return False
        return getattr(resp, "length_remaining", None) == size

    def _verify(self, chunk, resp):
        """The body of ``resp`` read and checked when it is a whole chunk with a recorded MD5, else ``resp``."""
        if not self._whole_chunk(chunk, resp):
            return resp
        try:
            data = resp.read()
        finally:
            close_response(resp)
        digest = hashlib.md5(data).hexdigest().upper()
        if digest != chunk["hash"].upper():
            raise CorruptedChunk("%s: MD5 %s differs from the recorded %s" % (chunk["url"], digest, chunk["hash"].upper()))
        return _VerifiedBody(resp, data)

    def _get_request(self, chunk):
        """GET ``chunk`` with the request headers; keep the response in ``sources`` if it answers 200/206."""
        url = chunk.get("real_url", chunk["url"])
        try:
            resp = self.http.pool.request("GET", url, headers=self.request_headers, preload_content=False, retries=False,
                                          redirect=False, timeout=self.http.timeout(self.read_timeout, self.connection_timeout))
        except HTTPError as exc:
            return self._fail(chunk, 0, str(exc), OioNetworkException("GET %s: %s" % (url, exc)))
        if resp.status not in (200, 206):
            data = resp.read()
            close_response(resp)
            return self._fail(chunk, resp.status, resp.reason, error_from_answer(resp.status, data, "%s: %s" % (url, resp.reason)))
        try:
            source = self._verify(chunk, resp)
        except CorruptedChunk as exc:
            return self._fail(chunk, 0, str(exc), exc)
        except HTTPError as exc:
            return self._fail(chunk, 0, str(exc), OioNetworkException("GET %s: %s" % (url, exc)))
        self.status = resp.status
        self._headers = [(k.lower(), v) for k, v in resp.headers.items()]
        self.sources.append((source, chunk))
        return True

    def _get_source(self):
        """The first copy of ``chunk_iter`` that answers: ``(response, chunk)``, or ``(None, None)``."""
        for chunk in self.chunk_iter:
            if self._get_request(chunk):
                break
        if self.sources:
            return self.sources.pop()
        return None, None

    def get_iter(self):
        """The parts of the first copy that answers (a generator); raises when none does."""
        source, chunk = self._get_source()
        if source:
            return self._get_iter(chunk, source)
        errors = group_chunk_errors(self._resp_by_chunk.items())
        if len(errors) == 1:
            status, chunks = errors.popitem()
            raise from_status(status[0], "%s %s" % (status[1], chunks))
        raise ServiceUnavailable("unavailable chunks: %s" % self._resp_by_chunk)

    def stream(self):
        """A generator of the bytes; ``headers`` is known once this returns."""
        parts_iter = self.get_iter()

        def _iter():
            for part in parts_iter:
                yield from part["iter"]
        return _iter()

    def fill_ranges(self, start, end, length):
        """Set the request's first range to the part being read (``start``-``end``), for a later recovery."""
        if length == 0:
            return
        if self.align and self.buf_size:
            self.discard_bytes = discard_bytes(self.buf_size, start)
        new_ranges = [(start, end)]
        if "Range" in self.request_headers:
            try:
                new_ranges += ranges_from_http_header(self.request_headers["Range"])[1:]
            except ValueError:
                pass
        self.request_headers["Range"] = http_header_from_ranges(new_ranges)

    @staticmethod
    def get_next_part(parts_iter):
        """The next ``(start, end, length, headers, part)`` of ``parts_iter[0]`` (single range only)."""
        return next(parts_iter[0])

    def _switch_source(self, source, parts_iter, chunk, error):
        """After a read error: the part of the next copy, from where the read stopped; raises when none answers."""
        new_source, new_chunk = self._get_source()
        if not new_source:
            self.logger.warning("Failed to read from %s (%s, reqid=%s)", chunk["url"], error, self.reqid)
            raise error
        self.logger.warning("Failed to read from %s (%s), retrying from %s (reqid=%s)", chunk["url"], error,
                            new_chunk["url"], self.reqid)
        close_source(source[0])
        source[0] = new_source
        parts_iter[0] = make_iter_from_resp(new_source)
        return self.get_next_part(parts_iter)[4], new_chunk

    def iter_from_resp(self, source, parts_iter, part, chunk):
        """The bytes of ``part`` in ``buf_size`` pieces; on a read error, ``recover`` and go on with the next copy."""
        bytes_consumed = 0
        buf = bytearray()
        read_size = max(READ_CHUNK_SIZE, self.buf_size or 0)  # whole buffers at once: no copy in the common case
        while True:
            try:
                data = part.read(read_size)
            except (HTTPError, OSError) as error:
                self.errors.append(OioNetworkException("GET %s: %s" % (chunk["url"], error)))
                try:
                    self.recover(bytes_consumed)
                except EmptyByteRange:
                    break
                buf = bytearray()
                try:
                    part, chunk = self._switch_source(source, parts_iter, chunk, error)
                except StopIteration:
                    return
                continue
            if not buf and not self.discard_bytes and data and len(data) == self.buf_size:
                bytes_consumed += len(data)
                yield data
                continue
            buf += data
            if buf and self.discard_bytes:
                skipped = min(self.discard_bytes, len(buf))
                del buf[:skipped]
                self.discard_bytes -= skipped
                bytes_consumed += skipped
            if not data:
                if buf:
                    bytes_consumed += len(buf)
                    yield bytes(buf)
                break
            if self.buf_size is not None:
                while len(buf) >= self.buf_size:
                    piece = bytes(buf[:self.buf_size])
                    del buf[:self.buf_size]
                    bytes_consumed += len(piece)
                    yield piece
            else:
                bytes_consumed += len(buf)
                yield bytes(buf)
                buf = bytearray()

    def _get_iter(self, chunk, source):
        source = [source]
        try:
            parts_iter = [make_iter_from_resp(source[0])]
            while True:
                try:
                    start, end, length, headers, part = self.get_next_part(parts_iter)
                except StopIteration:
                    return
                self.fill_ranges(start, end, length)
                yield {"start": start, "end": end, "length": length, "iter": self.iter_from_resp(source, parts_iter, part, chunk),
                       "headers": headers}
        finally:
            close_response(source[0])

    @property
    def headers(self):
        """The headers of the copy's answer (lowercase names)."""
        return dict(self._headers) if self._headers else {}

    def __iter__(self):
        for part in self.get_iter():
            yield from part["iter"]


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

    stored = property(lambda self: self._writer.stored, doc="The chunks written so far, even on failure.")
    size = property(lambda self: self._writer.size, doc="The bytes of the metachunk read so far.")

    def start(self, source, size, checksum):
        """Read up to ``size`` bytes of ``source`` into the chunk uploads (``checksum``: the object's MD5, a
        ``BackgroundMD5`` or any object with ``update`` such as ``hashlib.md5()``)."""
        self._writer.start(source, size, checksum if hasattr(checksum, "cut") else CallerChecksum(checksum))

    def finish(self):
        """Wait for the chunk uploads: ``(bytes written, metachunk MD5, chunk entries)``."""
        return self._writer.finish()


class WriteHandler:
    """Uploads a whole object, metachunk after metachunk, where ``chunk_preparer`` says (``oio.api.io``).

    ``stream()`` returns ``(chunk entries, bytes written, MD5 of the object)``. The next metachunk is read
    and sent while the ``METACHUNKS_IN_FLIGHT`` before it drain. ``stored`` lists every chunk written, for a
    cleanup on failure (extension). Subclasses name their ``metachunk_writer_class``.
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
        total, uploaded, pending = 0, [], deque()  # metachunks started and not yet collected, oldest first

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
                pending.append(writer)
                try:
                    writer.start(self.source, capacity, self.checksum)
                finally:
                    while len(pending) > METACHUNKS_IN_FLIGHT:
                        collect(pending.popleft())
                total += writer.size
                if writer.size < capacity or self.source.at_eof():
                    break
            while pending:
                collect(pending.popleft())
            return uploaded, total, self.checksum.hexdigest()
        except BaseException:
            while pending:
                try:
                    collect(pending.popleft())
                except OioException:
                    pass
            raise
        finally:
            self.checksum.close()
