# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""xenstore_key's main() on an in-memory XenStore: idempotence, check mode, diff and bulk items."""

from __future__ import annotations

from ansible_collections.datacenter.storage.plugins.module_utils.xenstore import Perm
from ansible_collections.datacenter.storage.plugins.modules import xenstore_key
from ansible_collections.datacenter.storage.tests.unit.plugins.modules.utils import run_module


class FakeXenStore:
    """The client calls xenstore_key makes, on a dict ``path -> (value, perms)``."""

    def __init__(self, nodes=None, domains=(0,)):
        self.nodes = dict(nodes or {})
        self.domains = set(domains)

    def is_domain_introduced(self, domid):
        return domid in self.domains

    def run_transaction(self, function):
        return function(self)

    def stat_many(self, paths):
        return [self.nodes.get(path) for path in paths]

    def batch(self):
        return FakeBatch(self)


class FakeBatch:
    def __init__(self, store):
        self.store, self.ops = store, []

    def write(self, path, value):
        self.ops.append(lambda: self.store.nodes.__setitem__(path, (value, self.store.nodes.get(path, (b"", [Perm(0, "none")]))[1])))

    def set_perms(self, path, perms):
        self.ops.append(lambda: self.store.nodes.__setitem__(path, (self.store.nodes[path][0], list(perms))))

    def rm(self, path):
        self.ops.append(lambda: self.store.nodes.pop(path, None))

    def run(self):
        for op in self.ops:
            op()


def test_a_new_key_is_changed_then_not():
    store = FakeXenStore()
    first = run_module(xenstore_key, {"path": "/tool/a", "value": "hello"}, store, diff=True)
    assert not first.failed and first.result["changed"]
    assert first.result["diff"] == {"before": {"/tool/a": {}}, "after": {"/tool/a": {"value": "hello"}}}
    assert store.nodes["/tool/a"][0] == b"hello"
    second = run_module(xenstore_key, {"path": "/tool/a", "value": "hello"}, store)
    assert not second.result["changed"] and second.result["value"] == "hello" and second.result["exists"]


def test_check_mode_predicts_and_changes_nothing():
    store = FakeXenStore({"/tool/a": (b"old", [Perm(0, "none")])})
    result = run_module(xenstore_key, {"path": "/tool/a", "value": "new"}, store, check_mode=True).result
    assert result["changed"] and result["value"] == "new"
    assert store.nodes["/tool/a"][0] == b"old"


def test_absent_removes_and_reports_empty_after():
    store = FakeXenStore({"/tool/a": (b"x", [Perm(0, "none")])})
    result = run_module(xenstore_key, {"path": "/tool/a", "state": "absent"}, store, diff=True).result
    assert result["changed"] and not result["exists"] and result["diff"]["after"] == {"/tool/a": {}}
    assert "/tool/a" not in store.nodes
    assert not run_module(xenstore_key, {"path": "/tool/a", "state": "absent"}, store).result["changed"]


def test_bulk_items_carry_their_own_changed():
    store = FakeXenStore({"/tool/a": (b"1", [Perm(0, "none")])})
    result = run_module(xenstore_key, {"keys": {"/tool/a": "1", "/tool/b": "2"}}, store).result
    assert result["changed"]
    assert [(k["path"], k["changed"], k["value"]) for k in result["keys"]] == [("/tool/a", False, "1"), ("/tool/b", True, "2")]


def test_unknown_domain_fails_naming_the_parameter():
    store = FakeXenStore(domains=(0,))
    done = run_module(xenstore_key, {"path": "/tool/a", "value": "x", "permissions": {"owner": 7}}, store)
    assert done.failed and done.result["msg"].startswith("permissions=") and "7" in done.result["msg"]
    assert store.nodes == {}


def test_bad_item_fails_before_connecting():
    done = run_module(xenstore_key, {"keys": [{"path": "/tool/bad path", "value": "v"}]}, None)
    assert done.failed and done.result["msg"].startswith("keys[0].path=")
