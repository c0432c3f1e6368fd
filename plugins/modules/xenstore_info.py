#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: xenstore_info
short_description: Read a XenStore node, its permissions and children, or a whole subtree
version_added: 0.1.0
description:
  - Returns the value, permissions and children of O(path) and, with O(depth), the subtree below it as a nested dict.
  - A missing node is not an error; RV(exists) is then false.
options:
  path:
    description: The node, absolute or relative to the connecting domain's home.
    type: str
    default: /
  depth:
    description:
      - How many levels below O(path) to return in RV(tree); V(0) returns no tree, V(-1) the whole subtree.
      - Each level is fetched in one pipelined exchange.
    type: int
    default: 0
extends_documentation_fragment:
  - datacenter.storage.xenstore
  - datacenter.storage.attributes.info_module
"""

EXAMPLES = r"""
- name: Read one key
  datacenter.storage.xenstore_info:
    path: /local/domain/5/name
  register: name

- name: Dump a guest's subtree, two levels deep
  datacenter.storage.xenstore_info:
    path: /local/domain/5
    depth: 2
  register: guest
"""

RETURN = r"""
exists:
  description: Whether the node exists.
  returned: always
  type: bool
value:
  description: The node's value (null if it does not exist).
  returned: always
  type: str
permissions:
  description: The node's permissions as C(owner), C(others) and C(domains); null if it does not exist.
  returned: always
  type: dict
  sample: {"owner": 0, "others": "none", "domains": {"5": "read"}}
children:
  description: The names of the node's children (empty if it does not exist).
  returned: always
  type: list
  elements: str
tree:
  description:
    - "With O(depth), the children of O(path) as C({name: {value, children}}), recursively, O(depth) levels deep;
      nodes at the last level have C(children) null when they have children that were not fetched."
  returned: when O(depth) is not 0
  type: dict
  sample: {"name": {"value": "web", "children": {}}, "memory": {"value": "2048", "children": {}}}
"""

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
