#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: oio_container
short_description: Manage OpenIO SDS containers
version_added: 0.1.0
description:
  - Create or delete a container of an OpenIO SDS account, and set its properties, storage policy, versioning and quota.
  - O(containers) manages many containers in one task, over one connection.
options:
  name:
    description:
      - Name of the container.
      - Exactly one of O(name) and O(containers) is required.
    type: str
  containers:
    description:
      - Several containers, each with its own options; an option an item leaves out takes the top-level value.
      - Every container is compared before any is changed, so a refused item value changes nothing.
    type: list
    elements: dict
    suboptions:
      name:
        description: Name of the container.
        type: str
        required: true
      state:
        description: As O(state).
        type: str
        choices: [present, absent]
      force:
        description: As O(force).
        type: bool
      properties:
        description: As O(properties).
        type: dict
      purge_properties:
        description: As O(purge_properties).
        type: bool
      policy:
        description: As O(policy).
        type: str
      max_versions:
        description: As O(max_versions).
        type: int
      quota:
        description: As O(quota).
        type: str
  state:
    description:
      - V(present) creates the container if needed and applies the other options.
      - V(absent) deletes it.
    type: str
    choices: [present, absent]
    default: present
  force:
    description:
      - With O(state=absent), delete every object (all versions) of a non-empty container first.
      - Without it, deleting a non-empty container fails and changes nothing.
    type: bool
    default: false
  properties:
    description:
      - User properties of the container. Values are stored as strings.
    type: dict
  purge_properties:
    description:
      - Remove the properties not listed in O(properties).
    type: bool
    default: false
  policy:
    description:
      - Storage policy of the container (system property C(sys.m2.policy.storage)), for example C(THREECOPIES) or C(EC).
    type: str
  max_versions:
    description:
      - Versioning policy (C(sys.m2.policy.version)) - C(-1) keeps every version, C(0) disables versioning,
        C(1) keeps only the latest version, N > 1 keeps N versions.
    type: int
  quota:
    description:
      - Maximum bytes stored in the container (C(sys.m2.quota)), as a number of bytes or with a unit such as V(10G).
      - V(0) removes the limit.
    type: str
extends_documentation_fragment:
  - datacenter.storage.oio
  - datacenter.storage.attributes
"""

EXAMPLES = r"""
- name: A versioned container with a replicated policy
  datacenter.storage.oio_container:
    namespace: OPENIO
    account: my_account
    name: backups
    policy: THREECOPIES
    max_versions: 3
    quota: 100G
    properties:
      owner: ops

- name: Three containers in one task (one connection)
  datacenter.storage.oio_container:
    namespace: OPENIO
    account: my_account
    policy: THREECOPIES
    containers:
      - name: logs
        max_versions: 1
      - name: images
        quota: 1T
      - name: old
        state: absent
        force: true

- name: Delete a container and everything in it
  datacenter.storage.oio_container:
    namespace: OPENIO
    account: my_account
    name: scratch
    state: absent
    force: true
"""

RETURN = r"""
containers:
  description: With O(containers), one item per container, in order.
  returned: when O(containers) is given
  type: list
  elements: dict
  contains:
    name:
      description: Container name.
      type: str
    changed:
      description: Whether this container changed (would change, in check mode).
      type: bool
    container:
      description: The container after the task, as RV(container).
      type: dict
  sample: [{name: backups, changed: true, container: {name: backups, account: my_account, properties: {}, policy: null,
            max_versions: null, quota: null, objects: 0, bytes: 0}}]
container:
  description: The container as it is after the task (as it would be, in check mode); empty when absent.
  returned: when O(name) is given
  type: dict
  contains:
    name:
      description: Container name.
      type: str
    account:
      description: Owning account.
      type: str
    properties:
      description: User properties.
      type: dict
    policy:
      description: Storage policy, null when the namespace default applies.
      type: str
    max_versions:
      description: Versioning policy, null when the namespace default applies.
      type: int
    quota:
      description: Quota in bytes, null when unlimited.
      type: int
    objects:
      description: Number of stored object versions.
      type: int
    bytes:
      description: Bytes used by the stored object versions.
      type: int
  sample:
    name: backups
    account: my_account
    properties: {owner: ops}
    policy: THREECOPIES
    max_versions: 3
    quota: 107374182400
    objects: 0
    bytes: 0
"""

from ansible_collections.datacenter.storage.plugins.module_utils.common.checks import max_bytes, not_empty
from ansible_collections.datacenter.storage.plugins.module_utils.common.errors import ParamError
from ansible_collections.datacenter.storage.plugins.module_utils.common.list_form import inherited, list_form_spec
from ansible_collections.datacenter.storage.plugins.module_utils.common.module import StorageModule
from ansible_collections.datacenter.storage.plugins.module_utils.common.oio import BACKEND, NAME_LIMITS
from ansible_collections.datacenter.storage.plugins.module_utils.common.oio_plan import (
    SYSTEM_KEYS, container_updates, describe_container, plan_container)
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.exceptions import ContainerNotEmpty, NoSuchContainer

CONTAINER_OPTIONS = dict(
    state=(dict(type="str", choices=["present", "absent"]), "present"),
    force=(dict(type="bool"), False),
    properties=(dict(type="dict"), None),
    purge_properties=(dict(type="bool"), False),
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
