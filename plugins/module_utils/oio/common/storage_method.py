# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Chunk methods (``plain/nb_copy=3``, ``ec/algo=...,k=6,m=3``) and what they imply."""

from __future__ import annotations

from ._eccodec import codec
from .exceptions import InvalidStorageMethod

EC_SEGMENT_SIZE = 1048576


def parse_chunk_method(chunk_method):
    """Split ``type/k1=v1,k2`` into (type, {k1: v1, k2: '1'})."""
    if not chunk_method or not isinstance(chunk_method, str):
        raise InvalidStorageMethod("invalid chunk method %r" % (chunk_method,))
    kind, dummy, rest = chunk_method.partition("/")
    params = {}
    for item in rest.split(","):
        item = item.strip()
        if not item:
            continue
        key, sep, value = item.partition("=")
        params[key.strip()] = value.strip() if sep else "1"
    return kind.strip(), params


def guess_storage_method(url):
    """The chunk method type a chunk URL implies: ``backblaze`` for ``b2``/``backblaze`` URLs, else ``plain``."""
    if url.startswith("b2") or url.startswith("backblaze"):
        return "backblaze"
    if url.startswith("kine"):
        return "kplain"
    return "plain"


def _int_param(chunk_method, params, name, default=None):
    value = params.get(name, default)
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise InvalidStorageMethod("chunk method %r: %s=%r is not an integer" % (chunk_method, name, value)) from None
    if value < 0:
        raise InvalidStorageMethod("chunk method %r: %s must not be negative" % (chunk_method, name))
    return value


def _at_least_one(chunk_method, name, value):
    if value < 1:
        raise InvalidStorageMethod("chunk method %r: %s must be at least 1" % (chunk_method, name))
    return value


class StorageMethod:
    """Base of the storage methods: ``name`` (``type``), the ``ec``/``backblaze`` flags and the ``chunk_method``
    string it was read from."""

    name = None
    ec = False
    backblaze = False

    def __init__(self, chunk_method):
        self.chunk_method = chunk_method

    @property
    def type(self):
        return self.name


class ReplicatedStorageMethod(StorageMethod):
    """``plain/nb_copy=N``: N identical chunks per metachunk."""

    name = "plain"

    def __init__(self, chunk_method, nb_copy):
        super().__init__(chunk_method)
        self.nb_copy = _at_least_one(chunk_method, "nb_copy", nb_copy)

    @property
    def quorum(self):
        return (self.nb_copy + 1) // 2

    @property
    def expected_chunks(self):
        return self.nb_copy

    @property
    def min_chunks_to_read(self):
        return 1

    def metachunk_size(self, chunk_size):
        return chunk_size


class ECStorageMethod(StorageMethod):
    """``ec/algo=A,k=K,m=M``: K data and M parity fragment-chunks per metachunk."""

    name = "ec"
    ec = True

    def __init__(self, chunk_method, algo, k, m, ec_segment_size=EC_SEGMENT_SIZE):
        super().__init__(chunk_method)
        self.k = _at_least_one(chunk_method, "k", k)
        self.algo = algo
        self.m = m
        self.segment_size = _at_least_one(chunk_method, "ec_segment_size", ec_segment_size)
        self._driver = None
        self._codec = None

    @property
    def driver(self):
        """The pyeclib driver, built on first use."""
        if self._driver is None:
            from pyeclib.ec_iface import ECDriver
            try:
                self._driver = ECDriver(k=self.k, m=self.m, ec_type=self.algo)
            except Exception as exc:
                hint = ""
                if self.algo.startswith("isa_l"):  # distributions' liberasurecode loads ISA-L only when installed
                    hint = " (the isa_l backends need the ISA-L library beside liberasurecode: Debian's libisal2)"
                raise InvalidStorageMethod("chunk method %r: pyeclib refused it: %s%s" % (self.chunk_method, exc, hint)) from None
        return self._driver

    @property
    def codec(self):
        """The driver's ``encode`` and ``decode`` with the GIL released while liberasurecode works (``_eccodec``,
        the same bytes), or the driver itself when that library cannot be reached (extension)."""
        if self._codec is None:
            self._codec = codec(self.driver) or self.driver
        return self._codec

    def encode(self, segment):
        """``driver.encode(segment)``: the fragments, the hashing and sending threads going on meanwhile (extension)."""
        return self.codec.encode(segment)

    def decode(self, fragments):
        """``driver.decode(fragments)``: the segment, the receiving threads going on meanwhile (extension)."""
        return self.codec.decode(fragments)

    @property
    def quorum(self):
        return self.k + self.driver.min_parity_fragments_needed()

    @property
    def expected_chunks(self):
        return self.k + self.m

    @property
    def min_chunks_to_read(self):
        return self.k

    @property
    def fragment_size(self):
        """Bytes of one fragment of a full segment, EC header included."""
        return self.driver.get_segment_info(self.segment_size, self.segment_size)["fragment_size"]

    def segment_fragment_size(self, metachunk_size, index):
        """Bytes of the fragment of segment ``index`` in a metachunk of ``metachunk_size`` bytes."""
        length = min(self.segment_size, metachunk_size - index * self.segment_size)
        if length == self.segment_size:
            return self.fragment_size
        return self.driver.get_segment_info(length, length)["fragment_size"]

    ec_type = property(lambda self: self.algo, doc="Upstream's name of ``algo``.")
    ec_nb_data = property(lambda self: self.k, doc="Upstream's name of ``k``.")
    ec_nb_parity = property(lambda self: self.m, doc="Upstream's name of ``m``.")
    ec_segment_size = property(lambda self: self.segment_size, doc="Upstream's name of ``segment_size``.")
    ec_fragment_size = property(lambda self: self.fragment_size, doc="Upstream's name of ``fragment_size``.")

    def segment_count(self, metachunk_size):
        return -(-metachunk_size // self.segment_size)

    def metachunk_size(self, chunk_size):
        """``K * chunk_size``, rounded down to whole segments when above one segment."""
        size = self.k * chunk_size
        if size > self.segment_size:
            size -= size % self.segment_size
        return size


class BackblazeStorageMethod(StorageMethod):
    """``backblaze/account_id=A,bucket_name=B``: one chunk per metachunk, stored as a file of a B2 bucket."""

    name = "backblaze"
    backblaze = True
    quorum = expected_chunks = min_chunks_to_read = 1

    def __init__(self, chunk_method, account_id, bucket_name):
        super().__init__(chunk_method)
        self.account_id = account_id
        self.bucket_name = bucket_name

    def metachunk_size(self, chunk_size):
        return chunk_size


def storage_method(chunk_method, **kwargs):
    """The storage method object of a chunk method string; ``kwargs`` add parameters, as upstream's ``load``.

    EC methods take ``ec_segment_size`` (upstream's constructor argument, default ``EC_SEGMENT_SIZE``) from
    the chunk method or from ``kwargs``.
    """
    kind, params = parse_chunk_method(chunk_method)
    params.update({key: str(value) for key, value in kwargs.items()})
    if kind == "plain":
        return ReplicatedStorageMethod(chunk_method, _int_param(chunk_method, params, "nb_copy", 1))
    if kind == "ec":
        if "algo" not in params:
            raise InvalidStorageMethod("chunk method %r: algo is missing" % chunk_method)
        return ECStorageMethod(chunk_method, params["algo"], _int_param(chunk_method, params, "k"), _int_param(chunk_method, params, "m"),
                               _int_param(chunk_method, params, "ec_segment_size", EC_SEGMENT_SIZE))
    if kind == "backblaze":
        if not params.get("account_id") or not params.get("bucket_name"):
            raise InvalidStorageMethod("chunk method %r: account_id and bucket_name are required" % chunk_method)
        return BackblazeStorageMethod(chunk_method, params["account_id"], params["bucket_name"])
    raise InvalidStorageMethod("chunk method %r: type %r is not supported" % (chunk_method, kind))


def load_methods():
    """Storage method classes by chunk method type."""
    return {"plain": ReplicatedStorageMethod, "ec": ECStorageMethod, "backblaze": BackblazeStorageMethod}


class StorageMethods:
    """``STORAGE_METHODS.load(chunk_method)``: the storage method of a chunk method string, cached."""

    def __init__(self, methods):
        self.index = methods
        self.cache = {}

    def load(self, chunk_method, **kwargs):
        key = (chunk_method, tuple(sorted(kwargs.items())))
        if key not in self.cache:
            self.cache[key] = storage_method(chunk_method, **kwargs)
        return self.cache[key]


STORAGE_METHODS = StorageMethods(load_methods())
