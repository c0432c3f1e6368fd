# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Erasure coding: segment and fragment ranges (``oio.api.ec``)."""

from __future__ import annotations

import math
from collections import Counter

from ..common.exceptions import ClientException, ECError, OioException, ServiceUnavailable, UnrecoverableContent
from ..common.http_urllib3 import ChunkedPut
from ..common.utils import CHUNK_META_PREFIX, request_id, sysmeta_put_headers
from ._chunkio import ChunkWriter, FragmentStream, RangeSource, Source, chunk_headers
from .io import MetachunkWriter, WriteHandler, default_http


def meta_chunk_range_to_segment_range(meta_start, meta_end, segment_size):
    """Widen a metachunk range to whole segments.

    >>> meta_chunk_range_to_segment_range(100, 600, 256)
    (0, 767)
    >>> meta_chunk_range_to_segment_range(300, None, 256)
    (256, None)
    """
    if meta_start is None:
        return None, int(math.ceil(meta_end / segment_size + 1)) * segment_size
    segment_start = (meta_start // segment_size) * segment_size
    if meta_end is None:
        return segment_start, None
    return segment_start, (meta_end // segment_size + 1) * segment_size - 1


def segment_range_to_fragment_range(segment_start, segment_end, segment_size, fragment_size):
    """The byte range of every fragment-chunk that holds a segment range."""
    fragment_start = None if segment_start is None else (segment_start // segment_size) * fragment_size
    if segment_end is None:
        fragment_end = None
    elif segment_start is None:
        fragment_end = ((segment_end + 1) // segment_size) * fragment_size
    else:
        fragment_end = ((segment_end + 1) // segment_size) * fragment_size - 1
    return fragment_start, fragment_end


class ECStream:
    """Decodes the segments of one metachunk range from K fragment readers (``oio.api.ec.ECStream``).

    Each reader's ``get()`` gives the fragment of the next segment (``_chunkio.FragmentStream``: a thread per
    fragment-chunk, a few segments ahead of the decoder); ``fragment_length`` is the fragment size of a whole
    segment. Extension: ``reopen(segment)`` gives a replacement reader from the range's ``segment``-th segment on
    when one fails mid-stream.
    """

    def __init__(self, storage_method, readers, range_infos, meta_length, fragment_length, reopen=None):
        self.storage_method = storage_method
        self.readers = list(readers)
        self.range_infos = range_infos
        self.meta_length = meta_length
        self.fragment_length = fragment_length
        self.reopen = reopen
        self._iter = None

    def start(self):
        self._iter = self._parts()

    def get_iter(self):
        if self._iter is None:
            self.start()
        return self._iter

    def __iter__(self):
        return self.get_iter()

    def _parts(self):
        for info in self.range_infos:
            yield {"start": info["req_meta_start"], "end": info["req_meta_end"],
                   "length": info["req_meta_end"] - info["req_meta_start"] + 1, "iter": self._decode(info)}

    def _read_fragments(self, segment):
        fragments = []
        for slot, reader in enumerate(self.readers):
            while True:
                try:
                    fragments.append(reader.get())
                    break
                except OioException:
                    if self.reopen is None:
                        raise
                    reader.close()
                    reader = self.readers[slot] = self.reopen(segment)
        return fragments

    def _decode(self, info):
        method = self.storage_method
        segment_size = method.ec_segment_size
        start, end = info["req_meta_start"], info["req_meta_end"]
        for segment, index in enumerate(range(info["req_segment_start"] // segment_size, end // segment_size + 1)):
            fragments = self._read_fragments(segment)
            try:
                data = method.decode(fragments)
            except Exception as exc:
                raise ECError("EC decode failed: %s" % exc) from None
            offset = index * segment_size
            first, last = max(start - offset, 0), end - offset + 1
            yield data if first == 0 and last >= len(data) else data[first:last]

    def close(self):
        for reader in self.readers:
            reader.close()


class ECChunkDownloadHandler:
    """Reads ``[meta_start, meta_end]`` of one EC metachunk from any K of its fragment-chunks.

    As upstream's: ``meta_start`` None reads the last ``meta_end`` bytes, ``meta_end`` None reads to the
    end; the metachunk range is widened to whole segments (``meta_chunk_range_to_segment_range``), and each
    fragment-chunk is asked for the matching ``Range`` (``segment_range_to_fragment_range``), open-ended when
    the segment range is. Extensions: ``http`` (the client's ``HttpClient``) and ``what`` (names the data in
    errors).
    """

    def __init__(self, storage_method, chunks, meta_start, meta_end, headers, connection_timeout=None, read_timeout=None,
                 **_kwargs):
        self.storage_method = storage_method
        self.chunks = sorted(chunks, key=lambda c: int(c["pos"].split(".")[1]))
        self.meta_length = int(self.chunks[0]["size"]) if self.chunks else 0
        if meta_start is None and meta_end is not None:  # suffix range
            meta_start, meta_end = max(self.meta_length - meta_end, 0), None
        self.meta_start = meta_start or 0
        self.meta_end = meta_end
        self.headers = dict(headers or {})
        self.connection_timeout = connection_timeout
        self.read_timeout = read_timeout
        self.http = _kwargs.get("http") or default_http()
        self.what = _kwargs.get("what") or "metachunk"

    def _fragment_lengths(self, info):
        """The fragment size of each segment of the range (the last segment of a metachunk is shorter)."""
        segment_size = self.storage_method.ec_segment_size
        return [self.storage_method.segment_fragment_size(self.meta_length, j)
                for j in range(info["req_segment_start"] // segment_size, info["req_meta_end"] // segment_size + 1)]

    def _get_range_infos(self):
        method = self.storage_method
        segment_size = method.ec_segment_size
        seg_start, seg_end = meta_chunk_range_to_segment_range(self.meta_start, self.meta_end, segment_size)
        frag_start, frag_end = segment_range_to_fragment_range(seg_start, seg_end, segment_size, method.ec_fragment_size)
        info = {"req_meta_start": self.meta_start,
                "req_meta_end": self.meta_length - 1 if self.meta_end is None else min(self.meta_end, self.meta_length - 1),
                "req_segment_start": seg_start, "req_segment_end": seg_end, "req_fragment_start": frag_start}
        # the fragments end with the range's last segment; an open range (None) ends there too: the rawx honour
        # only ``bytes=first-last``
        last_byte = frag_start - 1 + sum(self._fragment_lengths(info))
        info["req_fragment_end"] = last_byte if frag_end is None else min(frag_end, last_byte)
        return [info]

    def get_stream(self):
        """An ``ECStream`` over K fragment-chunks read in parallel (the others are spares for failover)."""
        range_infos = self._get_range_infos()
        info = range_infos[0]
        if info["req_meta_end"] < info["req_meta_start"] or self.meta_length == 0:
            return ECStream(self.storage_method, [], [], self.meta_length, 0)
        lengths = self._fragment_lengths(info)
        pending, errors = list(self.chunks), []
        k = self.storage_method.ec_nb_data

        def open_one(chunk, segment):
            return FragmentStream(lambda: RangeSource(self.http, chunk.get("real_url") or chunk["url"],
                                                      info["req_fragment_start"] + sum(lengths[:segment]),
                                                      info["req_fragment_end"], self.headers, self.read_timeout,
                                                      self.connection_timeout), lengths[segment:])

        def open_streams(count, segment):
            """``count`` streams of the range's segments from ``segment`` on, asked for in parallel from the
            chunks not tried yet, the next one asked for in place of each that fails."""
            asking = [open_one(pending.pop(0), segment) for _unused in range(min(count, len(pending)))]
            streams = []
            try:
                while asking:
                    if asking[0].opened():
                        streams.append(asking.pop(0))
                        continue
                    error = asking.pop(0).error
                    if not isinstance(error, OioException):
                        raise error
                    errors.append(error)
                    if pending:
                        asking.append(open_one(pending.pop(0), segment))
                if len(streams) < count:
                    raise ServiceUnavailable("%s: not enough valid sources to read (%d/%d): %s" % (
                        self.what, k - count + len(streams), k, "; ".join(str(e) for e in errors)))
            except BaseException:
                for stream in streams + asking:
                    stream.close()
                raise
            return streams

        readers = open_streams(k, 0)
        return ECStream(self.storage_method, readers, range_infos, self.meta_length, self.storage_method.ec_fragment_size,
                        reopen=lambda segment: open_streams(1, segment)[0])


class ECRebuildHandler:
    """Rebuilds the fragment ``missing`` of a metachunk from K of its other fragment-chunks (``meta_chunk``).

    ``rebuild()`` returns ``(chunk_size, iterator of the fragment's bytes)``; the size is the majority of the
    sizes the rawx answered. Extensions: ``http``, ``headers`` and ``metachunk_size`` (default: the chunks'
    ``size``).
    """

    def __init__(self, meta_chunk, missing, storage_method, connection_timeout=None, read_timeout=None, **_kwargs):
        self.meta_chunk = list(meta_chunk)
        self.missing = missing
        self.storage_method = storage_method
        self.connection_timeout = connection_timeout
        self.read_timeout = read_timeout
        self.http = _kwargs.get("http") or default_http()
        self.headers = dict(_kwargs.get("headers") or {})
        self.metachunk_size = int(_kwargs.get("metachunk_size") or self.meta_chunk[0]["size"])

    def _open_sources(self):
        answers = []
        for chunk in self.meta_chunk:
            try:
                resp = self.http.request("GET", chunk.get("real_url") or chunk["url"], headers=self.headers, stream=True,
                                         read_timeout=self.read_timeout, connection_timeout=self.connection_timeout)
            except (OioException, ClientException):
                continue
            answers.append((resp.headers.get(CHUNK_META_PREFIX + "chunk-size"), chunk, resp))
        sizes = Counter(a[0] for a in answers if a[0] is not None)
        majority = sizes.most_common(1)[0][0] if sizes else None
        chosen = [a for a in answers if a[0] == majority] + [a for a in answers if a[0] is None]
        k = self.storage_method.ec_nb_data
        keep = chosen[:k] if len(chosen) >= k else []
        for answer in answers:
            if not any(answer is kept for kept in keep):
                answer[2].release_conn()
        if not keep:
            raise UnrecoverableContent("Not enough valid sources to rebuild (%d/%d)" % (len(chosen), k))
        return (int(majority) if majority is not None else None), [_OpenedSource(c[1]["url"], c[2]) for c in keep]

    def rebuild(self):
        chunk_size, sources = self._open_sources()
        return chunk_size, self._fragments(sources)

    def _fragments(self, sources):
        method = self.storage_method
        try:
            for segment in range(method.segment_count(self.metachunk_size)):
                length = method.segment_fragment_size(self.metachunk_size, segment)
                fragments = [source.read_exact(length) for source in sources]
                try:
                    yield method.driver.reconstruct(fragments, [self.missing])[0]
                except Exception as exc:
                    raise ECError("cannot rebuild fragment %d: %s" % (self.missing, exc)) from None
        finally:
            for source in sources:
                source.close()


class _OpenedSource(RangeSource):
    """An already open chunk GET used as a source."""

    def __init__(self, url, resp):  # pylint: disable=super-init-not-called
        self.url = url
        self.resp = resp


class EcChunkWriter(ChunkWriter):
    """Streams one fragment-chunk to one rawx in its own thread, the metachunk's size and MD5 sent as trailers.

    ``conn`` is the open ``ChunkedPut`` (``connect`` makes one); ``send`` queues data, ``finish`` ends the
    chunk, ``wait`` waits for the rawx's answer, ``getresponse`` gives the chunk written or raises its error.
    """

    TRAILERS = tuple(CHUNK_META_PREFIX + name for name in ("metachunk-size", "metachunk-hash", "chunk-hash"))

    def __init__(self, chunk, conn, write_timeout=None, chunk_checksum_algo="md5", **_kwargs):
        super().__init__(chunk, None, {"checksum": chunk_checksum_algo is not None}, put=conn)
        self.conn = conn
        self.write_timeout = write_timeout

    @classmethod
    def connect(cls, chunk, sysmeta, reqid=None, connection_timeout=None, write_timeout=None, **kwargs):
        """A writer of ``chunk`` for the object ``sysmeta`` describes, its PUT sent (``open``) when started."""
        headers = chunk_headers(sysmeta_put_headers(sysmeta, reqid or request_id()), chunk)
        options = {"connection_timeout": connection_timeout or 10.0, "write_timeout": write_timeout or 60.0,
                   "connections": kwargs.get("connections"), "checksum": kwargs.get("chunk_checksum_algo", "md5") is not None}
        return cls.for_metachunk(chunk, headers, options)

    @classmethod
    def for_metachunk(cls, chunk, headers, options, trailers=TRAILERS, hash_data=True):  # pylint: disable=unused-argument
        """The writer a metachunk upload makes for one of its fragment-chunks."""
        conn = ChunkedPut(chunk["real_url"], headers, options["connection_timeout"], options["write_timeout"], cls.TRAILERS,
                          options.get("connections"))
        return cls(chunk, conn, options["write_timeout"], "md5" if options.get("checksum", True) else None)

    def send(self, data):
        self.feed(data)

    def finish(self, metachunk_size, metachunk_hash):
        self.close({CHUNK_META_PREFIX + "metachunk-size": metachunk_size, CHUNK_META_PREFIX + "metachunk-hash": metachunk_hash})

    def wait(self):
        self.join()

    def getresponse(self):
        """The chunk written (its ``hash`` and ``size`` filled in); raises the error if it failed."""
        self.join()
        if self.error is not None:
            raise self.error
        return dict(self.chunk, hash=self.chunk_hash, size=self.size)


class EcMetachunkWriter(MetachunkWriter):
    """Encodes one metachunk segment by segment and writes its K+M fragment-chunks in parallel."""

    def __init__(self, sysmeta, meta_chunk, global_checksum, storage_method, reqid=None, connection_timeout=None,
                 write_timeout=None, read_timeout=None, **kwargs):
        super().__init__(storage_method=storage_method, **kwargs)
        self.sysmeta = sysmeta
        self.meta_chunk = meta_chunk
        self.global_checksum = global_checksum
        self._engine(meta_chunk, sysmeta, kwargs.get("headers"), reqid, connection_timeout, write_timeout, kwargs,
                     EcChunkWriter.for_metachunk)

    def stream(self, source, size):
        """Write up to ``size`` bytes of ``source``: ``(bytes written, MD5 of the metachunk, chunk entries)``."""
        self.start(source if isinstance(source, Source) else Source(source), size, self.global_checksum)
        return self.finish()


class ECWriteHandler(WriteHandler):
    """Uploads an object with an erasure coding (``ec/...``) storage method."""

    metachunk_writer_class = EcMetachunkWriter


def ec_encode(storage_method, n):
    """A coroutine encoding the data sent to it into fragments for ``n`` chunks.

    Prime it with ``next()``; each ``send(data)`` returns one list of fragment bytes per chunk for the whole
    segments received so far; ``send(b"")`` flushes the last, shorter, segment.
    """
    segment_size = storage_method.ec_segment_size
    buf = bytearray()
    result = None
    while True:
        data = yield result
        result = [b""] * n
        flush = not data
        buf.extend(data or b"")
        while len(buf) >= segment_size or (flush and buf):
            segment, buf = bytes(buf[:segment_size]), buf[segment_size:]
            fragments = storage_method.encode(segment)
            result = [result[i] + fragments[i] for i in range(n)]
