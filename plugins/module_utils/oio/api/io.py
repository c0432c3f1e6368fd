# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stream helpers of ``oio.api.io`` (7.x)."""

from __future__ import annotations

import io
from collections import deque

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
