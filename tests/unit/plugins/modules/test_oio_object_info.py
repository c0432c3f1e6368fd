# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""oio_object_info's main() on an in-memory container: a listing, one object, an absent one, an absent container."""

from __future__ import annotations

from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.exceptions import NoSuchContainer, NoSuchObject
from ansible_collections.datacenter.storage.plugins.modules import oio_object_info
from ansible_collections.datacenter.storage.tests.unit.plugins.modules.utils import run_module

CONNECTION = {"namespace": "NS", "account": "acct", "endpoint": "http://127.0.0.1:1"}
OBJECTS = {"a.txt": {"name": "a.txt", "size": "5", "hash": "abc", "version": "7", "deleted": "False", "ns": "NS",
                     "mime_type": "text/plain", "properties": {"k": "v"}}}


class FakeContainer:
    def __init__(self, objects=None):
        self.objects = objects

    def object_list_all(self, account, container, prefix=None, versions=False, properties=False):
        if self.objects is None:
            raise NoSuchContainer("no container")
        return [dict(o) for name, o in sorted(self.objects.items()) if name.startswith(prefix or "")]

    def object_get_properties(self, account, container, name, version=None):
        if self.objects is None:
            raise NoSuchContainer("no container")
        if name not in self.objects:
            raise NoSuchObject("no object")
        return dict(self.objects[name])


def run(client, **args):
    return run_module(oio_object_info, dict(CONNECTION, container="c", **args), client)


def test_listing_and_one_object_normalised():
    listing = run(FakeContainer(OBJECTS)).result
    assert not listing["changed"] and [o["name"] for o in listing["objects"]] == ["a.txt"]
    assert listing["objects"][0]["size"] == 5 and listing["objects"][0]["hash"] == "ABC"
    one = run(FakeContainer(OBJECTS), name="a.txt").result
    assert one["exists"] and one["object"]["version"] == 7 and one["object"]["deleted"] is False
    assert "ns" not in one["object"] and one["object"]["properties"] == {"k": "v"}


def test_absent_object_is_empty_and_absent_container_fails():
    absent = run(FakeContainer(OBJECTS), name="b").result
    assert not absent["exists"] and absent["object"] == {}
    failed = run(FakeContainer(None), name="b")
    assert failed.failed and "container acct/c does not exist" in failed.result["msg"]
