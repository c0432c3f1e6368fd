# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Range arithmetic of upstream's ``ChunkReader.recover``/``fill_ranges`` and ``oio.common.http``'s helpers."""

from __future__ import annotations

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.oio.api.io import ChunkReader
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.exceptions import EmptyByteRange, UnsatisfiableRange
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.http import http_header_from_ranges, ranges_from_http_header


def reader(headers, **kwargs):
    return ChunkReader(iter(()), 256, headers, **kwargs)


@pytest.mark.parametrize("before, consumed, after", [
    (None, 10, "bytes=10-"),
    ("bytes=100-199", 50, "bytes=150-199"),
    ("bytes=100-", 7, "bytes=107-"),
    ("bytes=-100", 30, "bytes=-70"),
    ("bytes=0-99,200-299", 40, "bytes=40-99,200-299"),
])
def test_recover_moves_the_first_range(before, consumed, after):
    headers = {} if before is None else {"Range": before}
    reader(headers).recover(consumed)
    assert headers["Range"] == after


def test_recover_errors():
    with pytest.raises(EmptyByteRange):
        reader({"Range": "bytes=100-199"}).recover(100)
    with pytest.raises(UnsatisfiableRange):
        reader({"Range": "bytes=100-199"}).recover(150)
    with pytest.raises(ValueError):
        reader({"Range": "items=1-2"}).recover(1)


def test_fill_ranges_and_align():
    headers = {"Range": "bytes=0-99,200-299"}
    one = reader(headers, align=True)
    one.fill_ranges(100, 199, 100)
    assert headers["Range"] == "bytes=100-199,200-299" and one.discard_bytes == 156
    untouched = {"Range": "bytes=5-9"}
    reader(untouched).fill_ranges(0, -1, 0)
    assert untouched == {"Range": "bytes=5-9"}
    fresh = {}
    reader(fresh).fill_ranges(0, 9, 10)
    assert fresh["Range"] == "bytes=0-9"


def test_range_header_helpers():
    assert ranges_from_http_header("bytes=0-9,10-,-5") == [(0, 9), (10, None), (None, 5)]
    assert http_header_from_ranges([(0, 9), (10, None), (None, 5)]) == "bytes=0-9,10-,-5"
    for bad in ("0-9", "bytes=9-0", "bytes=-", "bytes=x-1"):
        with pytest.raises(ValueError):
            ranges_from_http_header(bad)
    with pytest.raises(ValueError):
        http_header_from_ranges([(None, None)])
