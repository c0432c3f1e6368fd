#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

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
