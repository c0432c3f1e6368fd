# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""RBD image feature bits and their names (``rbd/features.h``, in ``_constants``); pure logic, no library needed."""

from __future__ import annotations

from ._constants import (  # noqa: F401 pylint: disable=unused-import
    RBD_FEATURE_DATA_POOL, RBD_FEATURE_DEEP_FLATTEN, RBD_FEATURE_DIRTY_CACHE, RBD_FEATURE_EXCLUSIVE_LOCK,
    RBD_FEATURE_FAST_DIFF, RBD_FEATURE_JOURNALING, RBD_FEATURE_LAYERING, RBD_FEATURE_MIGRATING,
    RBD_FEATURE_NAME_DATA_POOL, RBD_FEATURE_NAME_DEEP_FLATTEN, RBD_FEATURE_NAME_DIRTY_CACHE,
    RBD_FEATURE_NAME_EXCLUSIVE_LOCK, RBD_FEATURE_NAME_FAST_DIFF, RBD_FEATURE_NAME_JOURNALING,
    RBD_FEATURE_NAME_LAYERING, RBD_FEATURE_NAME_MIGRATING, RBD_FEATURE_NAME_NON_PRIMARY,
    RBD_FEATURE_NAME_OBJECT_MAP, RBD_FEATURE_NAME_OPERATIONS, RBD_FEATURE_NAME_STRIPINGV2, RBD_FEATURE_NON_PRIMARY,
    RBD_FEATURE_OBJECT_MAP, RBD_FEATURE_OPERATIONS, RBD_FEATURE_STRIPINGV2, RBD_FEATURES_ALL, RBD_FEATURES_DEFAULT,
    RBD_FEATURES_INCOMPATIBLE, RBD_FEATURES_MUTABLE, RBD_FEATURES_RW_INCOMPATIBLE, RBD_FEATURES_SINGLE_CLIENT,
)

# The names that ``rbd`` and ``rbd feature enable`` take, librbd's own.
FEATURE_NAMES = {
    RBD_FEATURE_NAME_LAYERING: RBD_FEATURE_LAYERING,
    RBD_FEATURE_NAME_STRIPINGV2: RBD_FEATURE_STRIPINGV2,
    RBD_FEATURE_NAME_EXCLUSIVE_LOCK: RBD_FEATURE_EXCLUSIVE_LOCK,
    RBD_FEATURE_NAME_OBJECT_MAP: RBD_FEATURE_OBJECT_MAP,
    RBD_FEATURE_NAME_FAST_DIFF: RBD_FEATURE_FAST_DIFF,
    RBD_FEATURE_NAME_DEEP_FLATTEN: RBD_FEATURE_DEEP_FLATTEN,
    RBD_FEATURE_NAME_JOURNALING: RBD_FEATURE_JOURNALING,
    RBD_FEATURE_NAME_DATA_POOL: RBD_FEATURE_DATA_POOL,
    RBD_FEATURE_NAME_OPERATIONS: RBD_FEATURE_OPERATIONS,
    RBD_FEATURE_NAME_MIGRATING: RBD_FEATURE_MIGRATING,
    RBD_FEATURE_NAME_NON_PRIMARY: RBD_FEATURE_NON_PRIMARY,
    RBD_FEATURE_NAME_DIRTY_CACHE: RBD_FEATURE_DIRTY_CACHE,
}

# Set by librbd itself (striping with non-default layout, a data pool, clone v2, ...): users do not ask for them.
RBD_FEATURES_IMPLICIT = (RBD_FEATURE_STRIPINGV2 | RBD_FEATURE_DATA_POOL | RBD_FEATURE_OPERATIONS
                         | RBD_FEATURE_MIGRATING | RBD_FEATURE_NON_PRIMARY | RBD_FEATURE_DIRTY_CACHE)
# What each feature needs enabled, and what needs it.
FEATURE_REQUIRES = {
    RBD_FEATURE_OBJECT_MAP: RBD_FEATURE_EXCLUSIVE_LOCK,
    RBD_FEATURE_FAST_DIFF: RBD_FEATURE_OBJECT_MAP,
    RBD_FEATURE_JOURNALING: RBD_FEATURE_EXCLUSIVE_LOCK,
}


def features_from_names(names):
    """The feature bitmask for ``names`` (a list, or a comma-separated string).

    Raises ValueError naming the unknown feature and the known ones.
    """
    if isinstance(names, str):
        names = names.split(",")
    mask = 0
    for name in names:
        key = str(name).strip().lower().replace("_", "-")
        if not key:
            continue
        if key not in FEATURE_NAMES:
            raise ValueError("unknown RBD feature %r (known: %s)" % (name, ", ".join(sorted(FEATURE_NAMES))))
        mask |= FEATURE_NAMES[key]
    return mask


def features_to_names(mask):
    """Sorted names of the bits set in ``mask``; unknown bits as ``0x...``."""
    names = sorted(name for name, bit in FEATURE_NAMES.items() if mask & bit)
    rest = mask & ~RBD_FEATURES_ALL
    if rest:
        names.append("0x%x" % rest)
    return names


def missing_dependencies(mask):
    """Pairs (feature, needed) for features in ``mask`` whose prerequisite is not in ``mask``."""
    return [(features_to_names(bit)[0], features_to_names(need)[0])
            for bit, need in sorted(FEATURE_REQUIRES.items()) if mask & bit and not mask & need]


def with_implied(mask):
    """``mask`` plus what librbd turns on with it: fast-diff comes and goes with object-map."""
    if mask & RBD_FEATURE_OBJECT_MAP:
        mask |= RBD_FEATURE_FAST_DIFF
    return mask
