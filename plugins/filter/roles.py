# -*- coding: utf-8 -*-
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


def xenstore_dirs(dirs):
    """``[[dir, {name: value}, permissions], ...]`` as xenstore_key's ``keys`` list: each directory, then its entries."""
    keys = []
    for directory, values, permissions in dirs:
        keys.append({"path": directory, "permissions": permissions})
        keys.extend({"path": "%s/%s" % (directory, name), "value": str(value), "permissions": permissions}
                    for name, value in values.items())
    return keys


def oio_buckets_objects(containers, skip=()):
    """The objects of the present containers (but those named in ``skip``) as oio_object's ``objects`` items."""
    items = []
    for container in containers:
        if container.get("state", "present") != "present" or container["name"] in skip:
            continue
        items.extend(dict(obj, container=container["name"]) for obj in container.get("objects") or [])
    return items


class FilterModule:
    """Filters of the collection's roles."""

    def filters(self):
        return {
            "rbd_volumes_images": rbd_volumes_images,
            "rbd_volumes_snapshots": rbd_volumes_snapshots,
            "rbd_volumes_existing": rbd_volumes_existing,
            "rbd_volumes_lookups": rbd_volumes_lookups,
            "xenstore_dirs": xenstore_dirs,
            "oio_buckets_objects": oio_buckets_objects,
        }
