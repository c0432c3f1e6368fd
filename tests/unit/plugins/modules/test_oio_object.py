# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""oio_object's main() on in-memory containers: the single form and the objects list, check mode, diff, failures."""

from __future__ import annotations

import hashlib

from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.exceptions import NoSuchContainer, NoSuchObject
from ansible_collections.datacenter.storage.plugins.modules import oio_object
from ansible_collections.datacenter.storage.tests.unit.plugins.modules.utils import run_module

CONNECTION = {"namespace": "NS", "account": "acct", "endpoint": "http://127.0.0.1:1"}


class FakeContainers:
    """The object calls oio_object makes, on ``{container: {object name: metadata}}``."""

    def __init__(self, *names):
        self.containers = {name: {} for name in names}
        self.calls = []

    def _container(self, name):
        if name not in self.containers:
            raise NoSuchContainer("no container %s" % name)
        return self.containers[name]

    def container_get_properties(self, account, container):
        self._container(container)
        return {"properties": {}, "system": {}}

    def object_get_properties(self, account, container, name):
        objects = self._container(container)
        if name not in objects:
            raise NoSuchObject("no object %s" % name)
        return dict(objects[name], properties=dict(objects[name]["properties"]))

    def object_list_all(self, account, container, prefix=None, properties=False):
        return [dict(meta) for name, meta in sorted(self._container(container).items()) if name.startswith(prefix or "")]

    def object_create_ext(self, account, container, file_or_path=None, data=None, obj_name=None, policy=None,
                          mime_type=None, properties=None):
        if file_or_path is not None:
            with open(file_or_path, "rb") as handle:
                data = handle.read()
        self.calls.append(("create", container, obj_name))
        self._container(container)[obj_name] = {
            "name": obj_name, "size": len(data), "hash": hashlib.md5(data).hexdigest().upper(), "policy": policy or "SINGLE",
            "mime_type": mime_type or "application/octet-stream", "version": len(self.calls), "properties": dict(properties or {})}

    def object_set_properties(self, account, container, name, properties):
        self.calls.append(("set", container, name))
        self._container(container)[name]["properties"].update(properties)

    def object_del_properties(self, account, container, name, keys):
        for key in keys:
            del self._container(container)[name]["properties"][key]

    def object_delete(self, account, container, name):
        self.calls.append(("delete", container, name))
        del self._container(container)[name]

    def object_delete_many(self, account, container, names):
        for name in names:
            self.object_delete(account, container, name)
        return [(name, True) for name in names]


def run(client, check_mode=False, diff=False, **args):
    return run_module(oio_object, dict(CONNECTION, **args), client, check_mode=check_mode, diff=diff)


OBJECTS = [{"name": "a", "content": "alpha"}, {"container": "other", "name": "b", "content": "beta", "properties": {"k": 1}}]


def test_objects_in_two_containers_then_nothing_to_do():
    client = FakeContainers("main", "other")
    first = run(client, diff=True, container="main", mime_type="text/plain", objects=OBJECTS)
    assert first.result["changed"]
    assert [(o["container"], o["name"], o["action"], o["changed"]) for o in first.result["objects"]] == [
        ("main", "a", "uploaded", True), ("other", "b", "uploaded", True)]
    assert first.result["diff"]["before"] == {"main/a": {}, "other/b": {}}
    assert first.result["objects"][1]["object"]["properties"] == {"k": "1"}
    assert first.result["objects"][0]["object"]["mime_type"] == "text/plain"
    second = run(client, diff=True, container="main", mime_type="text/plain", objects=OBJECTS)
    assert not second.result["changed"]
    assert [o["action"] for o in second.result["objects"]] == ["unchanged", "unchanged"]
    assert second.result["diff"]["before"] == second.result["diff"]["after"]


def test_check_mode_predicts_and_changes_nothing():
    client = FakeContainers("main", "other")
    result = run(client, check_mode=True, container="main", objects=OBJECTS).result
    assert result["changed"] and [o["changed"] for o in result["objects"]] == [True, True]
    assert client.calls == [] and client.containers == {"main": {}, "other": {}}


def test_absent_items_and_a_prefix():
    client = FakeContainers("main")
    run(client, container="main", objects=[{"name": "x/1", "content": "1"}, {"name": "x/2", "content": "2"},
                                           {"name": "y", "content": "3"}])
    result = run(client, container="main", state="absent", objects=[{"prefix": "x/"}, {"name": "y"}, {"name": "z"}]).result
    assert [o["action"] for o in result["objects"]] == ["tree", "deleted", "absent"]
    assert [o["name"] for o in result["objects"][0]["objects"]] == ["x/1", "x/2"]
    assert client.containers == {"main": {}}


def test_a_bad_item_fails_before_anything_changes():
    client = FakeContainers("main")
    items = [{"name": "a", "content": "1"}, {"container": "nope", "name": "b", "content": "2"}]
    failed = run(client, container="main", objects=items)
    assert failed.failed and "objects[1].container='nope'" in failed.result["msg"]
    assert client.calls == []
    failed = run(client, container="main", objects=[{"name": "a", "content": "1"}, {"name": "a", "content": "2"}])
    assert failed.failed and "objects[1].name='a'" in failed.result["msg"] and "objects[0]" in failed.result["msg"]
    failed = run(client, objects=[{"name": "a", "content": "1"}])
    assert failed.failed and "objects[0].container=None" in failed.result["msg"]
    failed = run(client, container="main", objects=[{"name": "missing"}])
    assert failed.failed and "objects[0].name='missing'" in failed.result["msg"] and "does not exist" in failed.result["msg"]


def test_single_form_keys_the_diff_by_container_and_name():
    client = FakeContainers("main")
    result = run(client, diff=True, container="main", name="n", content="data").result
    assert result["changed"] and result["object"]["size"] == 4 and result["diff"]["before"] == {"main/n": {}}
    failed = run(client, name="n", content="data")
    assert failed.failed and "container=None" in failed.result["msg"]


def test_a_tree_is_uploaded_in_parallel_in_order_then_nothing_to_do(tmp_path):
    for index in range(12):
        (tmp_path / ("d%d" % (index % 3))).mkdir(exist_ok=True)
        (tmp_path / ("d%d" % (index % 3)) / ("f%02d" % index)).write_text("file %d" % index)
    names = sorted("t/d%d/f%02d" % (i % 3, i) for i in range(12))
    client = FakeContainers("main")
    predicted = run(client, check_mode=True, container="main", src=str(tmp_path), prefix="t/").result
    assert predicted["changed"] and client.calls == []
    first = run(client, container="main", src=str(tmp_path), prefix="t/").result
    assert [o["name"] for o in first["objects"]] == names and {o["action"] for o in first["objects"]} == {"uploaded"}
    assert sorted(c[2] for c in client.calls) == names and sorted(client.containers["main"]) == names
    assert [o["hash"] for o in first["objects"]] == [client.containers["main"][n]["hash"] for n in names]
    assert not run(client, container="main", src=str(tmp_path), prefix="t/").result["changed"]


def test_a_failed_upload_in_a_tree_fails_cleanly(tmp_path):
    (tmp_path / "a").write_text("a")
    (tmp_path / "b").write_text("b")
    client = FakeContainers("main")

    def refuse(*args, **kwargs):
        raise NoSuchContainer("no container main")

    client.object_create_ext = refuse
    failed = run(client, container="main", src=str(tmp_path))
    assert failed.failed and "does not exist" in failed.result["msg"]
