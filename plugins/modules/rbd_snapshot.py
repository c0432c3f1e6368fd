#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: rbd_snapshot
short_description: Manage snapshots of Ceph RBD images
version_added: 0.1.0
description:
  - Create, remove, rename, protect, unprotect snapshots of an RBD image and roll the image back to one.
options:
  pool:
    description: The pool of the image.
    type: str
    default: rbd
  namespace:
    description: The RBD namespace of the image; empty for the default namespace.
    type: str
    default: ''
  image:
    description: The image.
    type: str
    required: true
  name:
    description: The snapshot name.
    type: str
    required: true
  state:
    description: Whether the snapshot should exist.
    type: str
    choices: [present, absent]
    default: present
  protected:
    description:
      - Whether the snapshot is protected (needed to clone from it). Not set, protection is left as it is.
      - A protected snapshot that has clones cannot be unprotected or removed.
    type: bool
  rename_from:
    description: If the snapshot O(name) does not exist but this one does, rename it to O(name).
    type: str
  rollback:
    description:
      - Roll the image back to the snapshot. Only done when the image differs from the snapshot (its size, or
        the bytes of the extents written since the snapshot), so the task is idempotent. The image must not be in use.
    type: bool
    default: false
extends_documentation_fragment:
  - datacenter.storage.rbd
  - datacenter.storage.attributes
"""

EXAMPLES = r"""
- name: A protected snapshot to clone from
  datacenter.storage.rbd_snapshot:
    pool: rbd
    image: golden
    name: v1
    protected: true

- name: Undo changes made since the snapshot
  datacenter.storage.rbd_snapshot:
    image: vm-disk-1
    name: before-upgrade
    rollback: true

- name: Rename a snapshot
  datacenter.storage.rbd_snapshot:
    image: vm-disk-1
    rename_from: nightly
    name: nightly-2026-01-01

- name: Remove it (it is unprotected first when it has no clones)
  datacenter.storage.rbd_snapshot:
    image: golden
    name: v1
    state: absent
"""

RETURN = r"""
snapshot:
  description: The snapshot after the task (C({}) when absent).
  returned: always
  type: dict
  contains:
    name:
      description: Snapshot name.
      type: str
    size:
      description: Image size when the snapshot was taken.
      type: int
    protected:
      description: Whether it is protected.
      type: bool
    children:
      description: Clones of the snapshot, as C(pool/namespace/image).
      type: list
      elements: str
  sample: {"name": "v1", "size": 1073741824, "protected": true, "children": ["rbd/vm-disk-2"]}
"""

from ansible_collections.datacenter.storage.plugins.module_utils.common.module import StorageModule
from ansible_collections.datacenter.storage.plugins.module_utils.common.rbd import (
    BACKEND, Pools, image_spec,
)
from ansible_collections.datacenter.storage.plugins.module_utils.rbd import rbd as librbd


def snapshot_state(image, name):
    """The snapshot ``name`` of the open image as the module reports it ({} if absent)."""
    for snap in image.list_snaps():
        if snap["name"] == name and snap["namespace"] == librbd.RBD_SNAP_NAMESPACE_TYPE_USER:
            break
    else:
        return {}
    with librbd.Image(image.ioctx, image.name, snapshot=name, read_only=True) as at_snap:
        children = [image_spec(c["pool"], c["pool_namespace"], c["image"]) for c in at_snap.list_children2()]
    return {"name": name, "size": snap["size"], "protected": image.is_protected_snap(name), "children": children}


def differs_from(image, name, size):
    """Whether the image head differs from snapshot ``name``: size, or the bytes of any extent written since."""
    if image.size() != size:
        return True
    extents = []
    image.diff_iterate(0, size, name, lambda offset, length, _exists: extents.append((offset, length)),
                       include_parent=False)
    if not extents:
        return False
    chunk = 4 << 20
    with librbd.Image(image.ioctx, image.name, snapshot=name, read_only=True) as at_snap:
        for offset, length in extents:
            for start in range(offset, offset + length, chunk):
                count = min(chunk, offset + length - start)
                if image.read(start, count) != at_snap.read(start, count):
                    return True
    return False


def main():
    argument_spec = dict(
        pool=dict(type="str", default="rbd"),
        namespace=dict(type="str", default=""),
        image=dict(type="str", required=True),
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        protected=dict(type="bool"),
        rename_from=dict(type="str"),
        rollback=dict(type="bool", default=False),
    )
    module = StorageModule(argument_spec, backend=BACKEND, supports_check_mode=True)
    params = module.params
    name = params["name"]
    spec = image_spec(params["pool"], params["namespace"], params["image"], name)
    if params["state"] == "absent" and (params["rollback"] or params["protected"]):
        module.fail_param("state", "absent", "rollback and protected=true need state=present")
    with module.handle_errors("rbd_snapshot %s" % spec):
        with module.open() as cluster:
            pools = Pools(cluster)
            try:
                ioctx = pools.get(params["pool"], params["namespace"])
                with librbd.Image(ioctx, params["image"]) as image:
                    result = manage(module, image, params, spec)
            finally:
                pools.close()
    module.exit(snapshot=result)


def manage(module, image, params, spec):
    """Compare and apply; return the snapshot state after the task."""
    name = params["name"]
    before = snapshot_state(image, name)
    after = dict(before)
    steps = []
    if params["state"] == "absent":
        if before:
            if before["children"]:
                module.fail_param("state", "absent", "%s has clones (%s): flatten or remove them first"
                                  % (spec, ", ".join(before["children"])))
            if before["protected"]:
                steps.append(lambda: image.unprotect_snap(name))
            steps.append(lambda: image.remove_snap(name))
            after = {}
    else:
        if not before:
            source = params["rename_from"] and snapshot_state(image, params["rename_from"])
            if source:
                steps.append(lambda: image.rename_snap(params["rename_from"], name))
                after = dict(source, name=name)
            else:
                steps.append(lambda: image.create_snap(name))
                after = {"name": name, "size": image.size(), "protected": False, "children": []}
        if params["protected"] is not None and params["protected"] != after["protected"]:
            if not params["protected"] and after["children"]:
                module.fail_param("protected", False, "%s has clones (%s): flatten or remove them first"
                                  % (spec, ", ".join(after["children"])))
            steps.append(lambda: image.protect_snap(name) if params["protected"] else image.unprotect_snap(name))
            after["protected"] = params["protected"]
        if params["rollback"] and before and differs_from(image, name, before["size"]):
            steps.append(lambda: image.rollback_to_snap(name))
            module.tracker.mark("rolled_back_to", None, name)
    module.tracker.compare(spec, before, after)
    if steps and not module.check_mode:
        for step in steps:
            step()
        return snapshot_state(image, name)
    return after


if __name__ == "__main__":
    main()
