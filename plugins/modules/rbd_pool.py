#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

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
