# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""xenstore_info's main() on an in-memory XenStore: a node, its tree cut at a depth, an absent node, bad input."""

from __future__ import annotations

from ansible_collections.datacenter.storage.plugins.module_utils.xenstore import Perm
from ansible_collections.datacenter.storage.plugins.module_utils.xenstore.client import Node
from ansible_collections.datacenter.storage.plugins.modules import xenstore_info
from ansible_collections.datacenter.storage.tests.unit.plugins.modules.utils import run_module

PERMS = [Perm(0, "none"), Perm(5, "read")]


class FakeXenStore:
    """The reads xenstore_info makes, on ``{path: value}`` (each node with PERMS)."""

    def __init__(self, nodes):
        self.nodes = nodes

    def _children(self, path):
        prefix = path.rstrip("/") + "/"
        return sorted({p[len(prefix):].split("/")[0] for p in self.nodes if p.startswith(prefix)})

    def stat_many(self, paths):
        return [(self.nodes[p], PERMS) if p in self.nodes else None for p in paths]

    def walk(self, top, depth=None):
        def visit(path, level):
            yield Node(path, self.nodes[path], self._children(path))
            if depth is None or level < depth:
                for child in self._children(path):
                    yield from visit(path.rstrip("/") + "/" + child, level + 1)
        yield from visit(top, 0)


STORE = {"/vm": b"", "/vm/a": b"1", "/vm/a/x": b"deep", "/vm/b": b"2"}


def test_a_node_its_children_and_permissions():
    result = run_module(xenstore_info, {"path": "/vm"}, FakeXenStore(STORE)).result
    assert not result["changed"] and result["exists"] and result["value"] == ""
    assert result["children"] == ["a", "b"] and "tree" not in result
    assert result["permissions"]["owner"] == 0


def test_a_tree_cut_at_a_depth_says_where():
    result = run_module(xenstore_info, {"path": "/vm", "depth": 1}, FakeXenStore(STORE)).result
    assert result["tree"] == {"a": {"value": "1", "children": None}, "b": {"value": "2", "children": {}}}
    full = run_module(xenstore_info, {"path": "/vm", "depth": -1}, FakeXenStore(STORE)).result
    assert full["tree"]["a"]["children"] == {"x": {"value": "deep", "children": {}}}


def test_absent_node_and_bad_input():
    result = run_module(xenstore_info, {"path": "/nope", "depth": 2}, FakeXenStore(STORE)).result
    assert not result["exists"] and result["tree"] == {} and result["value"] is None
    failed = run_module(xenstore_info, {"path": "/a//b"}, FakeXenStore(STORE))
    assert failed.failed and "path='/a//b'" in failed.result["msg"]
    failed = run_module(xenstore_info, {"path": "/vm", "depth": -2}, FakeXenStore(STORE))
    assert failed.failed and "depth=-2" in failed.result["msg"]
