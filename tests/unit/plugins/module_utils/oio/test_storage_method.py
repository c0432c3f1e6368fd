# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import os

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.exceptions import InvalidStorageMethod
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.storage_method import (
    parse_chunk_method, storage_method,
)


def test_parse_chunk_method_with_bare_param_and_spaces():
    assert parse_chunk_method("ec/algo=liberasurecode_rs_vand, k=6,m=3,flag") == (
        "ec", {"algo": "liberasurecode_rs_vand", "k": "6", "m": "3", "flag": "1"})


@pytest.mark.parametrize("nb_copy, quorum", [(1, 1), (2, 1), (3, 2), (17, 9)])
def test_plain_quorum(nb_copy, quorum):
    method = storage_method("plain/nb_copy=%d" % nb_copy)
    assert (method.ec, method.expected_chunks, method.quorum) == (False, nb_copy, quorum)
    assert method.metachunk_size(1048576) == 1048576


def test_ec_method_sizes_and_quorum():
    method = storage_method("ec/algo=liberasurecode_rs_vand,k=6,m=3")
    assert (method.k, method.m, method.quorum, method.expected_chunks) == (6, 3, 7, 9)
    assert method.fragment_size == 174844
    assert method.metachunk_size(1048576) == 6 * 1048576
    assert method.metachunk_size(100000) == 600000
    assert method.metachunk_size(300000) == 1048576


@pytest.mark.parametrize("k, size", [(2, 524368), (4, 262224), (9, 116590)])
def test_fragment_sizes_of_the_spec(k, size):
    assert storage_method("ec/algo=liberasurecode_rs_vand,k=%d,m=2" % k).fragment_size == size


def test_ec_any_k_fragments_decode():
    method = storage_method("ec/algo=liberasurecode_rs_vand,k=6,m=3")
    data = os.urandom(1048576)
    fragments = method.driver.encode(data)
    assert len(fragments) == 9 and all(len(f) == 174844 for f in fragments)
    assert method.driver.decode(fragments[3:]) == data
    assert method.driver.decode([fragments[i] for i in (0, 2, 4, 6, 7, 8)]) == data
    rebuilt = method.driver.reconstruct(fragments[1:7], [0])[0]
    assert rebuilt == fragments[0]


@pytest.mark.parametrize("text", ["", "raid/x=1", "plain/nb_copy=zero", "plain/nb_copy=0", "ec/k=6,m=3", "ec/algo=nope,k=6,m=3"])
def test_invalid_chunk_methods(text):
    with pytest.raises(InvalidStorageMethod):
        assert storage_method(text).quorum
