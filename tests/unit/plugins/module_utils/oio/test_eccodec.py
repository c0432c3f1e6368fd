# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``ECStorageMethod.encode``/``decode`` (liberasurecode through cffi, the GIL released) give pyeclib's fragments
and segments byte for byte, for every EC policy of the lab's dev namespace."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.oio.common import _eccodec
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.storage_method import storage_method

sys.path.insert(0, str(Path(__file__).resolve().parents[5] / "tests" / "lab" / "oio"))
from oio_devserver.conscience import POLICY_CATALOGUE  # noqa: E402  pylint: disable=wrong-import-position

EC_METHODS = sorted({entry[2] for entry in POLICY_CATALOGUE.values() if entry[2].startswith("ec/")})


def test_the_lab_has_both_ec_libraries():
    assert {storage_method(m).algo for m in EC_METHODS} == {"liberasurecode_rs_vand", "isa_l_rs_vand"}


@pytest.mark.parametrize("chunk_method", EC_METHODS)
def test_native_codec_gives_pyeclib_bytes(chunk_method):
    method = storage_method(chunk_method)
    segment = method.segment_size
    for size in sorted({1, 17, segment - 1, segment, segment + 1, 3 * segment + 17, 1048576 + 5}):
        data = os.urandom(size)
        fragments = method.encode(data)
        assert fragments == method.driver.encode(data), (chunk_method, size)
        for chosen in (fragments[:method.k], fragments[-method.k:], fragments[1:method.k + 1] + fragments[:1]):
            assert method.decode(chosen) == method.driver.decode(chosen) == data, (chunk_method, size)
    assert isinstance(method.codec, _eccodec.NativeCodec)


def _outcome(decode, fragments):
    try:
        return decode(fragments)
    except Exception as exc:  # pylint: disable=broad-exception-caught
        return type(exc)


def test_native_decode_of_bad_fragments_is_pyeclibs():
    """Too few fragments, a cut last byte, garbage: the same result, or pyeclib's exception."""
    method = storage_method("ec/algo=liberasurecode_rs_vand,k=6,m=3")
    fragments = method.encode(os.urandom(1000))
    for bad in (fragments[:5], [f[:-1] for f in fragments[:6]], [b"x" * len(fragments[0])] * 6, [b""] * 6):
        assert _outcome(method.decode, bad) == _outcome(method.driver.decode, bad)
    assert isinstance(_outcome(method.decode, fragments[:5]), type)


def test_one_codec_per_parameters():
    first, second = (storage_method("ec/algo=isa_l_rs_vand,k=6,m=3") for _unused in range(2))
    assert first.codec is second.codec
    assert first.codec is not storage_method("ec/algo=isa_l_rs_vand,k=4,m=2").codec


def test_without_the_library_the_driver_itself(monkeypatch):
    monkeypatch.setattr(_eccodec, "_LOADED", [None])
    monkeypatch.setattr(_eccodec, "_CODECS", {})
    method = storage_method("ec/algo=liberasurecode_rs_vand,k=6,m=3")
    data = os.urandom(100000)
    assert method.codec is method.driver
    assert method.decode(method.encode(data)[2:8]) == data
