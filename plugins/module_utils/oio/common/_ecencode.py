# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""EC encoding without the GIL: the very liberasurecode that pyeclib loaded, called through cffi (ABI mode).

pyeclib's ``encode`` holds the GIL while it encodes, so the threads that hash and send an upload's
fragments wait for it. ``encoder(method)`` gives a function with the same result (the same fragments,
byte for byte: the same library, backend and arguments as pyeclib's ``init``) that releases the GIL
during ``liberasurecode_encode``, or pyeclib's own ``encode`` when that library cannot be reached
(no cffi, no ``/proc/self/maps``, or a library without these functions).
"""

from __future__ import annotations

import re
import threading

CDEF = """
struct ec_args { int k; int m; int w; int hd; uint64_t priv_args1[4]; void *priv_args2; int ct; char spare[64]; };
int liberasurecode_instance_create(int backend_id, struct ec_args *args);
int liberasurecode_encode(int desc, const char *data, uint64_t size, char ***fragments, char ***parity, uint64_t *fragment_len);
int liberasurecode_encode_cleanup(int desc, char **fragments, char **parity);
"""
CHKSUM_NONE, CHKSUM_CRC32 = 1, 2
_LIBRARY = re.compile(r"/liberasurecode(-[^/]*)?\.so[.0-9]*$")
_LOCK = threading.Lock()
_LOADED = []


def _library():
    """``(ffi, lib)`` of the liberasurecode mapped in this process (pyeclib's), or None."""
    with _LOCK:
        if not _LOADED:
            _LOADED.append(_open())
    return _LOADED[0]


def _open():
    try:
        import cffi  # pylint: disable=import-outside-toplevel
        with open("/proc/self/maps", encoding="utf-8") as maps:
            paths = sorted({line.split(None, 5)[5].strip() for line in maps
                            if len(line.split(None, 5)) == 6 and _LIBRARY.search(line.strip())})
        if not paths:
            return None
        ffi = cffi.FFI()
        ffi.cdef(CDEF)
        lib = ffi.dlopen(paths[0])
        if not all(hasattr(lib, name) for name in ("liberasurecode_instance_create", "liberasurecode_encode",
                                                   "liberasurecode_encode_cleanup")):
            return None
        return ffi, lib
    except (ImportError, OSError, AttributeError, IndexError):
        return None


class NativeEncoder:
    """``encode(segment)`` through liberasurecode with the GIL released; one encode at a time per instance, as
    pyeclib's GIL kept it."""

    def __init__(self, ffi, lib, driver):
        reference = driver.ec_lib_reference
        self.ffi, self.lib, self.k, self.m = ffi, lib, reference.k, reference.m
        self.fallback = driver.encode
        args = ffi.new("struct ec_args *", {"k": reference.k, "m": reference.m, "hd": reference.hd,
                                            "ct": CHKSUM_CRC32 if reference.inline_chksum else CHKSUM_NONE})
        self.desc = lib.liberasurecode_instance_create(reference.ec_type.value, args)
        self._lock = threading.Lock()

    def __call__(self, segment):
        if not segment:
            return self.fallback(segment)
        ffi = self.ffi
        data, parity, length = ffi.new("char ***"), ffi.new("char ***"), ffi.new("uint64_t *")
        with self._lock:
            status = self.lib.liberasurecode_encode(self.desc, ffi.from_buffer(segment), len(segment), data, parity, length)
            if status != 0:
                return self.fallback(segment)  # pyeclib raises its own error for this input
            try:
                size = length[0]
                return ([ffi.buffer(data[0][i], size)[:] for i in range(self.k)] +
                        [ffi.buffer(parity[0][i], size)[:] for i in range(self.m)])
            finally:
                self.lib.liberasurecode_encode_cleanup(self.desc, data[0], parity[0])


def encoder(driver):
    """The encode function of a pyeclib ``ECDriver``: a ``NativeEncoder`` when possible, else the driver's own."""
    reference = getattr(driver, "ec_lib_reference", None)
    if not all(hasattr(reference, name) for name in ("k", "m", "hd", "inline_chksum", "ec_type")):
        return driver.encode
    loaded = _library()
    if loaded is None:
        return driver.encode
    native = NativeEncoder(loaded[0], loaded[1], driver)
    return native if native.desc > 0 else driver.encode
