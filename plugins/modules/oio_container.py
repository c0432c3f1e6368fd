#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: oio_container
short_description: Manage OpenIO SDS containers
version_added: 1.0.0
description:
  - Create or delete a container of an OpenIO SDS account, and set its properties, storage policy, versioning and quota.
author:
  - datacenter.storage contributors (@datacenter-storage)
options:
  name:
    description: Name of the container.
    type: str
    required: true
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

- name: Delete a container and everything in it
  datacenter.storage.oio_container:
    namespace: OPENIO
    account: my_account
    name: scratch
    state: absent
    force: true
"""

RETURN = r"""
container:
  description: The container as it is after the task (as it would be, in check mode); empty when absent.
  returned: always
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

from ansible_collections.datacenter.storage.plugins.module_utils.common.module import StorageModule  # noqa: E402
from ansible_collections.datacenter.storage.plugins.module_utils.common.oio import (  # noqa: E402
    BACKEND, merged_properties, properties_option,
)
from ansible_collections.datacenter.storage.plugins.module_utils.common.units import parse_size  # noqa: E402
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.exceptions import ContainerNotEmpty, NoSuchContainer  # noqa: E402

SYSTEM_KEYS = {"policy": "sys.m2.policy.storage", "max_versions": "sys.m2.policy.version", "quota": "sys.m2.quota"}


def _int_or_none(value):
    return None if value in (None, "") else int(value)


def describe(account, name, props):
    """The container as the module returns it, from ``container_get_properties``."""
    system = props.get("system", {})
    quota = _int_or_none(system.get(SYSTEM_KEYS["quota"]))
    return {
        "name": name,
        "account": account,
        "properties": dict(props.get("properties", {})),
        "policy": system.get(SYSTEM_KEYS["policy"]) or None,
        "max_versions": _int_or_none(system.get(SYSTEM_KEYS["max_versions"])),
        "quota": quota or None,
        "objects": _int_or_none(system.get("sys.m2.objects")) or 0,
        "bytes": _int_or_none(system.get("sys.m2.usage")) or 0,
    }


def desired_system(params, module):
    """The system settings asked for, as the module returns them (None = not managed)."""
    wanted = {"policy": params["policy"], "max_versions": params["max_versions"], "quota": None}
    if params["quota"] is not None:
        try:
            wanted["quota"] = parse_size(params["quota"])
        except ValueError as exc:
            module.fail_param("quota", params["quota"], str(exc))
    return wanted


def main():
    module = StorageModule(
        dict(
            name=dict(type="str", required=True),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            force=dict(type="bool", default=False),
            properties=dict(type="dict"),
            purge_properties=dict(type="bool", default=False),
            policy=dict(type="str"),
            max_versions=dict(type="int"),
            quota=dict(type="str"),
        ),
        backend=BACKEND, supports_check_mode=True,
    )
    params = module.params
    account, name = params["account"], params["name"]
    if not name or "\0" in name:
        module.fail_param("name", name, "a container name must be a non-empty string without NUL")
    tracker = module.tracker
    with module.handle_errors("container %s/%s" % (account, name)), module.open() as client:
        try:
            before = describe(account, name, client.container_get_properties(account, name))
        except NoSuchContainer:
            before = None

        if params["state"] == "absent":
            if before is not None:
                tracker.mark("container", before, {})
                if not module.check_mode:
                    if params["force"]:
                        client.container_flush(account, name)
                    try:
                        client.container_delete(account, name)
                    except ContainerNotEmpty:
                        module.fail("container %s/%s is not empty (%d objects): set force=true to delete its objects first"
                                    % (account, name, before["objects"]))
            module.exit(container={})

        wanted_props = properties_option(params["properties"])
        wanted_system = desired_system(params, module)
        if before is None:
            after = describe(account, name, {})
            after["properties"] = wanted_props
            after.update((k, v) for k, v in wanted_system.items() if v)
            if params["max_versions"] is not None:
                after["max_versions"] = params["max_versions"]
            tracker.mark("container", None, after)
            if not module.check_mode:
                system = {SYSTEM_KEYS[k]: str(v) for k, v in wanted_system.items() if v is not None}
                client.container_create(account, name, properties=wanted_props, system=system)
                after = describe(account, name, client.container_get_properties(account, name))
            module.exit(container=after)

        after = dict(before)
        if params["properties"] is not None or params["purge_properties"]:
            after["properties"] = merged_properties(before["properties"], wanted_props, params["purge_properties"])
        for key, value in wanted_system.items():
            if value is not None:
                after[key] = value or None
        if tracker.compare("container", before, after) and not module.check_mode:
            removed = [k for k in before["properties"] if k not in after["properties"]]
            changed = {k: v for k, v in after["properties"].items() if before["properties"].get(k) != v}
            system = {SYSTEM_KEYS[k]: "" if after[k] is None else str(after[k]) for k in SYSTEM_KEYS if after[k] != before[k]}
            if system and SYSTEM_KEYS["quota"] in system and not system[SYSTEM_KEYS["quota"]]:
                system[SYSTEM_KEYS["quota"]] = "0"
            if changed or system:
                client.container_set_properties(account, name, properties=changed, system=system)
            if removed:  # an empty list asks the service to delete every property
                client.container_del_properties(account, name, removed)
            after = describe(account, name, client.container_get_properties(account, name))
        module.exit(container=after)


if __name__ == "__main__":
    main()
