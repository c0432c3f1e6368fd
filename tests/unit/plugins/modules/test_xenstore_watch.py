# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""xenstore_watch's main() on a scripted XenStore: a value reached after events, a timeout, bad input."""

from __future__ import annotations

from collections import namedtuple
from contextlib import contextmanager

from ansible_collections.datacenter.storage.plugins.modules import xenstore_watch
from ansible_collections.datacenter.storage.tests.unit.plugins.modules.utils import run_module

Event = namedtuple("Event", "path token")


class ScriptedXenStore:
    """Each watch event (the watch's initial one first) applies the next of ``changes`` (a value, None: removed)."""

    def __init__(self, value, changes):
        self.value, self.changes, self.watched = value, list(changes), None

    @contextmanager
    def monitor(self):
        yield self

    def watch(self, path):
        self.watched = path

    def next_event(self, timeout):
        if not self.changes:
            return None
        self.value = self.changes.pop(0)
        return Event(self.watched, "")

    def read_many(self, paths, default=None):
        return [default if self.value is None else self.value for _path in paths]


def test_waits_through_events_until_the_value():
    store = ScriptedXenStore(b"1", [b"1", None, b"3", b"4"])
    result = run_module(xenstore_watch, {"path": "/vm/state", "value": "4", "wait_timeout": 5}, store).result
    assert not result["changed"] and result["value"] == "4" and result["exists"]
    assert result["events"] == ["/vm/state"] * 3


def test_a_timeout_fails_with_what_was_seen():
    store = ScriptedXenStore(b"1", [b"1", b"2"])
    failed = run_module(xenstore_watch, {"path": "/vm/state", "value": "4", "wait_timeout": 0.2}, store)
    assert failed.failed and "timed out" in failed.result["msg"] and failed.result["value"] == "2"
    # The message names what was waited for, and how long: the options a user would change.
    assert "wait_timeout" in failed.result["msg"] and "path=/vm/state" in failed.result["msg"]
    assert "value='4'" in failed.result["msg"]


def test_absent_is_reached_and_bad_input_fails():
    result = run_module(xenstore_watch, {"path": "/vm/x", "state": "absent", "wait_timeout": 1},
                        ScriptedXenStore(None, [None])).result
    assert not result["exists"]
    failed = run_module(xenstore_watch, {"path": "/vm/x", "state": "absent", "value": "1"}, ScriptedXenStore(None, []))
    assert failed.failed and "value='1'" in failed.result["msg"]
