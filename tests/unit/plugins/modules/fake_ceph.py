# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""An in-memory Ceph cluster for the rbd modules' main(): the calls they make on the cluster handle, the
I/O contexts, ``rbd.RBD``, ``rbd.Image`` and ``rbd.Group``, on plain dicts. Every change is logged in
``calls`` (check mode must log none). ``run_rbd_module`` runs a module on it."""

from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import datetime
from unittest import mock

from ansible_collections.datacenter.storage.plugins.module_utils.rbd import rbd as librbd
from ansible_collections.datacenter.storage.plugins.modules import rbd_image
from ansible_collections.datacenter.storage.tests.unit.plugins.modules.utils import run_module

CONNECTION = {"client_name": "client.admin"}  # no ceph.conf: the fake cluster reads none
STAMP = datetime(2026, 1, 1, 9, 0, 0)


def new_image(size, features=librbd.RBD_FEATURE_LAYERING, order=22):
    return {"size": size, "features": features, "order": order, "metadata": {}, "config": {}, "mirror": None,
            "group": None, "snaps": {}, "parent": None, "data": {}}


class FakeCeph:
    """Pools by name: {"id", "applications", "config", "namespaces", "mirror_mode", "images": {name: image}}."""

    def __init__(self, **pools):
        self.pools = {}
        self.calls = []
        for name, images in pools.items():
            self.add_pool(name, images)

    def add_pool(self, name, images=None, applications=("rbd",)):
        self.pools[name] = {"id": len(self.pools) + 1, "applications": list(applications), "config": {},
                            "namespaces": [], "mirror_mode": librbd.RBD_MIRROR_MODE_DISABLED,
                            "images": dict(images or {})}

    def log(self, *call):
        self.calls.append(call)

    # -- the cluster handle (rados.Rados)
    def pool_exists(self, name):
        return name in self.pools

    def open_ioctx(self, name):
        if name not in self.pools:
            raise librbd.ImageNotFound("no pool %s" % name, errno=2)
        return FakeIoctx(self, name)

    def pool_reverse_lookup(self, pool_id):
        return next(name for name, pool in self.pools.items() if pool["id"] == pool_id)

    def mon_command(self, cmd, inbuf):
        command = json.loads(cmd)
        assert command["prefix"] == "osd pool create", command
        self.log("pool create", command["pool"], command.get("pg_num"))
        self.add_pool(command["pool"], applications=())
        return 0, b"", ""

    def wait_for_latest_osdmap(self):
        return 0

    def conf_get(self, option):
        return {"rados_osd_op_timeout": "30"}[option]

    def delete_pool(self, name):
        self.log("pool delete", name)
        del self.pools[name]

    @contextmanager
    def patched(self):
        """librbd's RBD, Image and Group working on this cluster."""
        ceph = self

        class Image(FakeImage):
            def __init__(self, ioctx, name, snapshot=None, read_only=False):
                FakeImage.__init__(self, ceph, ioctx, name, snapshot)

        def publish(ioctx, image_id, staging, name, lease):
            FakeRBD(ceph).rename(ioctx, staging, name)
            return []

        with mock.patch.object(librbd, "RBD", lambda: FakeRBD(ceph)), mock.patch.object(librbd, "Image", Image), \
                mock.patch.object(librbd, "Group", lambda ioctx, name: FakeGroup(ceph, ioctx, name)), \
                mock.patch.object(rbd_image, "publish", publish):
            yield


class FakeIoctx:
    def __init__(self, ceph, pool):
        self.ceph, self.pool, self.namespace = ceph, pool, ""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        pass

    def state(self):
        return self.ceph.pools[self.pool]

    def get_pool_name(self):
        return self.pool

    def get_pool_id(self):
        return self.state()["id"]

    def application_list(self):
        return list(self.state()["applications"])

    def set_namespace(self, namespace):
        self.namespace = namespace


class FakeRBD:
    def __init__(self, ceph):
        self.ceph = ceph

    def list(self, ioctx):
        return list(ioctx.state()["images"])

    def create(self, ioctx, name, size, features=None, order=None, **options):
        self.ceph.log("create", name, size)
        ioctx.state()["images"][name] = new_image(size, librbd.RBD_FEATURE_LAYERING if features is None else features,
                                                  order or 22)

    def remove(self, ioctx, name):
        self.ceph.log("remove", name)
        del ioctx.state()["images"][name]

    def rename(self, ioctx, src, dest):
        self.ceph.log("rename", src, dest)
        images = ioctx.state()["images"]
        images[dest] = images.pop(src)

    def trash_move(self, ioctx, name, delay=0):
        self.ceph.log("trash", name)
        del ioctx.state()["images"][name]

    def pool_init(self, ioctx, force):
        self.ceph.log("pool init", ioctx.pool)
        ioctx.state()["applications"].append("rbd")

    def config_list(self, ioctx):
        return [{"name": key, "value": value, "source": librbd.RBD_CONFIG_SOURCE_POOL}
                for key, value in ioctx.state()["config"].items()]

    def config_set(self, ioctx, key, value):
        self.ceph.log("pool config set", key, value)
        ioctx.state()["config"][key] = value

    def config_remove(self, ioctx, key):
        self.ceph.log("pool config remove", key)
        del ioctx.state()["config"][key]

    def namespace_list(self, ioctx):
        return list(ioctx.state()["namespaces"])

    def namespace_exists(self, ioctx, name):
        return name in ioctx.state()["namespaces"]

    def namespace_create(self, ioctx, name):
        self.ceph.log("namespace create", name)
        ioctx.state()["namespaces"].append(name)

    def namespace_remove(self, ioctx, name):
        self.ceph.log("namespace remove", name)
        ioctx.state()["namespaces"].remove(name)

    def mirror_mode_get(self, ioctx):
        return ioctx.state()["mirror_mode"]

    def mirror_mode_set(self, ioctx, mode):
        self.ceph.log("mirror mode", mode)
        ioctx.state()["mirror_mode"] = mode

    def group_list(self, ioctx):
        return sorted({image["group"] for image in ioctx.state()["images"].values() if image["group"]})

    def group_create(self, ioctx, name):
        self.ceph.log("group create", name)


class FakeGroup:
    def __init__(self, ceph, ioctx, name):
        self.ceph, self.name = ceph, name

    def add_image(self, ioctx, name):
        self.ceph.log("group add", self.name, name)
        ioctx.state()["images"][name]["group"] = self.name

    def remove_image(self, ioctx, name):
        self.ceph.log("group remove", self.name, name)
        ioctx.state()["images"][name]["group"] = None


class FakeImage:
    """An open image (at its head, or at ``snapshot``)."""

    def __init__(self, ceph, ioctx, name, snapshot=None):
        images = ioctx.state()["images"]
        if name not in images or snapshot is not None and snapshot not in images[name]["snaps"]:
            raise librbd.ImageNotFound("no image %s" % name, errno=2)
        self.ceph, self.ioctx, self.name, self.snapshot = ceph, ioctx, name, snapshot
        self.state = images[name]

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def close(self):
        pass

    def get_name(self):
        return self.name

    # -- what image_facts reads
    def size(self):
        return self.state["snaps"][self.snapshot]["size"] if self.snapshot else self.state["size"]

    def stat(self):
        return {"size": self.size(), "obj_size": 1 << self.state["order"], "order": self.state["order"]}

    def id(self):
        return "id-" + self.name

    def features(self):
        return self.state["features"]

    def stripe_unit(self):
        return 1 << self.state["order"]

    def stripe_count(self):
        return 1

    def data_pool_id(self):
        return -1

    def get_parent_image_spec(self):
        if self.state["parent"] is None:
            raise librbd.ImageNotFound("not a clone", errno=2)
        return self.state["parent"]

    def metadata_list(self):
        return list(self.state["metadata"].items())

    def config_list(self):
        return [{"name": key, "value": value, "source": librbd.RBD_CONFIG_SOURCE_IMAGE}
                for key, value in self.state["config"].items()]

    def mirror_image_get_info(self):
        enabled = self.state["mirror"] is not None
        return {"state": librbd.RBD_MIRROR_IMAGE_ENABLED if enabled else librbd.RBD_MIRROR_IMAGE_DISABLED}

    def mirror_image_get_mode(self):
        return self.state["mirror"]

    def group(self):
        return {"name": self.state["group"] or "", "pool": self.ioctx.get_pool_id()}

    def list_snaps(self):
        return [{"id": snap["id"], "name": name, "size": snap["size"],
                 "namespace": librbd.RBD_SNAP_NAMESPACE_TYPE_USER} for name, snap in self.state["snaps"].items()]

    def is_protected_snap(self, name):
        return self.state["snaps"][name]["protected"]

    def get_snap_timestamp(self, snap_id):
        return STAMP

    def block_name_prefix(self):
        return "rbd_data." + self.name

    def create_timestamp(self):
        return STAMP

    def list_children2(self):
        return [{"pool": self.ioctx.pool, "pool_namespace": "", "image": child}
                for child in self.state["snaps"][self.snapshot]["children"]]

    # -- changes
    def resize(self, size, allow_shrink=True, on_progress=None):
        self.ceph.log("resize", self.name, size)
        self.state["size"] = size

    def metadata_set(self, key, value):
        self.ceph.log("metadata set", self.name, key, value)
        self.state["metadata"][key] = value

    def metadata_remove(self, key):
        self.ceph.log("metadata remove", self.name, key)
        del self.state["metadata"][key]

    def config_set(self, key, value):
        self.ceph.log("config set", self.name, key, value)
        self.state["config"][key] = value

    def config_remove(self, key):
        self.ceph.log("config remove", self.name, key)
        del self.state["config"][key]

    def update_features(self, features, enabled):
        self.ceph.log("features", self.name, features, enabled)
        self.state["features"] = self.state["features"] | features if enabled else self.state["features"] & ~features

    def create_snap(self, name):
        self.ceph.log("snap create", self.name, name)
        self.state["snaps"][name] = {"id": len(self.state["snaps"]) + 1, "size": self.state["size"],
                                     "protected": False, "children": [], "data": dict(self.state["data"])}

    def remove_snap(self, name):
        self.ceph.log("snap remove", self.name, name)
        del self.state["snaps"][name]

    def rename_snap(self, old, new):
        self.ceph.log("snap rename", self.name, old, new)
        self.state["snaps"][new] = self.state["snaps"].pop(old)

    def protect_snap(self, name):
        self.ceph.log("snap protect", self.name, name)
        self.state["snaps"][name]["protected"] = True

    def unprotect_snap(self, name):
        self.ceph.log("snap unprotect", self.name, name)
        self.state["snaps"][name]["protected"] = False

    def rollback_to_snap(self, name):
        self.ceph.log("snap rollback", self.name, name)
        self.state["data"] = dict(self.state["snaps"][name]["data"])

    # -- data: {offset: bytes} of 4 KiB blocks, enough for rbd_snapshot's rollback comparison
    def _blocks(self):
        return self.state["snaps"][self.snapshot]["data"] if self.snapshot else self.state["data"]

    def write(self, data, offset):
        self._blocks()[offset] = data

    def read(self, offset, length):
        return b"".join(self._blocks().get(start, b"\0" * 4096)
                        for start in range(offset, offset + length, 4096))[:length]

    def diff_iterate(self, offset, length, from_snapshot, callback, include_parent=True):
        old = self.state["snaps"][from_snapshot]["data"]
        for start in sorted(set(self.state["data"]) | set(old)):
            if self.state["data"].get(start) != old.get(start):
                callback(start, 4096, True)


def run_rbd_module(module, ceph, check_mode=False, diff=False, **args):
    """Run ``module.main()`` on ``ceph`` with the connection options and ``args``; the ModuleExit."""
    with ceph.patched():
        return run_module(module, dict(CONNECTION, **args), ceph, check_mode=check_mode, diff=diff)
