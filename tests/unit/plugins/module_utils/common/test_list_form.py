# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The single and list forms' argument spec, and an item's options taken from the task."""

from __future__ import annotations

from ansible_collections.datacenter.storage.plugins.module_utils.common.list_form import inherited, list_form_spec

SHARED = dict(state=(dict(type="str", choices=["present", "absent"]), "present"), size=(dict(type="int"), None))


def test_the_task_has_the_defaults_and_an_item_none():
    spec = list_form_spec(SHARED, dict(name=dict(type="str")), "things", item_required=("name",),
                          mutually_exclusive=[("size", "state")])
    assert spec["state"] == dict(type="str", choices=["present", "absent"], default="present")
    assert spec["size"] == dict(type="int")
    assert spec["name"] == dict(type="str")
    assert spec["things"] == dict(type="list", elements="dict", mutually_exclusive=[("size", "state")], options=dict(
        state=dict(type="str", choices=["present", "absent"]), size=dict(type="int"),
        name=dict(type="str", required=True)))


def test_the_tables_are_not_changed():
    own = dict(name=dict(type="str"))
    spec = list_form_spec(SHARED, own, "things", item_required=("name",))
    spec["name"]["type"] = "raw"
    spec["things"]["options"]["state"]["choices"] = None
    assert own == dict(name=dict(type="str"))
    assert SHARED["state"][0] == dict(type="str", choices=["present", "absent"])


def test_an_item_takes_what_it_does_not_set_from_the_task():
    params = dict(state="present", size=10, name=None)
    assert inherited(params, dict(name="a", state=None, size=None), SHARED) == dict(state="present", size=10)
    assert inherited(params, dict(name="a", state="absent", size=0), SHARED) == dict(state="absent", size=0)
    assert inherited(params, dict(name="a"), SHARED) == dict(state="present", size=10)
