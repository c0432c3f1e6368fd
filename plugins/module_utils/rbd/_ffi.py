# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Loading librados and librbd (cffi ABI mode) with the declarations of ``cdefs.py``.

The declarations come precompiled in ``_ffi_tables.py``: no C parsing at run time.
A function that the installed library lacks raises :class:`FunctionNotSupported` when first used.
"""

from __future__ import annotations

import threading

from . import _ffi_tables
from .errors import FunctionNotSupported, LibraryMissing

INSTALL_HINT = ("install librbd1 and librados2 (Debian/Ubuntu: apt-get install librbd1 librados2; "
                "RHEL/Rocky/Alma: dnf install librbd1 librados2)")


class _Library:
    """A dlopen'ed library whose missing functions fail with a clear error, not a crash."""

    def __init__(self, lib, soname):
        self._lib = lib
        self._soname = soname

    def __getattr__(self, name):
        try:
            func = getattr(self._lib, name)
        except AttributeError:
            raise FunctionNotSupported("%s on this host has no %s(): a newer Ceph client library is needed "
                                       "(these bindings follow Ceph 16.2 Pacific)" % (self._soname, name)) from None
        setattr(self, name, func)
        return func


def open_library(ffi, soname):
    """dlopen ``soname``; LibraryMissing naming the packages to install if it is not there."""
    try:
        return _Library(ffi.dlopen(soname), soname)
    except OSError as exc:
        raise LibraryMissing("cannot load %s (%s): %s" % (soname, exc, INSTALL_HINT)) from None


_LOCK = threading.Lock()
_LOADED = {}


def _load():
    with _LOCK:
        if not _LOADED:
            if _ffi_tables.BACKEND_IMPORT_ERROR is not None:
                raise LibraryMissing("the Python package cffi is required (pip install cffi): %s"
                                     % _ffi_tables.BACKEND_IMPORT_ERROR)
            ffi = _ffi_tables.new_ffi()
            libs = dict((key, open_library(ffi, soname)) for key, soname in (("rados", "librados.so.2"),
                                                                             ("rbd", "librbd.so.1")))
            _LOADED.update(libs, ffi=ffi)
    return _LOADED


def ffi():
    """The shared FFI object (loads the libraries on first use)."""
    return _load()["ffi"]


def librados():
    return _load()["rados"]


def librbd():
    return _load()["rbd"]


class ClosesOnExit(object):
    """Mixin of the objects that own a library handle: ``with obj:`` calls ``obj.close()`` on the way out."""

    def __enter__(self):
        return self

    def __exit__(self, type_, value, traceback):
        self.close()
        return False


def cstr(val, name, encoding, opt, error):
    """``val`` (str or bytes) as bytes for a C string; None only when ``opt``; else ``error``, naming ``name``."""
    if opt and val is None:
        return None
    if isinstance(val, bytes):
        return val
    if isinstance(val, str):
        return val.encode(encoding)
    raise error("%s must be a string" % name)
