# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.exceptions import UnsatisfiableRange
from ansible_collections.datacenter.storage.plugins.module_utils.oio.api.ec import (
    meta_chunk_range_to_segment_range, segment_range_to_fragment_range,
)
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.storage_functions import obj_range_to_meta_chunk_range

S = 1048576
F = 174844


@pytest.mark.parametrize("args, expected", [
    ((100, 600, 256), (0, 767)),
    ((100, 600, 512), (0, 1023)),
    ((300, None, 256), (256, None)),
])
def test_upstream_documented_segment_examples(args, expected):
    assert meta_chunk_range_to_segment_range(*args) == expected


@pytest.mark.parametrize("meta, segment, fragment", [
    ((100, 600), (0, 1048575), (0, 174843)),
    ((1048576, 2097151), (1048576, 2097151), (174844, 349687)),
    ((1000000, 1100000), (0, 2097151), (0, 349687)),
    ((2000000, 2500000), (1048576, 3145727), (174844, 524531)),
    ((5000000, None), (4194304, None), (699376, None)),
    ((None, 500), (None, 2097152), (None, 349688)),
])
def test_spec_worked_examples(meta, segment, fragment):
    assert meta_chunk_range_to_segment_range(meta[0], meta[1], S) == segment
    assert segment_range_to_fragment_range(segment[0], segment[1], S, F) == fragment


SIZES = [1048576, 1048576, 500]


@pytest.mark.parametrize("rng, expected", [
    ((1000000, 1100000), {0: (1000000, 1048575), 1: (0, 51424)}),
    ((None, 600), {1: (1048476, 1048575), 2: (0, 499)}),
    ((2097000, None), {1: (1048424, 1048575), 2: (0, 499)}),
    ((0, 10 ** 9), {0: (0, 1048575), 1: (0, 1048575), 2: (0, 499)}),
    ((2097151, 2097152), {1: (1048575, 1048575), 2: (0, 0)}),
])
def test_object_range_to_metachunks(rng, expected):
    assert obj_range_to_meta_chunk_range(rng[0], rng[1], SIZES) == expected


@pytest.mark.parametrize("rng", [(2097652, 2097700), (10, 5), (None, None)])
def test_unsatisfiable_ranges(rng):
    with pytest.raises(UnsatisfiableRange):
        obj_range_to_meta_chunk_range(rng[0], rng[1], SIZES)


def test_suffix_longer_than_object_is_whole_object():
    assert obj_range_to_meta_chunk_range(None, 10 ** 9, [10]) == {0: (0, 9)}
