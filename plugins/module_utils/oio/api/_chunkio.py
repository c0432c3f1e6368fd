# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Chunk data paths: parallel metachunk writers (replicated and EC) and failover readers."""

from __future__ import annotations

import hashlib
import os
import queue
import stat
import threading
from collections import deque
from concurrent.futures import ThreadPoolExecutor

from ..common.exceptions import (
    ClientException, Conflict, CorruptedChunk, ECError, NotFound, OioException, OioNetworkException,
    ServiceBusy, ServiceUnavailable, SourceReadError, UnrecoverableContent,
)
from ..common.http_urllib3 import ChunkedPut
from ..common.utils import CHUNK_META_PREFIX

WRITE_BUFFER_SIZE = 262144
READ_BUFFER_SIZE = 262144
QUEUE_DEPTH = 10
EC_BATCH_SEGMENTS = 4  # segments encoded before their fragments go to the chunk threads, one piece per chunk
VERIFIED_READ_LIMIT = 16 * 1048576
_END = object()


class Source:
    """Uniform ``read(n)`` over bytes, str, a file object or an iterable of bytes."""

    def __init__(self, data):
        self._buffer = b""
        self._eof = False
        self._file = None
        self._iter = None
        self._view = None
        self._offset = 0
        if isinstance(data, str):
            data = data.encode("utf-8")
        if isinstance(data, (bytes, bytearray, memoryview)):
            self._view = memoryview(data).cast("B")
            self._eof = True
        elif hasattr(data, "read"):
            self._file = data
        else:
            self._iter = iter(data)

    @property
    def size_hint(self):
        """Bytes left when known in advance (bytes, regular files), else None."""
        if self._view is not None:
            return len(self._view) - self._offset
        try:
            info = os.fstat(self._file.fileno())
            if stat.S_ISREG(info.st_mode):
                return max(info.st_size - self._file.tell(), 0) + len(self._buffer)
        except (AttributeError, OSError, ValueError):
            pass
        return None

    def _pull(self):
        try:
            if self._file is not None:
                piece = self._file.read(WRITE_BUFFER_SIZE)
                piece = piece.encode("utf-8") if isinstance(piece, str) else piece
                if not piece:
                    self._eof = True
                return piece or b""
            piece = next(self._iter)
            return piece.encode("utf-8") if isinstance(piece, str) else bytes(piece)
        except StopIteration:
            self._eof = True
            return b""
        except (OSError, ValueError) as exc:
            raise SourceReadError("cannot read the data to upload: %s" % exc) from None

    def read(self, size):
        """Up to ``size`` bytes; fewer only at the end of the source."""
        if self._view is not None:
            piece = self._view[self._offset:self._offset + size].tobytes()
            self._offset += len(piece)
            return piece
        parts, have = [], 0
        if self._buffer:
            parts.append(self._buffer[:size])
            have = len(parts[0])
            self._buffer = self._buffer[size:]
        while have < size and not self._eof:
            piece = self._pull()
            if len(piece) > size - have:
                self._buffer = piece[size - have:]
                piece = piece[:size - have]
            parts.append(piece)
            have += len(piece)
        return parts[0] if len(parts) == 1 else b"".join(parts)

    def at_eof(self):
        """True when no byte is left (reads ahead one piece if needed)."""
        if self._view is not None:
            return self._offset >= len(self._view)
        while not self._buffer and not self._eof:
            self._buffer = self._pull()
        return not self._buffer


class MetachunkDigests:
    """The MD5s at the end of one metachunk, known once both hasher threads have got there."""

    def __init__(self):
        self._object_done = threading.Event()
        self._metachunk_done = threading.Event()
        self._object = self._metachunk = None

    def resolve_object(self, object_hex):
        """Called by the object hasher thread."""
        self._object = object_hex
        self._object_done.set()

    def resolve_metachunk(self, metachunk_hex):
        """Called by the metachunk hasher thread."""
        self._metachunk = metachunk_hex
        self._metachunk_done.set()

    def object_so_far(self):
        """MD5 of the object from its start to the end of this metachunk (waits for the hasher)."""
        self._object_done.wait()
        return self._object

    def metachunk(self):
        """MD5 of this metachunk alone (waits for the hasher)."""
        self._metachunk_done.wait()
        return self._metachunk


class _Hasher(threading.Thread):
    """One MD5 stream fed from a queue: the whole object's, or each metachunk's (``per_metachunk``)."""

    def __init__(self, per_metachunk):
        super().__init__(daemon=True)
        self.queue = queue.Queue(16)
        self.per_metachunk = per_metachunk
        self.md5 = hashlib.md5()
        self.start()

    def run(self):
        while True:
            data = self.queue.get()
            if data is None:
                self.queue.task_done()
                return
            if not isinstance(data, MetachunkDigests):
                self.md5.update(data)
            elif self.per_metachunk:
                data.resolve_metachunk(self.md5.hexdigest())
                self.md5 = hashlib.md5()
            else:
                data.resolve_object(self.md5.hexdigest())
            self.queue.task_done()


class BackgroundMD5:
    """MD5 of a whole object and of each metachunk, computed off the caller's thread.

    ``update`` and ``cut`` only queue: the caller reads and encodes the next
    metachunk while earlier ones are still being hashed, by two threads (the
    object's MD5 and the metachunk's: hashlib releases the GIL, so they run
    on two cores). ``hexdigest`` waits until everything queued so far is
    hashed. A replicated metachunk's MD5 is also the MD5 of each of its
    chunks: their writers do not hash again.
    """

    def __init__(self):
        self._object = _Hasher(False)
        self._metachunk = _Hasher(True)

    def update(self, data):
        self._object.queue.put(data)
        self._metachunk.queue.put(data)

    def cut(self):
        """End the current metachunk here: its ``MetachunkDigests``, filled in later by the hasher threads."""
        digests = MetachunkDigests()
        self.update(digests)
        return digests

    def hexdigest(self):
        self._object.queue.join()
        return self._object.md5.hexdigest()

    def close(self):
        self.update(None)


class CallerChecksum:
    """``BackgroundMD5``'s interface over a caller's checksum object (anything with ``update``, as upstream's
    metachunk writers take): the caller's object is updated with the data, the metachunk's MD5 computed
    alongside, both in the caller's thread."""

    def __init__(self, checksum):
        self.checksum = checksum
        self.md5 = hashlib.md5()

    def update(self, data):
        self.checksum.update(data)
        self.md5.update(data)

    def cut(self):
        """End the current metachunk here: its ``MetachunkDigests``, already resolved."""
        digests = MetachunkDigests()
        digests.resolve_metachunk(self.md5.hexdigest())
        hexdigest = getattr(self.checksum, "hexdigest", None)
        digests.resolve_object(hexdigest() if hexdigest is not None else None)
        self.md5 = hashlib.md5()
        return digests


class ChunkWriter(threading.Thread):
    """Streams one chunk to one rawx from a bounded queue, in its own thread.

    The chunk's MD5 (checked against the rawx's) is computed here unless
    ``hash_data`` is false: then ``close`` tells where it comes from.
    """

    def __init__(self, chunk, headers, options, trailers=(), hash_data=True, put=None):
        super().__init__(daemon=True)
        self.chunk = chunk
        self.put = put or ChunkedPut(chunk["real_url"], headers, options["connection_timeout"], options["write_timeout"],
                                     trailers, options.get("connections"))
        self.queue = queue.Queue(QUEUE_DEPTH)
        self.md5 = hashlib.md5() if hash_data and options.get("checksum", True) else None
        self.chunk_hash = None
        self.size = 0
        self.error = None
        self.failed = threading.Event()
        self.closed = False
        self._pooled = None

    def start(self, pool=None):  # pylint: disable=arguments-differ
        """Send in ``pool`` (``pool.spawn(fn)``, or ``pool.submit(fn)`` for a ``concurrent.futures`` executor), or
        without one in a thread of its own."""
        if pool is None:
            super().start()
            return
        self._pooled = threading.Event()
        (getattr(pool, "spawn", None) or pool.submit)(self._run_pooled)

    def _run_pooled(self):
        try:
            self.run()
        finally:
            self._pooled.set()

    def join(self, timeout=None):
        """Wait for the sending to end, in the pool or in this writer's thread."""
        if self._pooled is not None:
            self._pooled.wait(timeout)
        else:
            super().join(timeout)

    def _fail(self, error):
        self.error = error
        self.failed.set()
        self.put.abort()

    def run(self):
        try:
            self.put.open()
        except OioException as exc:
            self._fail(exc)
        while True:
            item = self.queue.get()
            if isinstance(item, tuple) and item[0] is _END:
                break
            if self.error is None:
                parts = item if isinstance(item, list) else (item,)
                try:
                    self.put.send(parts)
                    for part in parts:
                        if self.md5 is not None:
                            self.md5.update(part)
                        self.size += len(part)
                except OioException as exc:
                    self._fail(exc)
        if self.error is None:
            self._finish(item[1]() if callable(item[1]) else item[1], item[2]() if item[2] is not None else None)

    def _finish(self, trailers, known_hash):
        local_hash = known_hash or (self.md5.hexdigest() if self.md5 is not None else None)
        if self.put.trailers and local_hash:
            trailers = dict(trailers, **{CHUNK_META_PREFIX + "chunk-hash": local_hash})
        try:
            status, headers, body = self.put.finish(trailers)
        except OioException as exc:
            self._fail(exc)
            return
        if status != 201:
            message = body.decode("utf-8", "replace").strip() or "HTTP %d" % status
            self._fail((Conflict if status == 409 else ClientException)(status, None, "%s: %s" % (self.put.url, message)))
            return
        remote_hash = (headers.get(CHUNK_META_PREFIX + "chunk-hash") or local_hash or "").lower()
        remote_size = headers.get(CHUNK_META_PREFIX + "chunk-size", str(self.size))
        if (local_hash and remote_hash != local_hash) or remote_size != str(self.size):
            self._fail(CorruptedChunk("%s: rawx stored %s/%s bytes, sent %s/%d" % (self.put.url, remote_hash, remote_size, local_hash, self.size)))
        self.chunk_hash = local_hash or remote_hash or None

    def feed(self, data):
        """Queue ``data`` (bytes, or a list of buffers sent as one piece) for this chunk."""
        if not self.failed.is_set():
            self.queue.put(data)

    def close(self, trailers=None, known_hash=None):
        """End the chunk; ``trailers`` is a dict or a callable returning one, ``known_hash`` a callable returning
        the MD5 of the chunk's bytes computed elsewhere (both called in this writer's thread)."""
        if not self.closed:
            self.closed = True
            self.queue.put((_END, trailers or {}, known_hash))


def chunk_headers(base_headers, chunk):
    """The PUT headers of one chunk: the object's, its position and its ID."""
    headers = dict(base_headers)
    headers[CHUNK_META_PREFIX + "chunk-pos"] = chunk["pos"]
    headers[CHUNK_META_PREFIX + "chunk-id"] = chunk["real_url"].rsplit("/", 1)[-1]
    return headers


def _start_writers(chunks, base_headers, options, trailers, hash_data, make_writer=ChunkWriter):
    writers = []
    for chunk in chunks:
        writers.append(make_writer(chunk, chunk_headers(base_headers, chunk), options, trailers, hash_data))
    for writer in writers:
        writer.start(WORKERS)  # kept threads: a new thread per chunk waits for the GIL to start
    return writers


def _check_quorum(writers, quorum, final):
    alive = [w for w in writers if not w.failed.is_set()]
    if len(alive) >= quorum:
        return alive
    for writer in writers:
        writer.close()
    errors = [w.error for w in writers if w.error is not None]
    if any(isinstance(e, Conflict) for e in errors):
        raise Conflict(409, None, "chunk already exists: %s" % "; ".join(str(e) for e in errors))
    raise ServiceBusy(503, None, "RAWX write failure, quorum not reached (%d/%d)%s: %s" % (
        len(alive), quorum, "" if final else " during the upload", "; ".join(str(e) for e in errors)))


class MetachunkUpload:
    """Base of the uploads of one metachunk (to rawx chunks here, to a B2 file in ``backblaze``).

    Subclasses give ``start(source, capacity, hasher)``, which reads up to ``capacity`` bytes of ``source``
    (counted in ``size``; ``_digests``: the hasher's cut at the end) and sends them, and ``finish()``, which
    waits for the upload and returns ``(size, md5hex, chunk entries)``. ``stored`` lists the chunks written,
    even on failure (for cleanup).
    """

    def __init__(self):
        self.stored = []
        self.size = 0
        self._digests = None

    def write(self, source, capacity, hasher):
        """``start`` then ``finish``: returns ``(size, md5hex, chunk entries)``."""
        self.start(source, capacity, hasher)
        return self.finish()


class MetachunkWriter(MetachunkUpload):
    """Writes one metachunk from a ``Source`` to its chunks, in parallel, up to ``capacity`` bytes.

    ``start()`` reads the metachunk and hands it to one thread per chunk, so the
    caller may read the next metachunk while these threads drain; ``finish()``
    waits for them and returns the chunk entries for ``content/create``, or
    raises when fewer than ``method.quorum`` chunks were stored. The chunks that
    were stored are in ``stored`` either way (for cleanup).
    """

    def __init__(self, method, chunks, base_headers, options, make_writer=ChunkWriter):
        super().__init__()
        self.make_writer = make_writer
        self.method = method
        self.quorum = method.quorum
        self.chunks = chunks
        self.base_headers = base_headers
        self.options = options
        self._writers = []

    def start(self, source, capacity, hasher):
        """Read up to ``capacity`` bytes of ``source`` (hashed by the ``BackgroundMD5`` hasher) into the chunk threads."""
        trailers = ()
        if self.method.ec:
            trailers = [CHUNK_META_PREFIX + name for name in ("metachunk-size", "metachunk-hash", "chunk-hash")]
        self._writers = _start_writers(self.chunks, self.base_headers, self.options, trailers, self.method.ec, self.make_writer)
        try:
            if self.method.ec:
                self._feed_ec(source, capacity, hasher)
            else:
                self._feed_plain(source, capacity, hasher)
        except BaseException:
            for writer in self._writers:
                writer.close()
                writer.put.abort()
            raise

    def finish(self):
        for writer in self._writers:
            writer.join()
        for writer in self._writers:
            if not writer.failed.is_set():
                self.stored.append(writer.chunk)
        alive = _check_quorum(self._writers, self.quorum, True)
        md5hex = (self._digests.metachunk() if self._digests is not None else None) or alive[0].chunk_hash
        return self.size, md5hex, [{"url": w.chunk["url"], "pos": w.chunk["pos"], "size": self.size, "hash": md5hex} for w in alive]

    def _feed_plain(self, source, capacity, hasher):
        while self.size < capacity:
            data = source.read(min(WRITE_BUFFER_SIZE, capacity - self.size))
            if not data:
                break
            hasher.update(data)
            self.size += len(data)
            _check_quorum(self._writers, self.quorum, False)
            for writer in self._writers:
                writer.feed(data)
        digests = self._digests = hasher.cut()
        known_hash = digests.metachunk if self.options.get("checksum", True) else None
        for writer in self._writers:
            writer.close(known_hash=known_hash)

    def _feed_ec(self, source, capacity, hasher):
        method = self.method
        indexes = [int(writer.chunk["pos"].split(".")[1]) for writer in self._writers]
        while self.size < capacity:
            batches = [[] for _unused in indexes]  # the fragments of up to EC_BATCH_SEGMENTS segments, per chunk
            for _unused in range(EC_BATCH_SEGMENTS):
                segment = source.read(min(method.segment_size, capacity - self.size))
                if not segment:
                    break
                hasher.update(segment)
                self.size += len(segment)
                try:
                    fragments = method.encode(segment)
                except Exception as exc:
                    raise ECError("EC encode failed: %s" % exc) from None
                for batch, index in zip(batches, indexes):
                    batch.append(fragments[index])
                if self.size >= capacity:
                    break
            if not batches[0]:
                break
            _check_quorum(self._writers, self.quorum, False)
            for writer, batch in zip(self._writers, batches):
                writer.feed(batch)
        digests = self._digests = hasher.cut()
        size = self.size

        def trailers():  # called by each chunk's thread: the caller goes on while the hasher catches up
            return {CHUNK_META_PREFIX + "metachunk-size": size, CHUNK_META_PREFIX + "metachunk-hash": digests.metachunk()}

        for writer in self._writers:
            writer.close(trailers)


def read_ahead(iterable, depth=4):
    """Iterate ``iterable`` in a background thread, up to ``depth`` items ahead of the consumer."""
    items = queue.Queue(depth)
    stop = threading.Event()

    def produce():
        try:
            for item in iterable:
                if stop.is_set():
                    return
                items.put((True, item))
            items.put((False, None))
        except BaseException as exc:  # handed to the consumer  # pylint: disable=broad-exception-caught
            items.put((False, exc))

    thread = threading.Thread(target=produce, daemon=True)
    thread.start()
    try:
        while True:
            more, item = items.get()
            if not more:
                if item is not None:
                    raise item
                return
            yield item
    finally:
        stop.set()
        while thread.is_alive():
            try:
                items.get(timeout=0.05)
            except queue.Empty:
                pass


def read_in_parallel(readers, workers=2, ahead=3):
    """Bytes of each reader (a replicated metachunk, at most a chunk) in order, ``workers`` read at once."""
    executor = ThreadPoolExecutor(workers)
    pending = deque()
    readers = iter(readers)
    try:
        while True:
            while len(pending) < ahead:
                reader = next(readers, None)
                if reader is None:
                    break
                pending.append(executor.submit(lambda r=reader: b"".join(r)))
            if not pending:
                return
            yield pending.popleft().result()
    finally:
        executor.shutdown(wait=False, cancel_futures=True)


def read_errors_exception(errors, what):
    """The exception of a read that no source could serve: UnrecoverableContent when every copy is gone or corrupt."""
    if errors and all(isinstance(e, (NotFound, CorruptedChunk)) for e in errors):
        return UnrecoverableContent("%s: no readable copy: %s" % (what, "; ".join(str(e) for e in errors)))
    return ServiceUnavailable("%s: not enough valid sources to read: %s" % (what, "; ".join(str(e) for e in errors)))


def close_source(source):
    """Close ``source`` (a response or a stream) if it can be closed (``oio.api.io.close_source``)."""
    close = getattr(source, "close", None)
    if close is not None:
        close()


def close_response(resp):
    """Give a fully read urllib3 response's connection back to the pool; close a partly read one (its unread
    bytes would be taken for the next request's answer)."""
    if getattr(resp, "length_remaining", None) == 0 and hasattr(resp, "release_conn"):
        resp.release_conn()
    else:
        close_source(resp)


class RangeSource:
    """One rawx chunk read from ``start`` to ``end`` (inclusive; None: to its end) with exact-size reads."""

    def __init__(self, http, url, start, end, headers, read_timeout, connection_timeout=None):
        self.url = url
        headers = dict(headers)
        if start or end is not None:
            headers["Range"] = "bytes=%d-%d" % (start, end)
        self.resp = http.request("GET", url, headers=headers, stream=True, read_timeout=read_timeout,
                                 connection_timeout=connection_timeout)

    def read_exact(self, size):
        parts, have = [], 0
        try:
            while have < size:
                piece = self.resp.read(size - have)
                if not piece:
                    break
                parts.append(piece)
                have += len(piece)
        except Exception as exc:
            self.close()
            raise OioNetworkException("GET %s: %s" % (self.url, exc)) from None
        if have < size:
            self.close()
            raise OioNetworkException("GET %s: stream ended %d bytes early" % (self.url, size - have))
        return b"".join(parts)

    def close(self):
        close_response(self.resp)


class _Workers:
    """Threads kept for reuse: ``spawn(fn)`` runs ``fn`` in an idle one, or in a new one when all are busy (never
    queued behind a busy one). Starting a thread waits until it runs, which takes the GIL from busy readers: EC
    reads start K streams per metachunk."""

    IDLE_SECONDS = 30

    def __init__(self):
        self._lock = threading.Lock()
        self._tasks = queue.SimpleQueue()
        self._idle = 0

    def spawn(self, fn):
        with self._lock:
            self._tasks.put(fn)
            if self._idle:
                self._idle -= 1
                return
        threading.Thread(target=self._work, daemon=True).start()

    def _work(self):
        while True:
            try:
                fn = self._tasks.get(timeout=self.IDLE_SECONDS)
            except queue.Empty:
                with self._lock:
                    if self._tasks.empty():
                        self._idle -= 1
                        return
                continue
            fn()
            with self._lock:
                self._idle += 1


WORKERS = _Workers()
os.register_at_fork(after_in_child=WORKERS.__init__)  # the threads stay in the parent


class FragmentStream:
    """Reads the fragments of consecutive segments (``lengths`` bytes each) from the ``RangeSource`` that
    ``open_source()`` gives, in a thread (``WORKERS``) that also sends the request, a few segments ahead of the
    decoder: the K fragment-chunks of a metachunk are asked for and arrive in parallel. ``opened()`` waits for
    the answer."""

    def __init__(self, open_source, lengths, depth=4):
        self.open_source = open_source
        self.source = None
        self.error = None
        self.lengths = lengths
        self.queue = queue.Queue(depth)
        self.stopped = False
        self._answered = threading.Event()
        self._done = threading.Event()
        WORKERS.spawn(self.run)

    def opened(self):
        """Wait for the answer: True when the fragments can be read, else False with the error in ``error``."""
        self._answered.wait()
        return self.source is not None

    def run(self):
        try:
            self._read()
        finally:
            self._done.set()

    def _read(self):
        try:
            self.source = self.open_source()
        except Exception as exc:  # handed to the opener  # pylint: disable=broad-exception-caught
            self.error = exc
            return
        finally:
            self._answered.set()
        for length in self.lengths:
            if self.stopped:
                return
            try:
                self.queue.put(self.source.read_exact(length))
            except OioException as exc:
                self.queue.put(exc)
                return

    def get(self):
        """The next fragment; raises the error that ended the stream."""
        item = self.queue.get()
        if isinstance(item, OioException):
            raise item
        return item

    def close(self):
        self.stopped = True
        while not self._done.is_set():
            try:
                self.queue.get(timeout=0.05)
            except queue.Empty:
                pass
        if self.source is not None:
            self.source.close()
