# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.common.errors import ParamError
from ansible_collections.datacenter.storage.plugins.module_utils.common.xenstore_plan import items, plan, tree, validate
from ansible_collections.datacenter.storage.plugins.module_utils.xenstore import Perm
from ansible_collections.datacenter.storage.plugins.module_utils.xenstore.client import Node

DEFAULTS = {"path": None, "value": None, "state": "present", "permissions": None, "keys": None}


def params(**values):
    return dict(DEFAULTS, **values)


class Recorder:
    """A transaction whose batch records the queued operations."""

    def __init__(self):
        self.ops = []

    def batch(self):
        return self

    def write(self, path, value):
        self.ops.append(("write", path, value))

    def set_perms(self, path, perms):
        self.ops.append(("set_perms", path, perms))

    def rm(self, path):
        self.ops.append(("rm", path))

    def run(self):
        self.ops.append(("run",))


def test_keys_as_dict_json_and_list_give_the_same_items():
    for keys in ({"/a": "1", "/b": 2}, '{"/a": "1", "/b": 2}'):
        got = items(params(keys=keys))
        assert [(i.name, i.path, i.value) for i in got] == [("keys['/a'].", "/a", b"1"), ("keys['/b'].", "/b", b"2")]
    got = items(params(keys=[{"path": "/a", "state": "absent"}]))
    assert (got[0].name, got[0].state) == ("keys[0].", "absent")


@pytest.mark.parametrize("keys, name", [
    ("not json", "keys"), ([], "keys"), ([{"value": "x"}], "keys[0]"), ([{"path": "/a", "value": [1]}], "keys[0].value"),
    ([{"path": "/a", "state": "gone"}], "keys[0].state"), ([{"path": "/a", "permissions": {"others": "read"}}], "keys[0].permissions"),
])
def test_bad_keys_name_the_parameter(keys, name):
    with pytest.raises(ParamError) as info:
        items(params(keys=keys))
    assert info.value.name == name


def test_validate_refuses_duplicates_bad_paths_and_owners():
    for keys, name in (([{"path": "/a"}, {"path": "/a"}], "keys[1].path"), ([{"path": "/a b"}], "keys[0].path"),
                       ([{"path": "/a", "permissions": {"owner": -1}}], "keys[0].permissions.owner")):
        with pytest.raises(ParamError) as info:
            validate(items(params(keys=keys)))
        assert info.value.name == name


def test_plan_queues_only_the_differences():
    keys = items(params(keys=[{"path": "/same", "value": "v"}, {"path": "/new", "value": "n"},
                              {"path": "/gone", "state": "absent"},
                              {"path": "/perm", "permissions": {"owner": 0, "others": "read"}}]))
    validate(keys)
    none = [Perm(0, "none")]
    tx = Recorder()
    results = plan(keys, [(b"v", none), None, (b"x", none), (b"p", none)], False, tx)
    assert tx.ops == [("write", "/new", b"n"), ("rm", "/gone"), ("set_perms", "/perm", [Perm(0, "read")]), ("run",)]
    same, new, gone, perm = [(before, after) for _item, before, after in results]
    assert same[0] == same[1]
    assert new == ({}, {"value": "n"})
    assert gone[1] == {}
    assert perm[1]["permissions"] == {"owner": 0, "others": "read", "domains": {}} and perm[1]["value"] == "p"


def test_plan_in_check_mode_runs_nothing():
    keys = items(params(path="/a", value="v"))
    validate(keys)
    tx = Recorder()
    plan(keys, [None], True, tx)
    assert ("run",) not in tx.ops


def test_tree_nests_and_marks_the_cut_levels():
    nodes = [Node("/t", b"", ["a"]), Node("/t/a", b"1", ["b"]), Node("/t/a/b", b"2", [])]
    assert tree(nodes, "/t", -1) == {"a": {"value": "1", "children": {"b": {"value": "2", "children": {}}}}}
    assert tree(nodes[:2], "/t", 1) == {"a": {"value": "1", "children": None}}
