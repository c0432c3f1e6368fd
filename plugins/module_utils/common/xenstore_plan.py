# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the XenStore modules compute from their options and the daemon's answers: keys to set, trees to show."""

from __future__ import annotations

import json

from ..xenstore import PAYLOAD_MAX, XenStoreError, check_path
from .errors import ParamError
from .xenstore import PERMISSIONS_SPEC, perms_from_option, perms_to_dict, text

_ITEM_FIELDS = {"path", "value", "state", "permissions"}


class Item:
    """One key as the task wants it; ``name`` is how errors refer to it (``keys['/a'].``, or empty)."""

    def __init__(self, name, path, value, state, permissions):
        self.name, self.path, self.state = name, path, state
        self.value = None if value is None else value.encode("utf-8")
        self.permissions = permissions
        self.perms = self.wanted_perms = None  # Perm list and its normalised dict, set by validate()


def items(params):
    """The task's keys (``path``/``value`` or ``keys``) as :class:`Item` objects, in order; raises ParamError."""
    if params["keys"] is None:
        return [Item("", params["path"], params["value"], params["state"], params["permissions"])]
    keys = params["keys"]
    if isinstance(keys, str):
        try:
            keys = json.loads(keys)
        except ValueError:
            raise ParamError("keys", keys, "must be a dict of path: value or a list of dicts (or their JSON)") from None
    if isinstance(keys, dict):
        entries = [(k, dict(v, path=k) if isinstance(v, dict) else {"path": k, "value": v}) for k, v in keys.items()]
    elif isinstance(keys, list):
        entries = list(enumerate(keys))
    else:
        raise ParamError("keys", keys, "must be a dict of path: value or a list of dicts")
    if not entries:
        raise ParamError("keys", keys, "is empty")
    result = []
    for index, entry in entries:
        name = "keys[%r]." % (index,)
        if not isinstance(entry, dict) or "path" not in entry or set(entry) - _ITEM_FIELDS:
            raise ParamError("keys[%r]" % (index,), entry, "must be a dict with path and optionally value, state, permissions")
        value = entry.get("value")
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = str(value)
        if value is not None and not isinstance(value, str):
            raise ParamError(name + "value", value, "must be a string")
        state = entry.get("state", params["state"])
        if state not in ("present", "absent"):
            raise ParamError(name + "state", state, "must be present or absent")
        permissions = entry.get("permissions", params["permissions"])
        if permissions is not None and (not isinstance(permissions, dict) or "owner" not in permissions
                                        or set(permissions) - set(PERMISSIONS_SPEC)):
            raise ParamError(name + "permissions", permissions, "must be a dict with owner and optionally others, domains")
        result.append(Item(name, entry["path"], value, state, permissions))
    return result


def validate(items):
    """Check paths, sizes and permissions before anything is sent; sets each item's Perm list. Raises ParamError."""
    seen = set()
    for item in items:
        try:
            check_path(item.path)
        except XenStoreError as exc:
            raise ParamError(item.name + "path", item.path, exc.detail) from None
        if item.path in seen:
            raise ParamError(item.name + "path", item.path, "is given twice")
        seen.add(item.path)
        if item.value is not None and len(item.path) + 1 + len(item.value) > PAYLOAD_MAX:
            raise ParamError(item.name + "value", "<%d bytes>" % len(item.value),
                             "too long: path, NUL and value must fit in %d bytes" % PAYLOAD_MAX)
        if item.permissions is not None:
            owner = item.permissions.get("owner")
            if not isinstance(owner, int) or isinstance(owner, bool) or owner < 0:
                raise ParamError(item.name + "permissions.owner", owner, "must be a domain id (integer >= 0)")
            try:
                item.wanted_perms, item.perms = perms_from_option(item.permissions)
            except ValueError as exc:
                raise ParamError(item.name + "permissions", item.permissions, str(exc)) from None


def plan(items, states, check_mode, tx):
    """Compare each item with its node's ``(value, perms)`` (None: absent) and queue the changes on ``tx``'s batch,
    run unless in check mode. Returns ``(item, before, after)`` for each, ``{}`` for an absent node."""
    batch = tx.batch()
    results = []
    for item, state in zip(items, states):
        before = {} if state is None else {"value": text(state[0]), "permissions": perms_to_dict(state[1])}
        after = {}
        if item.state == "present":
            after = dict(before or {"value": ""})
            value = item.value if item.value is not None else (b"" if state is None else state[0])
            if state is None or value != state[0]:
                batch.write(item.path, value)
                after["value"] = text(value)
            if item.permissions is not None and before.get("permissions") != item.wanted_perms:
                batch.set_perms(item.path, item.perms)
                after["permissions"] = item.wanted_perms
        elif state is not None:
            batch.rm(item.path)
        results.append((item, before, after))
    if not check_mode:
        batch.run()
    return results


def tree(nodes, root, depth):
    """Nest the walked nodes below ``root`` as ``{name: {value, children}}``; ``children`` is None where
    ``depth`` (-1: unlimited) cut the walk above existing children."""
    entries = {root: {"children": {}}}
    levels = {root: 0}
    for node in nodes:
        if node.path == root:
            continue
        parent, name = node.path.rsplit("/", 1)
        parent = parent or "/"
        levels[node.path] = levels[parent] + 1
        last = depth >= 0 and levels[node.path] >= depth
        entry = {"value": text(node.value), "children": None if last and node.children else {}}
        entries[parent]["children"][name] = entry
        entries[node.path] = entry
    return entries[root]["children"]
