#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.datacenter.storage.plugins.module_utils.common.checks import max_bytes, not_empty
from ansible_collections.datacenter.storage.plugins.module_utils.common.errors import ParamError
from ansible_collections.datacenter.storage.plugins.module_utils.common.list_form import STATE, inherited, key_values, list_form_spec
from ansible_collections.datacenter.storage.plugins.module_utils.common.module import StorageModule
from ansible_collections.datacenter.storage.plugins.module_utils.common.oio import BACKEND, NAME_LIMITS
from ansible_collections.datacenter.storage.plugins.module_utils.common.oio_plan import (
    SYSTEM_KEYS, container_updates, describe_container, plan_container)
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.exceptions import ContainerNotEmpty, NoSuchContainer

CONTAINER_OPTIONS = dict(
    state=STATE,
    force=(dict(type="bool"), False),
    **key_values("properties"),
    policy=(dict(type="str"), None),
    max_versions=(dict(type="int"), None),
    quota=(dict(type="str"), None),
)


def _items(params):
    """``(item, label)`` for each container: the top-level one, or each of ``containers`` with top-level defaults."""
    if params["containers"] is None:
        return [(dict((key, params[key]) for key in list(CONTAINER_OPTIONS) + ["name"]), "")]
    items, seen = [], {}
    for index, item in enumerate(params["containers"]):
        if item["name"] in seen:
            raise ParamError("containers[%d].name" % index, item["name"], "is already containers[%d]" % seen[item["name"]])
        seen[item["name"]] = index
        not_empty(item, "name", label="containers[%d]." % index)
        max_bytes(item, NAME_LIMITS, "containers[%d]." % index)
        items.append((dict(inherited(params, item, CONTAINER_OPTIONS), name=item["name"]), "containers[%d]." % index))
    return items


def apply(module, client, account, item, before, after):
    """Make ``before`` (the container now, ``{}``: absent) into ``after``."""
    name = item["name"]
    if not after:
        if item["force"]:
            client.container_flush(account, name)
        try:
            client.container_delete(account, name)
        except ContainerNotEmpty:
            module.fail("container %s/%s is not empty (%d objects): set force=true to delete its objects first"
                        % (account, name, before["objects"]))
    elif not before:
        system = {SYSTEM_KEYS[k]: str(after[k]) for k in SYSTEM_KEYS if after[k] is not None}
        client.container_create(account, name, properties=after["properties"], system=system)
    else:
        changed, removed, system = container_updates(before, after)
        if changed or system:
            client.container_set_properties(account, name, properties=changed, system=system)
        if removed:  # an empty list asks the service to delete every property
            client.container_del_properties(account, name, removed)


def main():
    argument_spec = list_form_spec(CONTAINER_OPTIONS, dict(name=dict(type="str")), "containers", item_required=("name",))
    module = StorageModule(argument_spec, backend=BACKEND, supports_check_mode=True,
                           mutually_exclusive=[("name", "containers")], required_one_of=[("name", "containers")])
    params = module.params
    account = params["account"]
    results = []
    prefix = "oio_container" if params["containers"] is not None else "oio_container %s" % params["name"]
    with module.handle_errors(prefix):
        items = _items(params)
        for item, label in items:  # every option checked before the backend is asked anything
            plan_container(account, item, {}, label)
    with module.handle_errors(prefix), module.open() as client:
        plans = []
        for item, label in items:
            try:
                before = describe_container(account, item["name"], client.container_get_properties(account, item["name"]))
            except NoSuchContainer:
                before = {}
            plans.append((item, before, plan_container(account, item, before, label)))
        for item, before, after in plans:
            changed = module.tracker.compare(item["name"], before, after)
            if changed and not module.check_mode:
                apply(module, client, account, item, before, after)
                if after:
                    after = describe_container(account, item["name"], client.container_get_properties(account, item["name"]))
            results.append(dict(name=item["name"], changed=changed, container=after))
    if params["containers"] is None:
        module.exit(container=results[0]["container"])
    module.exit(containers=results)


if __name__ == "__main__":
    main()
