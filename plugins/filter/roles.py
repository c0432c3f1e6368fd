# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The data the collection's roles compute from their variables, as filters (unit-tested, unlike Jinja in vars/)."""

from __future__ import annotations

# What rbd_image takes of an item of rbd_volumes_images (the role's own fields, such as snapshots, are left out).
RBD_IMAGE_FIELDS = ("name", "pool", "namespace", "state", "size", "allow_shrink", "features", "object_size",
                    "stripe_unit", "stripe_count", "data_pool", "clone_from", "flatten", "metadata", "purge_metadata",
                    "src", "trash")


def rbd_volumes_images(images, pool, namespace):
    """Every image as rbd_image takes it, the role's pool, namespace and state filled in, in order."""
    result = []
    for image in images:
        item = {"pool": pool, "namespace": namespace, "state": "present"}
        item.update((k, v) for k, v in image.items() if k in RBD_IMAGE_FIELDS and v is not None)
        result.append(item)
    return result


def rbd_volumes_snapshots(present, images):
    """The snapshots of the ``present`` images (rbd_image items) as rbd_snapshot takes them, with ``clone``:
    whether the image is a clone. ``images`` are the role's items, which hold the ``snapshots`` lists."""
    snapshots = {image["name"]: image.get("snapshots") or [] for image in reversed(images)}
    result = []
    for image in present:
        for snap in snapshots.get(image["name"], []):
            entry = {"name": snap} if isinstance(snap, str) else dict(snap)
            entry.update(pool=image["pool"], namespace=image["namespace"], image=image["name"],
                         clone="clone_from" in image)
            result.append(entry)
    return result


def rbd_volumes_existing(info_results):
    """From the registered loop of rbd_image_info: ``{images: [pool/ns/image], snapshots: [pool/ns/image@snap]}``."""
    images, snapshots = [], []
    for result in info_results or []:
        for image in result.get("images") or []:
            key = "%s/%s/%s" % (result["item"]["pool"], result["item"]["namespace"], image["name"])
            images.append(key)
            snapshots.extend("%s@%s" % (key, snap["name"]) for snap in image.get("snapshots") or [])
    return {"images": images, "snapshots": snapshots}


def rbd_volumes_todo(batch, existing, check_mode):
    """The images of ``batch`` to hand to rbd_image: in check mode, a clone of a snapshot that does not exist yet
    (not in ``existing["snapshots"]``, from rbd_volumes_existing) is left out."""
    if not check_mode:
        return list(batch)
    result = []
    for image in batch:
        parent = image.get("clone_from")
        if parent:
            spec = "%s/%s/%s@%s" % (parent.get("pool") or image["pool"],
                                    image["namespace"] if parent.get("namespace") is None else parent["namespace"],
                                    parent["image"], parent["snapshot"])
            if spec not in existing["snapshots"]:
                continue
        result.append(image)
    return result


def rbd_volumes_lookups(present):
    """Where to look in check mode: each pool/namespace once, with the image names asked about (parents included)."""
    lookups = {}
    for image in present:
        places = [image]
        clone = image.get("clone_from")
        if clone:
            places.append({"name": clone["image"], "pool": clone.get("pool") or image["pool"],
                           "namespace": image["namespace"] if clone.get("namespace") is None else clone["namespace"]})
        for where in places:
            entry = lookups.setdefault("%s/%s" % (where["pool"], where["namespace"]),
                                       {"pool": where["pool"], "namespace": where["namespace"], "names": []})
            entry["names"].append(where["name"])
    return list(lookups.values())


def _image_spec(pool, namespace, image, snapshot):
    return "%s/%s/%s@%s" % (pool, namespace, image, snapshot)


def rbd_volumes_doomed(info_results, clones):
    """From the registered loop of rbd_image_info on the images to remove: those that are clones (``clones``
    true) or the others, each ``{pool, namespace, name, trash, snapshots: [names]}``."""
    doomed = []
    for result in info_results or []:
        item = result["item"]
        for image in result.get("images") or []:
            if (image.get("parent") is not None) == bool(clones):
                doomed.append({"pool": item["pool"], "namespace": item["namespace"], "name": image["name"],
                               "trash": item.get("trash", False),
                               "snapshots": [snap["name"] for snap in image.get("snapshots") or []]})
    return doomed


def rbd_volumes_doomed_snapshots(doomed, info_results, check_mode):
    """The snapshots of the ``doomed`` images (from rbd_volumes_doomed) as rbd_snapshot removal items. In check
    mode the clones to remove are still there, so the removal of their parents' snapshots is left out."""
    freed = set()
    if check_mode:
        for result in info_results or []:
            for image in result.get("images") or []:
                parent = image.get("parent")
                if parent is not None:
                    freed.add(_image_spec(parent["pool"], parent["namespace"], parent["image"], parent["snapshot"]))
    return [{"pool": image["pool"], "namespace": image["namespace"], "image": image["name"], "name": snap}
            for image in doomed for snap in image["snapshots"]
            if _image_spec(image["pool"], image["namespace"], image["name"], snap) not in freed]


def rbd_volumes_doomed_images(doomed, check_mode):
    """The ``doomed`` images (from rbd_volumes_doomed) as rbd_image removal items. In check mode an image with
    snapshots is left out: they are still there, which its removal refuses (their removal reports the change)."""
    return [{"pool": image["pool"], "namespace": image["namespace"], "name": image["name"], "state": "absent",
             "trash": image["trash"]}
            for image in doomed if not (check_mode and image["snapshots"])]


def xenstore_dirs(dirs):
    """``[[dir, {name: value}, permissions], ...]`` as xenstore_key's ``keys`` list: each directory, then its entries."""
    keys = []
    for directory, values, permissions in dirs:
        keys.append({"path": directory, "permissions": permissions})
        keys.extend({"path": "%s/%s" % (directory, name), "value": str(value), "permissions": permissions}
                    for name, value in values.items())
    return keys


def oio_buckets_containers(containers):
    """The role's containers as oio_container's ``containers`` items (without their ``objects``)."""
    return [{k: v for k, v in container.items() if k != "objects"} for container in containers]


def oio_buckets_objects(containers, skip=()):
    """The objects of the present containers (but those named in ``skip``) as oio_object's ``objects`` items."""
    items = []
    for container in containers:
        if container.get("state", "present") != "present" or container["name"] in skip:
            continue
        items.extend(dict(obj, container=container["name"]) for obj in container.get("objects") or [])
    return items


# What a guest of the xen_guests role sets when neither it nor the role's xen_guests_defaults does (the
# xen_guest role's defaults, without their prefix).
XEN_GUEST_DEFAULTS = {
    "backend_domid": 0, "disk_pool": "rbd", "disk_namespace": "", "disk_size": "10G", "disk_features": [],
    "disk_clone_from": {}, "disk_flatten": False, "disk_metadata": {}, "disk_vdev": "xvda", "disk_devid": 51712,
    "disk_mode": "w", "seed_container": "xen-seeds", "seed_content": "", "seed_src": "", "seed_policy": "",
    "seed_properties": {}, "data": {},
}


def _xen_guest(guest, defaults):
    """One guest with its defaults filled in; fails naming the guest when name or domid is missing."""
    merged = dict(XEN_GUEST_DEFAULTS, **defaults)
    merged.update((k, v) for k, v in guest.items() if v is not None)
    for key in ("name", "domid"):
        if merged.get(key) in (None, ""):
            raise ValueError("xen_guests: %r has no %s" % (guest, key))
    merged.setdefault("disk_image", merged["name"] + "-disk")
    merged.setdefault("seed_object", merged["name"] + "/seed")
    return merged


def _xen_guest_image(g):
    image = {"pool": g["disk_pool"], "namespace": g["disk_namespace"], "name": g["disk_image"], "size": g["disk_size"],
             "flatten": g["disk_flatten"],
             "metadata": dict(g["disk_metadata"], **{"xen-guest": g["name"], "xen-vdev": g["disk_vdev"]})}
    if g["disk_features"]:
        image["features"] = g["disk_features"]
    if g["disk_clone_from"]:
        image["clone_from"] = g["disk_clone_from"]
    return image


def _xen_guest_dirs(g):
    """The guest's three XenStore directories as xenstore_dirs takes them (the layout libxl writes for a vbd)."""
    home = "/local/domain/%s" % g["domid"]
    backend = "/local/domain/%s/backend/vbd/%s/%s" % (g["backend_domid"], g["domid"], g["disk_devid"])
    frontend = "%s/device/vbd/%s" % (home, g["disk_devid"])
    namespace = (g["disk_namespace"] + "/") if g["disk_namespace"] else ""
    backend_perms = {"owner": g["backend_domid"], "others": "none", "domains": {g["domid"]: "read"}}
    frontend_perms = {"owner": g["domid"], "others": "none", "domains": {g["backend_domid"]: "read"}}
    seeded = bool(g["seed_content"] or g["seed_src"])
    data = {"seed/container": g["seed_container"], "seed/object": g["seed_object"]} if seeded else {}
    data.update(g["data"])
    return [
        [backend, {"frontend": frontend, "frontend-id": g["domid"], "params": "rbd:%s/%s%s" % (
            g["disk_pool"], namespace, g["disk_image"]), "type": "rbd", "mode": g["disk_mode"], "dev": g["disk_vdev"],
            "device-type": "disk", "removable": "0", "online": "1"}, backend_perms],
        [frontend, {"backend": backend, "backend-id": g["backend_domid"], "virtual-device": g["disk_devid"],
                    "device-type": "disk"}, frontend_perms],
        [home + "/data", data, frontend_perms],
    ]


def xen_guests(guests, defaults=None):
    """What the xen_guests role hands to the bulk forms for all its guests at once: ``images`` (rbd_volumes),
    ``containers`` (oio_buckets, the seeds grouped by container), ``xenstore_keys`` (xenstore_key, every guest's keys)
    and ``frontends`` (the paths whose ``state`` the guests acknowledge)."""
    result = {"images": [], "containers": [], "xenstore_keys": [], "frontends": []}
    containers, seen = {}, {}
    for guest in guests:
        g = _xen_guest(guest, defaults or {})
        for key in ("name", "domid"):
            if (key, g[key]) in seen:
                raise ValueError("xen_guests: %s %r is given twice" % (key, g[key]))
            seen[(key, g[key])] = True
        result["images"].append(_xen_guest_image(g))
        if g["seed_content"] or g["seed_src"]:
            seed = {"name": g["seed_object"], "properties": dict(g["seed_properties"], **{"xen-guest": g["name"]})}
            seed.update({"content": g["seed_content"]} if g["seed_content"] else {"src": g["seed_src"]})
            if g["seed_policy"]:
                seed["policy"] = g["seed_policy"]
            if g["seed_container"] not in containers:
                containers[g["seed_container"]] = {"name": g["seed_container"], "objects": []}
                result["containers"].append(containers[g["seed_container"]])
            containers[g["seed_container"]]["objects"].append(seed)
        result["xenstore_keys"].extend(xenstore_dirs(_xen_guest_dirs(g)))
        result["frontends"].append("/local/domain/%s/device/vbd/%s" % (g["domid"], g["disk_devid"]))
    return result


class FilterModule:
    """Filters of the collection's roles."""

    def filters(self):
        return {
            "rbd_volumes_images": rbd_volumes_images,
            "rbd_volumes_snapshots": rbd_volumes_snapshots,
            "rbd_volumes_existing": rbd_volumes_existing,
            "rbd_volumes_lookups": rbd_volumes_lookups,
            "rbd_volumes_todo": rbd_volumes_todo,
            "rbd_volumes_doomed": rbd_volumes_doomed,
            "rbd_volumes_doomed_snapshots": rbd_volumes_doomed_snapshots,
            "rbd_volumes_doomed_images": rbd_volumes_doomed_images,
            "xenstore_dirs": xenstore_dirs,
            "oio_buckets_containers": oio_buckets_containers,
            "oio_buckets_objects": oio_buckets_objects,
            "xen_guests": xen_guests,
        }
