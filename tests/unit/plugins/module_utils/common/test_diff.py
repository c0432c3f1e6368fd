# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.datacenter.storage.plugins.module_utils.common.diff import ChangeTracker


def test_equal_fields_are_recorded_but_not_changed():
    tracker = ChangeTracker()
    assert tracker.compare("size", 10, 10) is False
    assert not tracker.changed
    assert tracker.diff == {"before": {"size": 10}, "after": {"size": 10}}


def test_one_differing_field_changes_the_whole():
    tracker = ChangeTracker()
    tracker.compare("size", 10, 10)
    assert tracker.compare("features", ["layering"], ["layering", "exclusive-lock"]) is True
    tracker.compare("metadata", {}, {})
    assert tracker.changed
    assert tracker.diff["before"]["features"] == ["layering"]
    assert tracker.diff["after"]["features"] == ["layering", "exclusive-lock"]


def test_mark_records_a_known_change():
    tracker = ChangeTracker()
    tracker.mark("state", "absent", "present")
    assert tracker.changed
    assert tracker.diff == {"before": {"state": "absent"}, "after": {"state": "present"}}
