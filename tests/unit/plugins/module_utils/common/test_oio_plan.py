# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.common.errors import ParamError
from ansible_collections.datacenter.storage.plugins.module_utils.common.oio_plan import (
    container_updates, describe_container, describe_object, normalise_object, plan_container)

ITEM = dict(name="c", state="present", force=False, properties=None, purge_properties=False, policy=None,
            max_versions=None, quota=None)
STORED = {"properties": {"a": "1", "b": "2"},
          "system": {"sys.m2.policy.storage": "EC", "sys.m2.policy.version": "3", "sys.m2.quota": "0",
                     "sys.m2.objects": "4", "sys.m2.usage": "100"}}


def item(**values):
    return dict(ITEM, **values)


def test_describe_container_reads_the_system_properties():
    assert describe_container("acct", "c", STORED) == {
        "name": "c", "account": "acct", "properties": {"a": "1", "b": "2"}, "policy": "EC", "max_versions": 3,
        "quota": None, "objects": 4, "bytes": 100}


def test_a_new_container_gets_what_is_asked():
    after = plan_container("acct", item(properties={"x": 1}, policy="EC", max_versions=0, quota="1K"), {})
    assert after == dict(describe_container("acct", "c", {}), properties={"x": "1"}, policy="EC", max_versions=0,
                         quota=1024)


def test_unmanaged_settings_are_kept_and_purge_drops_properties():
    before = describe_container("acct", "c", STORED)
    assert plan_container("acct", item(), before) == before
    after = plan_container("acct", item(properties={"b": "3"}, purge_properties=True, quota=0), before)
    assert after["properties"] == {"b": "3"} and after["quota"] is None and after["policy"] == "EC"
    assert container_updates(before, after) == ({"b": "3"}, ["a"], {})
    after = plan_container("acct", item(max_versions=-1, quota="2K"), before)
    assert container_updates(before, after) == ({}, [], {"sys.m2.policy.version": "-1", "sys.m2.quota": "2048"})


def test_absent_is_empty_and_bad_values_name_the_item_option():
    assert plan_container("acct", item(state="absent"), describe_container("acct", "c", STORED)) == {}
    with pytest.raises(ParamError) as info:
        plan_container("acct", item(quota="lots"), {}, "containers[2].")
    assert info.value.name == "containers[2].quota"
    with pytest.raises(ParamError):
        plan_container("acct", item(name=""), {})


def test_objects_are_normalised_once():
    meta = {"name": "o", "length": "5", "hash": "abc", "version": "7", "deleted": "False", "mtime": "12"}
    assert normalise_object(meta) == dict(meta, length=5, hash="ABC", version=7, deleted=False, mtime=12)
    assert describe_object(meta) == {"name": "o", "size": 5, "hash": "ABC", "policy": None, "mime_type": None,
                                     "version": 7, "properties": {}}
