#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: oio_object_info
short_description: List the objects of an OpenIO SDS container or show one object
version_added: 0.1.0
description:
  - Without O(name), list the objects of a container (optionally under a prefix, with every version).
  - With O(name), return one object with its metadata, properties and, on request, where its chunks are.
options:
  container:
    description: Name of the container.
    type: str
    required: true
  name:
    description: Name of one object to show.
    type: str
  version:
    description: With O(name), the version to show instead of the latest.
    type: int
  prefix:
    description: Without O(name), list only the objects whose name starts with this.
    type: str
  versions:
    description: Without O(name), list every version (delete markers included) instead of the latest ones.
    type: bool
    default: false
  properties:
    description: Without O(name), include the properties of each listed object.
    type: bool
    default: false
  chunks:
    description: With O(name), also return the chunks (URL, position, size, hash) of the object.
    type: bool
    default: false
extends_documentation_fragment:
  - datacenter.storage.oio
  - datacenter.storage.attributes.info_module
"""

EXAMPLES = r"""
- name: List the objects under a prefix
  datacenter.storage.oio_object_info:
    namespace: OPENIO
    account: my_account
    container: backups
    prefix: db/
  register: listing

- name: Show one object with its chunk locations
  datacenter.storage.oio_object_info:
    namespace: OPENIO
    account: my_account
    container: backups
    name: db/2026-11-23.dump
    chunks: true
  register: one
"""

RETURN = r"""
objects:
  description: The listed objects, sorted by name then newest version first.
  returned: when O(name) is not set
  type: list
  elements: dict
  sample:
    - {name: db/a.dump, version: 1763892000000000, size: 12, hash: 6F5902AC237024BDD0C176CB93063DC4,
       policy: SINGLE, mime_type: application/octet-stream, deleted: false, is_latest: true}
object:
  description: The object, empty when it does not exist.
  returned: when O(name) is set
  type: dict
  sample:
    name: db/2026-11-23.dump
    version: 1763892000000000
    id: 2996752DFD7205006B73F17AD315AA2B
    size: 12
    hash: 6F5902AC237024BDD0C176CB93063DC4
    policy: THREECOPIES
    chunk_method: plain/nb_copy=3
    mime_type: application/octet-stream
    ctime: 1763892000
    mtime: 1763892000
    properties: {origin: db1}
    chunks:
      - {url: "http://127.0.0.1:6010/8F3C0000000000000000000000000000", pos: "0", size: 12, hash: 6F5902AC237024BDD0C176CB93063DC4}
exists:
  description: With O(name), whether the object exists.
  returned: when O(name) is set
  type: bool
  sample: true
"""

from ansible_collections.datacenter.storage.plugins.module_utils.common.module import StorageModule
from ansible_collections.datacenter.storage.plugins.module_utils.common.oio import BACKEND
from ansible_collections.datacenter.storage.plugins.module_utils.common.oio_plan import normalise_object as normalise
from ansible_collections.datacenter.storage.plugins.module_utils.oio.common.exceptions import NoSuchContainer, NoSuchObject

LISTED = ("name", "version", "size", "hash", "policy", "chunk_method", "mime_type", "deleted", "is_latest", "ctime", "mtime", "properties")


def main():
    module = StorageModule(
        dict(
            container=dict(type="str", required=True),
            name=dict(type="str"),
            version=dict(type="int"),
            prefix=dict(type="str"),
            versions=dict(type="bool", default=False),
            properties=dict(type="bool", default=False),
            chunks=dict(type="bool", default=False),
        ),
        backend=BACKEND, supports_check_mode=True,
        mutually_exclusive=[("name", "prefix")],
    )
    params = module.params
    account, container, name = params["account"], params["container"], params["name"]
    with module.handle_errors("oio_object_info %s" % container), module.open() as client:
        client.autocreate = False
        try:
            if name is None:
                entries = client.object_list_all(account, container, prefix=params["prefix"], versions=params["versions"],
                                                 properties=params["properties"])
                objects = [normalise({k: e.get(k) for k in LISTED if k in e}) for e in entries]
                module.exit(changed=False, objects=objects)
            try:
                if params["chunks"]:
                    meta, chunks = client.object_locate(account, container, name, version=params["version"])
                    meta["chunks"] = [{"url": c["url"], "pos": c["pos"], "size": int(c["size"]), "hash": c["hash"].upper()} for c in chunks]
                else:
                    meta = client.object_get_properties(account, container, name, version=params["version"])
            except NoSuchObject:
                module.exit(changed=False, exists=False, object={})
            for key in ("container_id", "ns", "hash_method"):
                meta.pop(key, None)
            module.exit(changed=False, exists=True, object=normalise(meta))
        except NoSuchContainer:
            module.fail("container %s/%s does not exist (account=%s container=%s)" % (account, container, account, container))


if __name__ == "__main__":
    main()
