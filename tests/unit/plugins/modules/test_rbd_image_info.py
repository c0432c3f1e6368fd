# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rbd_image_info's main() on an in-memory cluster: every image or the named ones, never a change."""

from __future__ import annotations

from ansible_collections.datacenter.storage.plugins.modules import rbd_image_info
from ansible_collections.datacenter.storage.tests.unit.plugins.modules.fake_ceph import FakeCeph, new_image, run_rbd_module


def cluster():
    ceph = FakeCeph(rbd={"a": new_image(1 << 20), "b": new_image(2 << 20)})
    ceph.pools["rbd"]["images"]["b"].update(metadata={"owner": "ops"}, config={"rbd_qos_iops_limit": "50"},
                                            group="g")
    return ceph


def test_lists_every_image_sorted():
    ceph = cluster()
    done = run_rbd_module(rbd_image_info, ceph, pool="rbd")
    assert not done.failed and not done.result["changed"]
    images = done.result["images"]
    assert [image["name"] for image in images] == ["a", "b"] and ceph.calls == []
    assert images[1]["size"] == 2 << 20 and images[1]["metadata"] == {"owner": "ops"}
    assert images[1]["config"] == {"rbd_qos_iops_limit": "50"} and images[1]["group"] == "g"
    assert images[0]["features"] == ["layering"] and images[0]["mirror"] == "disabled" and images[0]["parent"] is None
    assert images[0]["create_timestamp"] == "2026-01-01T09:00:00Z"


def test_named_images_only_and_missing_ones_skipped():
    done = run_rbd_module(rbd_image_info, cluster(), pool="rbd", name=["b", "zz"])
    assert [image["name"] for image in done.result["images"]] == ["b"]


def test_missing_pool_or_namespace_fails_naming_it():
    ceph = cluster()
    assert "pool nope" in run_rbd_module(rbd_image_info, ceph, pool="nope").result["msg"]
    failed = run_rbd_module(rbd_image_info, ceph, pool="rbd", namespace="ns")
    assert failed.failed and "namespace ns" in failed.result["msg"]
