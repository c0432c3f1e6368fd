#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.datacenter.storage.plugins.module_utils.common.module import StorageModule
from ansible_collections.datacenter.storage.plugins.module_utils.common.xenstore import (
    BACKEND, PERMISSIONS_SPEC, unknown_domains)
from ansible_collections.datacenter.storage.plugins.module_utils.common.xenstore_plan import items, plan, validate


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
        binary=("value",),
        mutually_exclusive=[("path", "keys"), ("value", "keys")],
        required_one_of=[("path", "keys")],
        supports_check_mode=True,
    )
    with module.handle_errors("xenstore_key"):
        keys = items(module.params)
        validate(keys)
        with module.open() as client:
            wanted = [d for item in keys if item.permissions is not None for d in [p.domid for p in item.perms]]
            unknown = unknown_domains(client, wanted)
            if unknown:
                bad = next(item for item in keys if item.permissions is not None and {p.domid for p in item.perms} & set(unknown))
                module.fail_param(bad.name + "permissions", bad.permissions,
                                  "domain %s is not known to xenstored" % ", ".join(map(str, unknown)))
            results = client.run_transaction(
                lambda tx: plan(keys, tx.stat_many([i.path for i in keys]), module.check_mode, tx))

    report = []
    for item, before, after in results:
        changed = module.tracker.compare(item.path, before, after)
        entry = {"path": item.path, "changed": changed, "exists": bool(after)}
        entry.update(after or {"value": None})
        report.append(entry)
    if module.params["keys"] is None:
        entry = report[0]
        del entry["changed"]
        module.exit(**entry)
    module.exit(keys=report)


if __name__ == "__main__":
    main()
