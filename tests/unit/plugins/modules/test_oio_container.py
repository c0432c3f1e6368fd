# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""oio_container's main() on an in-memory account: single and list forms, check mode, diff, failures."""

from __future__ import annotations

from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.exceptions import ContainerNotEmpty, NoSuchContainer
from ansible_collections.datacenter.storage.plugins.modules import oio_container
from ansible_collections.datacenter.storage.tests.unit.plugins.modules.utils import run_module

CONNECTION = {"namespace": "NS", "account": "acct", "endpoint": "http://127.0.0.1:1"}


class FakeAccount:
    """The container calls oio_container makes, on a dict ``name -> {properties, system}``."""

    def __init__(self, **containers):
        self.containers = containers
        self.calls = []

    def container_get_properties(self, account, name):
        if name not in self.containers:
            raise NoSuchContainer("no container %s" % name)
        return self.containers[name]

    def container_create(self, account, name, properties, system):
        self.calls.append(("create", name))
        self.containers[name] = {"properties": dict(properties), "system": dict(system)}

    def container_set_properties(self, account, name, properties, system):
        self.calls.append(("set", name))
        self.containers[name]["properties"].update(properties)
        self.containers[name]["system"].update(system)

    def container_del_properties(self, account, name, keys):
        for key in keys:
            del self.containers[name]["properties"][key]

    def container_flush(self, account, name):
        self.containers[name]["system"]["sys.m2.objects"] = "0"

    def container_delete(self, account, name):
        if self.containers[name]["system"].get("sys.m2.objects", "0") != "0":
            raise ContainerNotEmpty("not empty")
        self.calls.append(("delete", name))
        del self.containers[name]


def run(client, check_mode=False, diff=False, **args):
    return run_module(oio_container, dict(CONNECTION, **args), client, check_mode=check_mode, diff=diff)


def test_create_then_nothing_to_do():
    account = FakeAccount()
    first = run(account, diff=True, name="c", policy="EC", properties={"k": "v"})
    assert first.result["changed"] and first.result["container"]["policy"] == "EC"
    assert first.result["diff"]["before"] == {"c": {}} and first.result["diff"]["after"]["c"]["properties"] == {"k": "v"}
    second = run(account, name="c", policy="EC", properties={"k": "v"})
    assert not second.result["changed"] and second.result["container"] == first.result["container"]


def test_list_form_one_task_per_item_results_in_order():
    account = FakeAccount(old={"properties": {}, "system": {"sys.m2.objects": "2"}}, same={"properties": {}, "system": {}})
    result = run(account, policy="EC", containers=[{"name": "new"}, {"name": "same", "policy": None},
                                                   {"name": "old", "state": "absent", "force": True}]).result
    assert [(c["name"], c["changed"]) for c in result["containers"]] == [("new", True), ("same", True), ("old", True)]
    assert result["changed"] and result["containers"][2]["container"] == {}
    assert set(account.containers) == {"new", "same"} and account.containers["same"]["system"]["sys.m2.policy.storage"] == "EC"
    again = run(account, policy="EC", containers=[{"name": "new"}, {"name": "same"}]).result
    assert not again["changed"] and not any(c["changed"] for c in again["containers"])


def test_check_mode_predicts_and_calls_nothing():
    account = FakeAccount(c={"properties": {"a": "1"}, "system": {}})
    result = run(account, check_mode=True, containers=[{"name": "c", "properties": {}, "purge_properties": True},
                                                       {"name": "d"}]).result
    assert [c["changed"] for c in result["containers"]] == [True, True]
    assert account.calls == [] and account.containers["c"]["properties"] == {"a": "1"}


def test_a_bad_item_fails_before_any_change():
    account = FakeAccount()
    done = run(account, containers=[{"name": "a"}, {"name": "b", "quota": "lots"}])
    assert done.failed and done.result["msg"].startswith("containers[1].quota='lots'")
    assert account.calls == []


def test_non_empty_container_without_force_fails_and_says_why():
    account = FakeAccount(c={"properties": {}, "system": {"sys.m2.objects": "3"}})
    done = run(account, name="c", state="absent")
    assert done.failed and "not empty" in done.result["msg"] and "force=true" in done.result["msg"]


def test_a_container_named_twice_fails_naming_the_item():
    account = FakeAccount()
    failed = run(account, containers=[{"name": "a"}, {"name": "b"}, {"name": "a", "state": "absent"}])
    assert failed.failed and "containers[2].name='a'" in failed.result["msg"] and "containers[0]" in failed.result["msg"]
    assert account.calls == []
