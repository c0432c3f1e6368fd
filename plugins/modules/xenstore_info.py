#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.datacenter.storage.plugins.module_utils.common.module import StorageModule
from ansible_collections.datacenter.storage.plugins.module_utils.common.xenstore import (
    BACKEND, perms_to_dict, text)
from ansible_collections.datacenter.storage.plugins.module_utils.common.xenstore_plan import tree
from ansible_collections.datacenter.storage.plugins.module_utils.xenstore import XenStoreError, check_path


def main():
    module = StorageModule(
        argument_spec=dict(
            path=dict(type="str", default="/"),
            depth=dict(type="int", default=0),
        ),
        backend=BACKEND,
        supports_check_mode=True,
    )
    path, depth = module.params["path"], module.params["depth"]
    if depth < -1:
        module.fail_param("depth", depth, "must be -1 (everything), 0 (no tree) or a number of levels")
    try:
        check_path(path)
    except XenStoreError as exc:
        module.fail_param("path", path, exc.detail)

    result = dict(exists=False, value=None, permissions=None, children=[])
    with module.handle_errors("xenstore_info %s" % path):
        with module.open() as client:
            state = client.stat_many([path])[0]
            if state is not None:
                nodes = list(client.walk(path, depth=None if depth < 0 else depth))
                result.update(exists=True, value=text(state[0]), permissions=perms_to_dict(state[1]),
                              children=nodes[0].children if nodes else [])
                if depth:
                    result["tree"] = tree(nodes, path, depth)
            elif depth:
                result["tree"] = {}
    module.exit(changed=False, **result)


if __name__ == "__main__":
    main()
