#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: xenstore_key
short_description: Manage XenStore keys, their values and permissions
version_added: 0.1.0
description:
  - Creates, updates or removes XenStore nodes and sets their permissions.
  - One key with O(path), or many with O(keys), applied atomically in one XenStore transaction that is re-run
    when it conflicts with another writer (EAGAIN).
  - Nothing is written when any input is invalid.
options:
  path:
    description:
      - The node, absolute (C(/local/domain/3/data/x)) or relative to the connecting domain's home.
      - Letters, digits and C(-_@) separated by single slashes.
      - Mutually exclusive with O(keys).
    type: str
  value:
    description:
      - The value to set. When omitted, an existing node keeps its value and a missing one is created empty.
      - Only with O(path).
    type: str
  state:
    description:
      - V(present) makes sure the node exists (with O(value) and O(permissions) when given);
        V(absent) removes it and everything below it.
      - With O(keys), the default for entries that do not set their own.
    type: str
    choices: [present, absent]
    default: present
  permissions:
    description:
      - The node's permissions, all of them (entries not listed are removed).
      - With O(keys), the default for entries that do not set their own.
      - When omitted, existing permissions are left alone.
    type: dict
    suboptions:
      owner:
        description: The domain that owns the node (it has full access).
        type: int
        required: true
      others:
        description: What every domain not listed in O(permissions.domains) may do.
        type: str
        choices: [none, read, write, both]
        default: none
      domains:
        description:
          - "Access per domain id, for example C({5: read, 7: both}); values are V(none), V(read), V(write) or V(both)."
          - Each domain must be known to xenstored.
        type: dict
        default: {}
  keys:
    description:
      - Many keys at once, in one transaction.
      - "A dict of C(path: value), where the value may also be a dict with C(value), C(state) and C(permissions);
        or a list of dicts with C(path) and optionally C(value), C(state) and C(permissions)."
      - Mutually exclusive with O(path).
    type: raw
extends_documentation_fragment:
  - datacenter.storage.xenstore
  - datacenter.storage.attributes
"""

EXAMPLES = r"""
- name: Set a key readable by domain 5
  datacenter.storage.xenstore_key:
    path: /local/domain/5/data/config
    value: "enabled"
    permissions:
      owner: 0
      domains:
        5: read

- name: Set many keys in one transaction
  datacenter.storage.xenstore_key:
    keys:
      /vm/web/name: web
      /vm/web/memory: "2048"
      /vm/old:
        state: absent

- name: Remove a subtree
  datacenter.storage.xenstore_key:
    path: /tool/myapp
    state: absent
"""

RETURN = r"""
path:
  description: The node (with O(path)).
  returned: when O(path) is used
  type: str
  sample: /local/domain/5/data/config
exists:
  description: Whether the node exists after the task (with O(path)).
  returned: when O(path) is used
  type: bool
value:
  description: The node's value after the task, null if it does not exist (with O(path)).
  returned: when O(path) is used
  type: str
permissions:
  description: The node's permissions after the task (with O(path)), as C(owner), C(others) and C(domains).
  returned: when O(path) is used and the node exists
  type: dict
  sample: {"owner": 0, "others": "none", "domains": {"5": "read"}}
keys:
  description: One entry per key of O(keys), in order.
  returned: when O(keys) is used
  type: list
  elements: dict
  contains:
    path:
      description: The node.
      type: str
    changed:
      description: Whether this key was (or in check mode, would be) changed.
      type: bool
    exists:
      description: Whether the node exists after the task.
      type: bool
    value:
      description: The value after the task.
      type: str
    permissions:
      description: The permissions after the task, when known.
      type: dict
"""

from ansible_collections.datacenter.storage.plugins.module_utils.common.module import StorageModule
from ansible_collections.datacenter.storage.plugins.module_utils.common.xenstore import (
    BACKEND, PERMISSIONS_SPEC, unknown_domains)
from ansible_collections.datacenter.storage.plugins.module_utils.common.xenstore_plan import items, plan, validate


def main():
    module = StorageModule(
        argument_spec=dict(
            path=dict(type="str"),
            value=dict(type="str"),
            state=dict(type="str", default="present", choices=["present", "absent"]),
            permissions=dict(type="dict", options=PERMISSIONS_SPEC),
            keys=dict(type="raw", no_log=False),
        ),
        backend=BACKEND,
        binary=("value",),
        mutually_exclusive=[("path", "keys"), ("value", "keys")],
        required_one_of=[("path", "keys")],
        supports_check_mode=True,
    )
    with module.handle_errors("xenstore_key"):
        keys = items(module.params)
        validate(keys)
        with module.open() as client:
            wanted = [d for item in keys if item.permissions is not None for d in [p.domid for p in item.perms]]
            unknown = unknown_domains(client, wanted)
            if unknown:
                bad = next(item for item in keys if item.permissions is not None and {p.domid for p in item.perms} & set(unknown))
                module.fail_param(bad.name + "permissions", bad.permissions,
                                  "domain %s is not known to xenstored" % ", ".join(map(str, unknown)))
            results = client.run_transaction(
                lambda tx: plan(keys, tx.stat_many([i.path for i in keys]), module.check_mode, tx))

    report = []
    for item, before, after in results:
        changed = module.tracker.compare(item.path, before, after)
        entry = {"path": item.path, "changed": changed, "exists": bool(after)}
        entry.update(after or {"value": None})
        report.append(entry)
    if module.params["keys"] is None:
        entry = report[0]
        del entry["changed"]
        module.exit(**entry)
    module.exit(keys=report)


if __name__ == "__main__":
    main()
