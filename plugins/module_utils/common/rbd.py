# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ansible glue for RBD: connection options, the cluster handle, image facts as modules report them."""

from __future__ import annotations

import errno
import json
import math
import os
import re
import threading
import time
import traceback
from contextlib import contextmanager

from ansible.module_utils.basic import env_fallback

from ..rbd import _ffi_tables
from ..rbd import rados as librados
from ..rbd import rbd as librbd
from ..rbd.errors import Error
from ..rbd.features import features_to_names
from ..rbd.rados import Rados
from .backend import Backend
from .checks import not_empty, positive_seconds
from .errors import ParamError

ERRORS = (Error, librados.Error, librbd.Error)

CONNECTION_SPEC = dict(
    ceph_conf=dict(type="path", fallback=(env_fallback, ["CEPH_CONF"])),
    client_name=dict(type="str", default="client.admin", aliases=["user"]),
    keyring=dict(type="path", no_log=False),
    key=dict(type="str", no_log=True),
    cluster=dict(type="str", default="ceph"),
    connect_timeout=dict(type="float", default=10.0),
    op_timeout=dict(type="float", default=30.0),
)


def requirement():
    """cffi, with the traceback of its failed import (None when it imported)."""
    error = _ffi_tables.BACKEND_IMPORT_ERROR
    return "cffi", None if error is None else "".join(traceback.format_exception(error))


def entity_name(client_name):
    """``ansible`` -> ``client.ansible``; full names are kept."""
    return client_name if "." in client_name else "client." + client_name


class ConnectError(Error):
    """The cluster could not be reached with the connection options (the message names them)."""


# The options naming a pool, namespace, image, snapshot or group: "/" and "@" separate those in an image spec.
NAME_OPTIONS = ("pool", "data_pool", "namespace", "namespaces", "name", "image", "snapshot", "rename_from", "group")
_MAY_BE_EMPTY = ("namespace", "group")
_BAD_NAME = re.compile(r"[/@\x00-\x1f\x7f]")


def check_names(options, label=""):
    """Raise ParamError for a name option of ``options`` (a dict of options) that no RBD name can be."""
    for key in NAME_OPTIONS:
        value = options.get(key)
        for index, name in enumerate(value if isinstance(value, list) else [value]):
            where = label + key + ("[%d]" % index if isinstance(value, list) else "")
            if name == "" and key not in _MAY_BE_EMPTY:
                raise ParamError(where, name, "must not be empty")
            if isinstance(name, str) and _BAD_NAME.search(name):
                raise ParamError(where, name, "'/', '@' and control characters are not allowed in a name")


def validate(params):
    """Refuse the connection options no connection could use, and impossible names (ParamError)."""
    check_names(params)
    not_empty(params, "client_name", "cluster")
    if _BAD_NAME.search(params["cluster"]):
        raise ParamError("cluster", params["cluster"], "'/', '@' and control characters are not allowed in a name")
    positive_seconds(params, "connect_timeout", "op_timeout")
    conf = params.get("ceph_conf")
    if conf and not any(os.path.isfile(path.strip()) for path in conf.split(",")):
        raise ParamError("ceph_conf", conf, "no such file")


def _connect_error(exc, params):
    return ConnectError("cannot connect with cluster=%r, client_name=%r, ceph_conf=%r, keyring=%r%s: %s" % (
        params["cluster"], params["client_name"], params.get("ceph_conf"), params.get("keyring"),
        " and the key given" if params.get("key") else "", exc))


def rados_from_params(params):
    """A connected :class:`Rados` built from the connection options."""
    conf = {
        # Ceph takes whole seconds: round up.
        "client_mount_timeout": str(math.ceil(params["connect_timeout"])),
        "rados_osd_op_timeout": str(math.ceil(params["op_timeout"])),
        "rados_mon_op_timeout": str(math.ceil(params["op_timeout"])),
        # Modules manage images and stream imports: no cache to fill, and librbd may send the
        # caller's buffers as they are (their completions fire only once librbd lets go of them).
        "rbd_cache": "false",
        "rbd_disable_zero_copy_writes": "false",
    }
    if params.get("keyring"):
        conf["keyring"] = params["keyring"]
    if params.get("key"):
        conf["key"] = params["key"]
    try:
        cluster = Rados(name=entity_name(params["client_name"]), clustername=params["cluster"],
                        conffile=params.get("ceph_conf") or "", conf=conf)
    except ERRORS as exc:
        raise _connect_error(exc, params) from None
    try:
        cluster.connect()
    except ERRORS as exc:
        cluster.shutdown()
        raise _connect_error(exc, params) from None
    except BaseException:
        cluster.shutdown()
        raise
    return cluster


@contextmanager
def open_cluster(module):
    """``with module.open() as cluster:`` a connected :class:`Rados`, shut down on exit (unless a call on it was
    given up by :class:`Bounded`: the shutdown would wait for it, the process's end does not)."""
    cluster = rados_from_params(module.params)
    try:
        yield cluster
    finally:
        if not getattr(cluster, "abandoned", False):
            cluster.shutdown()


# librbd's calls that notify an image's watchers or take its exclusive lock (a resize, an image's close, a
# snapshot's creation) wait for a stopped OSD past rados_osd_op_timeout: they are given up after this many op
# timeouts without progress, plus librbd's own 5 s notification timeout.
STALL_OP_TIMEOUTS = 3
NOTIFY_TIMEOUT = 5.0


class Bounded:
    """``bounded(what, call, *args)``: ``call(*args)`` run in a thread and given up (:class:`librbd.Timeout`
    naming ``op_timeout``) once it has gone :data:`STALL_OP_TIMEOUTS` op timeouts plus librbd's notification
    timeout without returning or reporting progress (:meth:`progress`, an ``on_progress`` callback). A call given
    up is left to the process's end: the cluster is not shut down, and the image it used is not closed again."""

    def __init__(self, cluster):
        self.cluster = cluster
        self.op_timeout = float(cluster.conf_get("rados_osd_op_timeout"))
        self.limit = STALL_OP_TIMEOUTS * self.op_timeout + NOTIFY_TIMEOUT
        self.last = 0.0

    def progress(self, _offset=0, _total=0):
        """Progress of the running call: its deadline moves on."""
        self.last = time.monotonic()

    def __call__(self, what, call, *args, image=None):
        outcome, done = {}, threading.Event()

        def run():
            try:
                outcome["value"] = call(*args)
            except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
                outcome["error"] = exc
            finally:
                done.set()

        self.progress()
        threading.Thread(target=run, daemon=True).start()
        while not done.wait(max(0.05, self.last + self.limit - time.monotonic())):
            if time.monotonic() >= self.last + self.limit:
                self.cluster.abandoned = True
                if image is not None:
                    image.closed = True  # librbd still holds it: closing it too would wait as well
                why = "%d op timeouts and librbd's %.0f s notification timeout" % (STALL_OP_TIMEOUTS, NOTIFY_TIMEOUT)
                raise librbd.Timeout("%s: no answer within %.0f s (op_timeout=%s: %s), given up" % (
                    what, self.limit, self.op_timeout, why), errno=errno.ETIMEDOUT)
        if "error" in outcome:
            raise outcome["error"]
        return outcome.get("value")


def full_cause(cluster, pool, exc):
    """" (...cause...)" when the cluster's state explains ``exc``, a timeout or a refused write, else "".

    A full cluster pauses writes instead of refusing them, and OSDs that are down make requests wait until the
    client gives up (a timeout, or EROFS when librbd cannot take an image's lock): neither error names the cause,
    the OSD map does."""
    if getattr(exc, "errno", None) not in (errno.ETIMEDOUT, errno.EROFS):
        return ""
    try:
        ret, out, _outs = cluster.mon_command(json.dumps({"prefix": "osd dump", "format": "json"}), b"")
        dump = json.loads(out) if ret == 0 else {}
    except ERRORS + (ValueError,):
        return ""
    if "full" in dump.get("flags", "").split(","):
        return " (the cluster is full: its OSD map has the full flag)"
    for entry in dump.get("pools", []):
        if entry.get("pool_name") == pool and "full" in entry.get("flags_names", "").split(","):
            return " (the cluster is full: pool %s is flagged full, see ceph health)" % pool
    osds = dump.get("osds", [])
    down = sum(1 for osd in osds if not osd.get("up"))
    if down:
        return " (%d of %d OSDs are down, see ceph health)" % (down, len(osds))
    if exc.errno == errno.EROFS:
        return " (librbd could not take the image's exclusive lock: the cluster did not answer, as after an OSD " \
               "timeout; run again)"
    return ""


BACKEND = Backend("rbd", CONNECTION_SPEC, ERRORS, open_cluster, requirement=requirement, validate=validate)


class Pools:
    """Open I/O contexts by (pool, namespace), reused for the whole module run."""

    def __init__(self, cluster):
        self.cluster = cluster
        self._open = {}

    def get(self, pool, namespace=""):
        key = (pool, namespace or "")
        if key not in self._open:
            if not self.cluster.pool_exists(pool):
                raise librbd.ImageNotFound("pool %s does not exist" % pool, errno=2)
            ioctx = self.cluster.open_ioctx(pool)
            if namespace:
                if not librbd.RBD().namespace_exists(ioctx, namespace):
                    ioctx.close()
                    raise librbd.ImageNotFound("namespace %s does not exist in pool %s" % (namespace, pool), errno=2)
                ioctx.set_namespace(namespace)
            self._open[key] = ioctx
        return self._open[key]

    def close(self):
        for ioctx in self._open.values():
            ioctx.close()
        self._open.clear()


def image_spec(pool, namespace, name, snapshot=None):
    """``pool/namespace/image@snapshot`` as the rbd CLI writes it."""
    spec = "/".join(part for part in (pool, namespace, name) if part)
    return spec + "@" + snapshot if snapshot else spec


def snapshot_facts(image):
    """The image's user snapshots as module results."""
    snaps = []
    for snap in image.list_snaps():
        if snap["namespace"] != librbd.RBD_SNAP_NAMESPACE_TYPE_USER:
            continue
        snaps.append({
            "name": snap["name"],
            "id": snap["id"],
            "size": snap["size"],
            "protected": image.is_protected_snap(snap["name"]),
            "timestamp": image.get_snap_timestamp(snap["id"]).isoformat() + "Z",
        })
    return snaps


def parent_facts(image):
    """The parent of a clone (None if the image is not one)."""
    try:
        spec = image.get_parent_image_spec()
    except librbd.ImageNotFound:
        return None
    return {"pool": spec["pool_name"], "namespace": spec["pool_namespace"], "image": spec["image_name"],
            "snapshot": spec["snap_name"]}


# librbd keeps an image's configuration overrides as metadata keys with this prefix.
CONFIG_PREFIX = "conf_"
MIRROR_MODES = {librbd.RBD_MIRROR_IMAGE_MODE_JOURNAL: "journal", librbd.RBD_MIRROR_IMAGE_MODE_SNAPSHOT: "snapshot"}
POOL_MIRROR_MODES = {librbd.RBD_MIRROR_MODE_DISABLED: "disabled", librbd.RBD_MIRROR_MODE_IMAGE: "image",
                     librbd.RBD_MIRROR_MODE_POOL: "pool"}


def config_facts(image):
    """The image-level configuration overrides (``rbd_qos_iops_limit``...), as strings."""
    return {option["name"]: option["value"] for option in image.config_list()
            if option["source"] == librbd.RBD_CONFIG_SOURCE_IMAGE}


def mirror_facts(image):
    """``disabled``, or the mirroring mode of the image (``journal`` or ``snapshot``)."""
    if image.mirror_image_get_info()["state"] != librbd.RBD_MIRROR_IMAGE_ENABLED:
        return "disabled"
    return MIRROR_MODES[image.mirror_image_get_mode()]


def image_facts(cluster, image):
    """What an image is, normalised for comparisons and results."""
    stat = image.stat()
    data_pool_id = image.data_pool_id()
    own_pool = image.ioctx.get_pool_id()
    return {
        "id": image.id(),
        "size": stat["size"],
        "features": features_to_names(image.features()),
        "object_size": stat["obj_size"],
        "order": stat["order"],
        "stripe_unit": image.stripe_unit(),
        "stripe_count": image.stripe_count(),
        "data_pool": cluster.pool_reverse_lookup(data_pool_id) if data_pool_id not in (-1, own_pool) else None,
        "parent": parent_facts(image),
        "metadata": {key: value for key, value in image.metadata_list() if not key.startswith(CONFIG_PREFIX)},
        "config": config_facts(image),
        "mirror": mirror_facts(image),
        "group": image.group()["name"] or None,
        "snapshots": snapshot_facts(image),
        "block_name_prefix": image.block_name_prefix(),
        "create_timestamp": image.create_timestamp().isoformat() + "Z",
    }


def plan_keys(wanted, current, purge, set_key, remove_key):
    """Steps making the keys of ``current`` match ``wanted`` (values compared as strings), and the keys after them.

    ``set_key(target, key, value)`` and ``remove_key(target, key)`` make one change; keys not in ``wanted``
    are removed only with ``purge``. Returns (list of (description, step taking the target), keys after).
    """
    wanted = {key: str(value) for key, value in wanted.items()}
    steps = [("set %s" % key, lambda target, k=key, v=value: set_key(target, k, v))
             for key, value in sorted(wanted.items()) if current.get(key) != value]
    if not purge:
        return steps, dict(current, **wanted)
    steps += [("remove %s" % key, lambda target, k=key: remove_key(target, k))
              for key in sorted(set(current) - set(wanted))]
    return steps, wanted
