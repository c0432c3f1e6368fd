#!/usr/bin/python
# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: rbd_image_info
short_description: Describe Ceph RBD images
version_added: 0.1.0
description:
  - The images of a pool (and namespace) with size, features, snapshots, parent and metadata.
options:
  pool:
    description: The pool.
    type: str
    default: rbd
  namespace:
    description: The RBD namespace; empty for the default namespace.
    type: str
    default: ''
  name:
    description: Only these images (missing ones are left out). Default all images of the pool/namespace.
    type: list
    elements: str
extends_documentation_fragment:
  - datacenter.storage.rbd
  - datacenter.storage.attributes.info_module
"""

EXAMPLES = r"""
- name: Every image of the pool
  datacenter.storage.rbd_image_info:
    pool: rbd
  register: rbd

- name: Sizes by name
  ansible.builtin.debug:
    msg: "{{ rbd.images | items2dict(key_name='name', value_name='size') }}"
"""

RETURN = r"""
images:
  description: The images, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Image name.
      type: str
    id:
      description: Image id.
      type: str
    size:
      description: Size in bytes.
      type: int
    features:
      description: Feature names, sorted.
      type: list
      elements: str
    object_size:
      description: Object size in bytes.
      type: int
    order:
      description: Object size as a power of two.
      type: int
    stripe_unit:
      description: Stripe unit in bytes.
      type: int
    stripe_count:
      description: Stripe count.
      type: int
    data_pool:
      description: Separate data pool, or null.
      type: str
    parent:
      description: For a clone, C(pool), C(namespace), C(image) and C(snapshot) of its parent; else null.
      type: dict
    metadata:
      description: Image metadata (configuration overrides apart).
      type: dict
    config:
      description: Configuration overrides of the image (C(rbd_qos_iops_limit)...), as strings.
      type: dict
    mirror:
      description: Mirroring of the image, C(disabled), C(journal) or C(snapshot).
      type: str
    group:
      description: The image's RBD group, or null.
      type: str
    snapshots:
      description: User snapshots with C(name), C(id), C(size), C(protected) and C(timestamp) (UTC, ISO 8601).
      type: list
      elements: dict
    block_name_prefix:
      description: Prefix of the image's data objects.
      type: str
    create_timestamp:
      description: Creation time (UTC, ISO 8601).
      type: str
  sample:
    - name: vm-disk-1
      id: 10a6b8b4567
      size: 10737418240
      features: [exclusive-lock, layering]
      object_size: 4194304
      order: 22
      stripe_unit: 4194304
      stripe_count: 1
      data_pool: null
      parent: null
      metadata: {owner: team-a}
      config: {rbd_qos_iops_limit: "500"}
      mirror: disabled
      group: null
      snapshots: [{name: v1, id: 4, size: 10737418240, protected: true, timestamp: "2026-01-01T10:00:00Z"}]
      block_name_prefix: rbd_data.10a6b8b4567
      create_timestamp: "2026-01-01T09:00:00Z"
"""

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
