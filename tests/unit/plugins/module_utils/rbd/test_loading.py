# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A host without librbd, or with an older one, gets a clear message instead of a crash."""

from __future__ import annotations

import importlib.util
import pathlib

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.rbd import (
    _constants, _ffi, _ffi_tables, _rados_exceptions, _rbd_exceptions, cdefs,
)
from ansible_collections.datacenter.storage.plugins.module_utils.rbd.errors import FunctionNotSupported, LibraryMissing

cffi = pytest.importorskip("cffi")


def test_missing_library_names_the_packages():
    with pytest.raises(LibraryMissing) as err:
        _ffi.open_library(cffi.FFI(), "librbd-not-installed.so.1")
    msg = str(err.value)
    assert "librbd-not-installed.so.1" in msg
    assert "apt-get install librbd1 librados2" in msg and "dnf install librbd1 librados2" in msg


def test_missing_function_fails_clearly():
    ffi = cffi.FFI()
    ffi.cdef("int rbd_from_the_future(void); int abs(int);")
    lib = _ffi.open_library(ffi, "libc.so.6")
    assert lib.abs(-3) == 3
    with pytest.raises(FunctionNotSupported) as err:
        lib.rbd_from_the_future()
    assert "rbd_from_the_future" in str(err.value) and "libc.so.6" in str(err.value)


@pytest.mark.parametrize("make_ffi", ["parsed", "tables"])
def test_declarations(make_ffi):
    if make_ffi == "parsed":
        ffi = cffi.FFI()
        ffi.cdef(cdefs.RADOS_CDEF)
        ffi.cdef(cdefs.RBD_CDEF)
    else:
        ffi = _ffi_tables.new_ffi()
    # Layouts that ABI mode must get exactly right (rbd/librbd.h, x86_64/aarch64).
    assert ffi.sizeof("rbd_image_info_t") == 8 * 3 + 4 + 24 + 4 + 8 + 96
    assert ffi.offsetof("rbd_trash_image_info_t", "deletion_time") == 24


@pytest.fixture(scope="module")
def generator():
    collection = pathlib.Path(__file__).resolve().parents[5]
    spec = importlib.util.spec_from_file_location("gen_rbd_ffi", collection / "scripts" / "gen_rbd_ffi.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_tables_match_cdefs(generator):
    """_ffi_tables.py and _constants.py are what scripts/gen_rbd_ffi.py makes of cdefs.py and the headers today."""
    with open(_ffi_tables.__file__, encoding="utf-8") as tables:
        assert tables.read() == generator.render(), "run scripts/gen_rbd_ffi.py after changing cdefs.py"
    with open(_constants.__file__, encoding="utf-8") as constants:  # the headers: librados-dev/librbd-dev (the lab's)
        assert constants.read() == generator.render_constants(), "run scripts/gen_rbd_ffi.py after changing the headers"


@pytest.mark.parametrize("generated", [_rados_exceptions, _rbd_exceptions], ids=["rados", "rbd"])
def test_exceptions_match_the_reference(generator, generated):
    """_rados_exceptions.py and _rbd_exceptions.py are what scripts/gen_rbd_ffi.py makes of the installed
    python3-rados/rbd (the lab's) today."""
    module = generated.__name__.rpartition("._")[2].partition("_")[0]
    with open(generated.__file__, encoding="utf-8") as source:
        assert source.read() == generator.render_exceptions(module), "run scripts/gen_rbd_ffi.py"
