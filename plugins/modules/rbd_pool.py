#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: rbd_pool
short_description: Manage Ceph pools for RBD images
version_added: 0.1.0
description:
  - Create a Ceph pool for RBD images and initialize it (as C(rbd pool init) does, which enables the C(rbd)
    application), set its pool-level RBD configuration, its RBD namespaces and its mirror mode; or delete it.
  - Creating and deleting pools needs a cephx user with monitor write caps (C(client.admin), or C(allow *) on
    the monitors); the other changes need C(profile rbd) on the pool.
options:
  name:
    description: The pool name.
    type: str
    required: true
  state:
    description:
      - Whether the pool should exist.
      - V(absent) deletes the pool and all its data (the monitors must allow it, C(mon_allow_pool_delete)).
        A pool that still holds images is only deleted with O(force).
    type: str
    choices: [present, absent]
    default: present
  pg_num:
    description: Placement groups of a new pool; default the cluster's C(osd_pool_default_pg_num). Not changed later.
    type: int
  init:
    description:
      - Initialize the pool for RBD (C(rbd pool init)), enabling the C(rbd) application on it. Done once; a pool
        whose applications include C(rbd) is left as it is.
    type: bool
    default: true
  config:
    description:
      - Pool-level RBD configuration overrides (C(rbd config pool set)), applying to every image of the pool that
        does not override them, for example V(rbd_qos_iops_limit) or V(rbd_default_features). Values are compared
        as strings.
    type: dict
  purge_config:
    description: Remove the pool-level overrides not listed in O(config).
    type: bool
    default: false
  namespaces:
    description: RBD namespaces that should exist in the pool.
    type: list
    elements: str
  purge_namespaces:
    description: Remove the namespaces not listed in O(namespaces) (librbd refuses to remove one that holds images).
    type: bool
    default: false
  mirror_mode:
    description:
      - The pool's RBD mirroring mode. V(image) lets images be mirrored one by one
        (M(datacenter.storage.rbd_image) O(datacenter.storage.rbd_image#module:mirror)); V(pool) mirrors every
        image with the C(journaling) feature. Not set, the mode is left as it is.
    type: str
    choices: [disabled, image, pool]
  force:
    description: With O(state=absent), delete the pool even if it holds images.
    type: bool
    default: false
extends_documentation_fragment:
  - datacenter.storage.rbd
  - datacenter.storage.attributes
"""

EXAMPLES = r"""
- name: A pool for VM disks, with a QoS default and one namespace per tenant
  datacenter.storage.rbd_pool:
    name: vms
    pg_num: 64
    config:
      rbd_qos_iops_limit: 2000
    namespaces: [tenant-a, tenant-b]
    client_name: client.admin

- name: Mirror its images one by one
  datacenter.storage.rbd_pool:
    name: vms
    mirror_mode: image

- name: Delete a pool that should be empty (fails if it still holds images)
  datacenter.storage.rbd_pool:
    name: scratch
    state: absent
"""

RETURN = r"""
pool:
  description: The pool after the task (as it would be, in check mode); C({}) when absent.
  returned: always
  type: dict
  contains:
    name:
      description: Pool name.
      type: str
    applications:
      description: The applications enabled on the pool, sorted.
      type: list
      elements: str
    config:
      description: Pool-level RBD configuration overrides.
      type: dict
    namespaces:
      description: RBD namespaces, sorted.
      type: list
      elements: str
    mirror_mode:
      description: C(disabled), C(image) or C(pool).
      type: str
  sample: {"name": "vms", "applications": ["rbd"], "config": {"rbd_qos_iops_limit": "2000"},
           "namespaces": ["tenant-a", "tenant-b"], "mirror_mode": "image"}
"""

import json

from ansible_collections.datacenter.storage.plugins.module_utils.common.module import StorageModule
from ansible_collections.datacenter.storage.plugins.module_utils.common.rbd import (
    BACKEND, POOL_MIRROR_MODES, plan_keys,
)
from ansible_collections.datacenter.storage.plugins.module_utils.rbd import rbd as librbd


def pool_facts(ioctx):
    """The pool as the module reports it."""
    api = librbd.RBD()
    return {
        "name": ioctx.get_pool_name(),
        "applications": sorted(ioctx.application_list()),
        "config": {option["name"]: option["value"] for option in api.config_list(ioctx)
                   if option["source"] == librbd.RBD_CONFIG_SOURCE_POOL},
        "namespaces": sorted(api.namespace_list(ioctx)),
        "mirror_mode": POOL_MIRROR_MODES[api.mirror_mode_get(ioctx)],
    }


def main():
    argument_spec = dict(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        pg_num=dict(type="int"),
        init=dict(type="bool", default=True),
        config=dict(type="dict"),
        purge_config=dict(type="bool", default=False),
        namespaces=dict(type="list", elements="str"),
        purge_namespaces=dict(type="bool", default=False),
        mirror_mode=dict(type="str", choices=list(POOL_MIRROR_MODES.values())),
        force=dict(type="bool", default=False),
    )
    module = StorageModule(argument_spec, backend=BACKEND, supports_check_mode=True)
    params = module.params
    if params["pg_num"] is not None and params["pg_num"] < 1:
        module.fail_param("pg_num", params["pg_num"], "must be at least 1")
    for key in params["config"] or {}:
        if not key.startswith("rbd_"):
            module.fail_param("config", params["config"], "%s is not an RBD option (rbd_qos_iops_limit, "
                              "rbd_default_features, ...)" % key)
    with module.handle_errors("rbd_pool %s" % params["name"]):
        with module.open() as cluster:
            result = PoolTask(module, cluster).run()
    module.exit(pool=result)


class PoolTask:
    """Compare the pool with the parameters, then change what differs (nothing in check mode)."""

    def __init__(self, module, cluster):
        self.module = module
        self.params = module.params
        self.cluster = cluster
        self.name = self.params["name"]
        self.steps = []

    def run(self):
        exists = self.cluster.pool_exists(self.name)
        if self.params["state"] == "absent":
            return self._remove() if exists else self._unchanged({})
        before = {}
        if exists:
            with self.cluster.open_ioctx(self.name) as ioctx:
                before = pool_facts(ioctx)
        after = self._plan(before)
        if not self.module.tracker.compare(self.name, before, after) or self.module.check_mode:
            return after
        if not exists:
            self._create()
        with self.cluster.open_ioctx(self.name) as ioctx:
            for step in self.steps:
                step(ioctx)
            return pool_facts(ioctx)

    def _unchanged(self, state):
        self.module.tracker.compare(self.name, state, state)
        return state

    def _remove(self):
        with self.cluster.open_ioctx(self.name) as ioctx:
            before = pool_facts(ioctx)
            images = librbd.RBD().list(ioctx)
        if images and not self.params["force"]:
            self.module.fail_param("state", "absent", "pool %s holds %d image(s) (%s): set force=true to delete them "
                                   "with it" % (self.name, len(images), ", ".join(sorted(images)[:5])))
        self.module.tracker.compare(self.name, before, {})
        if not self.module.check_mode:
            self.cluster.delete_pool(self.name)
        return {}

    def _create(self):
        cmd = {"prefix": "osd pool create", "pool": self.name, "format": "json"}
        if self.params["pg_num"] is not None:
            cmd["pg_num"] = self.params["pg_num"]
        ret, _out, status = self.cluster.mon_command(json.dumps(cmd), b"")
        if ret < 0:
            raise librbd.make_ex(ret, "create pool %s: %s" % (self.name, status))
        self.cluster.wait_for_latest_osdmap()

    def _plan(self, before):
        api = librbd.RBD()
        after = dict(before) or {"name": self.name, "applications": [], "config": {}, "namespaces": [],
                                 "mirror_mode": "disabled"}
        if self.params["init"] and "rbd" not in after["applications"]:
            self.steps.append(lambda ioctx: api.pool_init(ioctx, False))
            after["applications"] = sorted(after["applications"] + ["rbd"])
        self._plan_config(api, after)
        self._plan_namespaces(api, after)
        wanted = self.params["mirror_mode"]
        if wanted is not None and wanted != after["mirror_mode"]:
            mode = {name: value for value, name in POOL_MIRROR_MODES.items()}[wanted]
            self.steps.append(lambda ioctx: api.mirror_mode_set(ioctx, mode))
            after["mirror_mode"] = wanted
        return after

    def _plan_config(self, api, after):
        steps, after["config"] = plan_keys(self.params["config"] or {}, after["config"], self.params["purge_config"],
                                           api.config_set, api.config_remove)
        self.steps.extend(step for _description, step in steps)

    def _plan_namespaces(self, api, after):
        wanted = set(self.params["namespaces"] or [])
        current = set(after["namespaces"])
        for name in sorted(wanted - current):
            self.steps.append(lambda ioctx, n=name: api.namespace_create(ioctx, n))
        if self.params["purge_namespaces"]:
            for name in sorted(current - wanted):
                self.steps.append(lambda ioctx, n=name: api.namespace_remove(ioctx, n))
            current &= wanted
        after["namespaces"] = sorted(current | wanted)


if __name__ == "__main__":
    main()
