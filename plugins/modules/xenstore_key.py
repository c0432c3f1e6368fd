#!/usr/bin/python
# -*- coding: utf-8 -*-
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
author:
  - datacenter.storage contributors (@datacenter-storage)
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

import json  # noqa: E402

from ansible_collections.datacenter.storage.plugins.module_utils.common.module import StorageModule  # noqa: E402
from ansible_collections.datacenter.storage.plugins.module_utils.common.xenstore import (  # noqa: E402
    BACKEND, PERMISSIONS_SPEC, perms_from_option,
    perms_to_dict, text, unknown_domains)
from ansible_collections.datacenter.storage.plugins.module_utils.xenstore import PAYLOAD_MAX, XenStoreError, check_path  # noqa: E402

_ITEM_FIELDS = {"path", "value", "state", "permissions"}


class Item:
    """One key as the task wants it; ``name`` is how errors refer to it."""

    def __init__(self, name, path, value, state, permissions):
        self.name, self.path, self.state = name, path, state
        self.value = None if value is None else value.encode("utf-8")
        self.permissions = permissions
        self.perms = self.wanted_perms = None  # Perm list and its normalised dict, set by _validate


def _items(module):
    """The task's keys as Item objects, in order (fails naming the parameter on bad input)."""
    params = module.params
    if params["keys"] is None:
        return [Item("", params["path"], params["value"], params["state"], params["permissions"])]
    keys = params["keys"]
    if isinstance(keys, str):
        try:
            keys = json.loads(keys)
        except ValueError:
            module.fail_param("keys", keys, "must be a dict of path: value or a list of dicts (or their JSON)")
    if isinstance(keys, dict):
        entries = [(k, dict(v, path=k) if isinstance(v, dict) else {"path": k, "value": v}) for k, v in keys.items()]
    elif isinstance(keys, list):
        entries = list(enumerate(keys))
    else:
        module.fail_param("keys", keys, "must be a dict of path: value or a list of dicts")
    if not entries:
        module.fail_param("keys", keys, "is empty")
    items = []
    for index, entry in entries:
        name = "keys[%r]." % (index,)
        if not isinstance(entry, dict) or "path" not in entry or set(entry) - _ITEM_FIELDS:
            module.fail_param("keys[%r]" % (index,), entry, "must be a dict with path and optionally value, state, permissions")
        value = entry.get("value")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if value is not None and not isinstance(value, str):
            module.fail_param(name + "value", value, "must be a string")
        state = entry.get("state", params["state"])
        if state not in ("present", "absent"):
            module.fail_param(name + "state", state, "must be present or absent")
        permissions = entry.get("permissions", params["permissions"])
        if permissions is not None and (not isinstance(permissions, dict) or "owner" not in permissions
                                        or set(permissions) - set(PERMISSIONS_SPEC)):
            module.fail_param(name + "permissions", permissions, "must be a dict with owner and optionally others, domains")
        items.append(Item(name, entry["path"], value, state, permissions))
    return items


def _validate(module, items):
    """Check paths, sizes and permissions before anything is sent; returns the desired Perm lists."""
    seen = set()
    for item in items:
        try:
            check_path(item.path)
        except XenStoreError as exc:
            module.fail_param(item.name + "path", item.path, exc.detail)
        if item.path in seen:
            module.fail_param(item.name + "path", item.path, "is given twice")
        seen.add(item.path)
        if item.value is not None and len(item.path) + 1 + len(item.value) > PAYLOAD_MAX:
            module.fail_param(item.name + "value", "<%d bytes>" % len(item.value),
                              "too long: path, NUL and value must fit in %d bytes" % PAYLOAD_MAX)
        if item.permissions is not None:
            owner = item.permissions.get("owner")
            if not isinstance(owner, int) or isinstance(owner, bool) or owner < 0:
                module.fail_param(item.name + "permissions.owner", owner, "must be a domain id (integer >= 0)")
            try:
                item.wanted_perms, item.perms = perms_from_option(item.permissions)
            except ValueError as exc:
                module.fail_param(item.name + "permissions", item.permissions, str(exc))


def _plan(items, states, check_mode, tx):
    """Compare each item with the node's state; queue the changes on ``tx`` unless in check mode."""
    batch = tx.batch()
    results = []
    for item, state in zip(items, states):
        before = None if state is None else {"value": text(state[0]), "permissions": perms_to_dict(state[1])}
        after = None
        if item.state == "present":
            after = dict(before or {"value": ""})
            value = item.value if item.value is not None else (b"" if state is None else state[0])
            if state is None or value != state[0]:
                batch.write(item.path, value)
                after["value"] = text(value)
            if item.permissions is not None and (before is None or before["permissions"] != item.wanted_perms):
                batch.set_perms(item.path, item.perms)
                after["permissions"] = item.wanted_perms
        elif state is not None:
            batch.rm(item.path)
        results.append((item, before, after))
    if not check_mode:
        batch.run()
    return results


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
        mutually_exclusive=[("path", "keys"), ("value", "keys")],
        required_one_of=[("path", "keys")],
        supports_check_mode=True,
    )
    items = _items(module)
    _validate(module, items)
    with module.handle_errors("xenstore_key"):
        with module.open() as client:
            wanted = [d for item in items if item.permissions is not None for d in [p.domid for p in item.perms]]
            unknown = unknown_domains(client, wanted)
            if unknown:
                bad = next(item for item in items if item.permissions is not None and {p.domid for p in item.perms} & set(unknown))
                module.fail_param(bad.name + "permissions", bad.permissions,
                                  "domain %s is not known to xenstored" % ", ".join(map(str, unknown)))
            results = client.run_transaction(
                lambda tx: _plan(items, tx.stat_many([i.path for i in items]), module.check_mode, tx))

    report = []
    for item, before, after in results:
        changed = module.tracker.compare(item.path, before, after)
        entry = {"path": item.path, "changed": changed, "exists": after is not None}
        entry.update(after or {"value": None})
        report.append(entry)
    if module.params["keys"] is None:
        entry = report[0]
        del entry["changed"]
        module.exit(**entry)
    module.exit(keys=report)


if __name__ == "__main__":
    main()
