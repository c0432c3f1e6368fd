#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

from ansible_collections.datacenter.storage.plugins.module_utils.common.module import StorageModule
from ansible_collections.datacenter.storage.plugins.module_utils.common.rbd import (
    BACKEND, Pools, image_facts,
)
from ansible_collections.datacenter.storage.plugins.module_utils.rbd import rbd as librbd


def main():
    argument_spec = dict(
        pool=dict(type="str", default="rbd"),
        namespace=dict(type="str", default=""),
        name=dict(type="list", elements="str"),
    )
    module = StorageModule(argument_spec, backend=BACKEND, supports_check_mode=True)
    params = module.params
    images = []
    with module.handle_errors("rbd_image_info"):
        with module.open() as cluster:
            pools = Pools(cluster)
            try:
                ioctx = pools.get(params["pool"], params["namespace"])
                names = sorted(librbd.RBD().list(ioctx))
                if params["name"] is not None:
                    names = [name for name in names if name in params["name"]]
                for name in names:
                    try:
                        with librbd.Image(ioctx, name, read_only=True) as image:
                            images.append(dict(image_facts(cluster, image), name=name))
                    except librbd.ImageNotFound:
                        continue  # removed meanwhile
            finally:
                pools.close()
    module.module.exit_json(changed=False, images=images)


if __name__ == "__main__":
    main()
