# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""EC encoding and decoding without the GIL: the very liberasurecode that pyeclib loaded, called through cffi.

pyeclib's ``encode`` and ``decode`` hold the GIL while liberasurecode works, so the threads that hash, send
or receive an object's fragments wait for them. ``codec(driver)`` gives a ``NativeCodec`` with the same
results (the same library, backend and arguments as pyeclib's ``init``: the same bytes) whose calls release
the GIL (cffi's ABI mode does for every C call), or None when that library cannot be reached (no cffi, no
``/proc/self/maps``, a library without these functions); the callers then use the driver's own methods.
"""

from __future__ import annotations

import re
import threading

CDEF = """
struct ec_args { int k; int m; int w; int hd; uint64_t priv_args1[4]; void *priv_args2; int ct; char spare[64]; };
int liberasurecode_instance_create(int backend_id, struct ec_args *args);
int liberasurecode_encode(int desc, const char *data, uint64_t size, char ***fragments, char ***parity, uint64_t *fragment_len);
int liberasurecode_encode_cleanup(int desc, char **fragments, char **parity);
int liberasurecode_decode(int desc, char **fragments, int count, uint64_t fragment_len, int force_metadata_checks,
                          char **data, uint64_t *size);
int liberasurecode_decode_cleanup(int desc, char *data);
"""
FUNCTIONS = ("liberasurecode_instance_create", "liberasurecode_encode", "liberasurecode_encode_cleanup",
             "liberasurecode_decode", "liberasurecode_decode_cleanup")
CHKSUM_NONE, CHKSUM_CRC32 = 1, 2
_LIBRARY = re.compile(r"/liberasurecode(-[^/]*)?\.so[.0-9]*$")
_LOCK = threading.Lock()
_LOADED = []
_CODECS = {}


def _open_once():
    """``(ffi, lib)`` of the liberasurecode mapped in this process (pyeclib's), or None (called with ``_LOCK``)."""
    if not _LOADED:
        _LOADED.append(_open())
    return _LOADED[0]


def _open():
    try:
        import cffi  # pylint: disable=import-outside-toplevel
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = sorted({fields[5].strip() for fields in (line.split(None, 5) for line in maps)
                            if len(fields) == 6 and _LIBRARY.search(fields[5].strip())})
        if not paths:
            return None
        ffi = cffi.FFI()
        ffi.cdef(CDEF)
        lib = ffi.dlopen(paths[0])
        if not all(hasattr(lib, name) for name in FUNCTIONS):
            return None
        return ffi, lib
    except (ImportError, OSError, AttributeError):
        return None


class NativeCodec:
    """``encode(segment)`` and ``decode(fragments)`` of a pyeclib driver through liberasurecode, the GIL released
    meanwhile; one call at a time per codec, as pyeclib's GIL kept it. What liberasurecode refuses goes to the
    driver's own method, which raises pyeclib's error."""

    def __init__(self, ffi, lib, driver):
        reference = driver.ec_lib_reference
        self.ffi, self.lib, self.driver, self.k, self.m = ffi, lib, driver, reference.k, reference.m
        args = ffi.new("struct ec_args *", {"k": reference.k, "m": reference.m, "hd": reference.hd,
                                            "ct": CHKSUM_CRC32 if reference.inline_chksum else CHKSUM_NONE})
        self.desc = lib.liberasurecode_instance_create(reference.ec_type.value, args)
        self._lock = threading.Lock()

    def encode(self, segment):
        if not segment:
            return self.driver.encode(segment)
        ffi = self.ffi
        data, parity, length = ffi.new("char ***"), ffi.new("char ***"), ffi.new("uint64_t *")
        with self._lock:
            if self.lib.liberasurecode_encode(self.desc, ffi.from_buffer(segment), len(segment), data, parity, length) != 0:
                return self.driver.encode(segment)
            try:
                size = length[0]
                return ([ffi.buffer(data[0][i], size)[:] for i in range(self.k)] +
                        [ffi.buffer(parity[0][i], size)[:] for i in range(self.m)])
            finally:
                self.lib.liberasurecode_encode_cleanup(self.desc, data[0], parity[0])

    def decode(self, fragments):
        fragments = list(fragments)
        if len(fragments) < self.k or not fragments[0] or any(len(f) != len(fragments[0]) for f in fragments):
            return self.driver.decode(fragments)
        ffi = self.ffi
        buffers = [ffi.from_buffer(f) for f in fragments]
        pointers = ffi.new("char *[]", buffers)
        data, size = ffi.new("char **"), ffi.new("uint64_t *")
        with self._lock:
            if self.lib.liberasurecode_decode(self.desc, pointers, len(fragments), len(fragments[0]), 0, data, size) != 0:
                return self.driver.decode(fragments)
            try:
                return ffi.buffer(data[0], size[0])[:]
            finally:
                self.lib.liberasurecode_decode_cleanup(self.desc, data[0])


def codec(driver):
    """The ``NativeCodec`` of a pyeclib ``ECDriver``'s parameters when its library can be reached, else None.

    One codec (one liberasurecode instance, never destroyed) per backend and parameters in the process: the
    storage method objects made for each upload share it.
    """
    reference = getattr(driver, "ec_lib_reference", None)
    if not all(hasattr(reference, name) for name in ("k", "m", "hd", "inline_chksum", "ec_type")):
        return None
    key = (reference.ec_type.value, reference.k, reference.m, reference.hd, bool(reference.inline_chksum))
    with _LOCK:
        if key not in _CODECS:
            loaded = _open_once()
            native = NativeCodec(loaded[0], loaded[1], driver) if loaded is not None else None
            _CODECS[key] = native if native is not None and native.desc > 0 else None
        return _CODECS[key]
