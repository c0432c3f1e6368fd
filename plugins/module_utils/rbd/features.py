# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""RBD image feature bits and their names (``rbd/features.h``); pure logic, no library needed."""

from __future__ import annotations

RBD_FEATURE_LAYERING = 1 << 0
RBD_FEATURE_STRIPINGV2 = 1 << 1
RBD_FEATURE_EXCLUSIVE_LOCK = 1 << 2
RBD_FEATURE_OBJECT_MAP = 1 << 3
RBD_FEATURE_FAST_DIFF = 1 << 4
RBD_FEATURE_DEEP_FLATTEN = 1 << 5
RBD_FEATURE_JOURNALING = 1 << 6
RBD_FEATURE_DATA_POOL = 1 << 7
RBD_FEATURE_OPERATIONS = 1 << 8
RBD_FEATURE_MIGRATING = 1 << 9
RBD_FEATURE_NON_PRIMARY = 1 << 10
RBD_FEATURE_DIRTY_CACHE = 1 << 11

FEATURE_NAMES = {
    "layering": RBD_FEATURE_LAYERING,
    "striping": RBD_FEATURE_STRIPINGV2,
    "exclusive-lock": RBD_FEATURE_EXCLUSIVE_LOCK,
    "object-map": RBD_FEATURE_OBJECT_MAP,
    "fast-diff": RBD_FEATURE_FAST_DIFF,
    "deep-flatten": RBD_FEATURE_DEEP_FLATTEN,
    "journaling": RBD_FEATURE_JOURNALING,
    "data-pool": RBD_FEATURE_DATA_POOL,
    "operations": RBD_FEATURE_OPERATIONS,
    "migrating": RBD_FEATURE_MIGRATING,
    "non-primary": RBD_FEATURE_NON_PRIMARY,
    "dirty-cache": RBD_FEATURE_DIRTY_CACHE,
}

RBD_FEATURES_ALL = 0
for _bit in FEATURE_NAMES.values():
    RBD_FEATURES_ALL |= _bit
RBD_FEATURES_DEFAULT = (RBD_FEATURE_LAYERING | RBD_FEATURE_EXCLUSIVE_LOCK | RBD_FEATURE_OBJECT_MAP
                        | RBD_FEATURE_FAST_DIFF | RBD_FEATURE_DEEP_FLATTEN)
RBD_FEATURES_MUTABLE = (RBD_FEATURE_EXCLUSIVE_LOCK | RBD_FEATURE_OBJECT_MAP | RBD_FEATURE_FAST_DIFF
                        | RBD_FEATURE_JOURNALING | RBD_FEATURE_NON_PRIMARY | RBD_FEATURE_DIRTY_CACHE)
RBD_FEATURES_INCOMPATIBLE = (RBD_FEATURE_LAYERING | RBD_FEATURE_STRIPINGV2 | RBD_FEATURE_DATA_POOL
                             | RBD_FEATURE_DIRTY_CACHE)
RBD_FEATURES_RW_INCOMPATIBLE = (RBD_FEATURES_INCOMPATIBLE | RBD_FEATURE_EXCLUSIVE_LOCK | RBD_FEATURE_OBJECT_MAP
                                | RBD_FEATURE_FAST_DIFF | RBD_FEATURE_DEEP_FLATTEN | RBD_FEATURE_JOURNALING
                                | RBD_FEATURE_OPERATIONS | RBD_FEATURE_MIGRATING | RBD_FEATURE_NON_PRIMARY)
RBD_FEATURES_SINGLE_CLIENT = (RBD_FEATURE_EXCLUSIVE_LOCK | RBD_FEATURE_OBJECT_MAP | RBD_FEATURE_FAST_DIFF
                              | RBD_FEATURE_JOURNALING | RBD_FEATURE_DIRTY_CACHE)
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
