# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""``ECStorageMethod.encode`` (liberasurecode through cffi, the GIL released) gives pyeclib's fragments byte for byte,
for every EC policy of the lab's dev namespace."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.oio.common import _ecencode
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.storage_method import storage_method

sys.path.insert(0, str(Path(__file__).resolve().parents[5] / "tests" / "lab" / "oio"))
from oio_devserver.conscience import POLICY_CATALOGUE  # noqa: E402  pylint: disable=wrong-import-position

EC_METHODS = sorted({entry[2] for entry in POLICY_CATALOGUE.values() if entry[2].startswith("ec/")})


def test_the_lab_has_both_ec_libraries():
    assert {storage_method(m).algo for m in EC_METHODS} == {"liberasurecode_rs_vand", "isa_l_rs_vand"}


@pytest.mark.parametrize("chunk_method", EC_METHODS)
def test_native_encode_gives_pyeclib_fragments(chunk_method):
    method = storage_method(chunk_method)
    segment = method.segment_size
    for size in sorted({1, 17, segment - 1, segment, segment + 1, 3 * segment + 17, 1048576 + 5}):
        data = os.urandom(size)
        assert method.encode(data) == method.driver.encode(data), (chunk_method, size)
    assert isinstance(method._encode, _ecencode.NativeEncoder)  # pylint: disable=protected-access
    fragments = method.encode(b"x" * segment)
    assert method.driver.decode(fragments[-method.k:]) == b"x" * segment


def test_fallback_to_pyeclib_without_the_library(monkeypatch):
    monkeypatch.setattr(_ecencode, "_LOADED", [None])
    method = storage_method("ec/algo=liberasurecode_rs_vand,k=6,m=3")
    data = os.urandom(100000)
    assert method.encode(data) == method.driver.encode(data)
    assert method._encode == method.driver.encode  # pylint: disable=protected-access
