#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.datacenter.storage.plugins.module_utils.common.module import StorageModule
from ansible_collections.datacenter.storage.plugins.module_utils.common.rbd import (
    BACKEND, Bounded, Pools, image_spec,
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
                # librbd's snapshot calls notify the image's watchers, and its close releases the image's lock: they
                # wait for a stopped OSD past op_timeout, so they are Bounded
                bounded = Bounded(cluster)
                image = bounded("open %s" % params["image"], librbd.Image, ioctx, params["image"])
                try:
                    result = manage(module, image, params, spec, bounded)
                finally:
                    bounded("close %s" % params["image"], image.close, image=image)
            finally:
                pools.close()
    module.exit(snapshot=result)


def manage(module, image, params, spec, bounded):
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
            bounded("change of snapshot %s" % spec, step, image=image)
        return snapshot_state(image, name)
    return after


if __name__ == "__main__":
    main()
