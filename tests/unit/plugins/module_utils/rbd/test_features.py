# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Feature names <-> bits, as in rbd/features.h and the rbd CLI."""

from __future__ import annotations

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.rbd.features import (
    FEATURE_NAMES, RBD_FEATURE_EXCLUSIVE_LOCK, RBD_FEATURE_FAST_DIFF, RBD_FEATURE_LAYERING, RBD_FEATURE_OBJECT_MAP,
    RBD_FEATURES_DEFAULT, features_from_names, features_to_names, missing_dependencies, with_implied,
)


def test_header_bits():
    # Values from /usr/include/rbd/features.h (16.2).
    assert FEATURE_NAMES["layering"] == 1
    assert FEATURE_NAMES["striping"] == 2
    assert FEATURE_NAMES["exclusive-lock"] == 4
    assert FEATURE_NAMES["object-map"] == 8
    assert FEATURE_NAMES["fast-diff"] == 16
    assert FEATURE_NAMES["deep-flatten"] == 32
    assert FEATURE_NAMES["journaling"] == 64
    assert FEATURE_NAMES["data-pool"] == 128
    assert RBD_FEATURES_DEFAULT == 61  # the default of rbd_default_features


def test_names_to_mask_accepts_list_string_case_and_underscores():
    assert features_from_names(["layering", "exclusive-lock"]) == RBD_FEATURE_LAYERING | RBD_FEATURE_EXCLUSIVE_LOCK
    assert features_from_names("layering, Exclusive_Lock") == RBD_FEATURE_LAYERING | RBD_FEATURE_EXCLUSIVE_LOCK
    assert features_from_names([]) == 0
    assert features_from_names("") == 0


def test_unknown_feature_is_named_with_the_known_ones():
    with pytest.raises(ValueError) as err:
        features_from_names(["layering", "turbo"])
    assert "'turbo'" in str(err.value)
    assert "exclusive-lock" in str(err.value)


@pytest.mark.parametrize("mask", [0, 1, 61, 0xFFF, 3 | 64])
def test_round_trip(mask):
    assert features_from_names(features_to_names(mask)) == mask


def test_names_are_sorted_and_unknown_bits_shown():
    assert features_to_names(61) == ["deep-flatten", "exclusive-lock", "fast-diff", "layering", "object-map"]
    assert features_to_names(1 | (1 << 40)) == ["layering", "0x%x" % (1 << 40)]


def test_dependencies():
    assert missing_dependencies(RBD_FEATURE_OBJECT_MAP) == [("object-map", "exclusive-lock")]
    assert missing_dependencies(RBD_FEATURE_FAST_DIFF | RBD_FEATURE_EXCLUSIVE_LOCK) == [("fast-diff", "object-map")]
    assert missing_dependencies(RBD_FEATURES_DEFAULT) == []


def test_fast_diff_comes_with_object_map():
    base = RBD_FEATURE_LAYERING | RBD_FEATURE_EXCLUSIVE_LOCK
    assert with_implied(base) == base
    assert with_implied(base | RBD_FEATURE_OBJECT_MAP) == base | RBD_FEATURE_OBJECT_MAP | RBD_FEATURE_FAST_DIFF
