# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rbd_image's main() on an in-memory cluster: create, grow, metadata, config, group, remove; check mode, diff."""

from __future__ import annotations

from ansible_collections.datacenter.storage.plugins.modules import rbd_image
from ansible_collections.datacenter.storage.tests.unit.plugins.modules.fake_ceph import FakeCeph, new_image, run_rbd_module


def run(ceph, **args):
    return run_rbd_module(rbd_image, ceph, **dict(dict(pool="rbd"), **args))


def test_create_then_nothing_to_do():
    ceph = FakeCeph(rbd={})
    first = run(ceph, diff=True, name="img", size="1M", metadata={"owner": "ops"}, config={"rbd_qos_iops_limit": 10})
    assert first.result["changed"] and first.result["image"]["size"] == 1 << 20
    assert first.result["image"]["metadata"] == {"owner": "ops"}
    assert first.result["image"]["config"] == {"rbd_qos_iops_limit": "10"}
    assert first.result["diff"]["before"] == {"rbd/img": {}}
    assert ceph.calls[0] == ("create", "img.rbd_image-incomplete", 1 << 20)  # built under a staging name
    assert ceph.calls[-1] == ("rename", "img.rbd_image-incomplete", "img")
    calls = list(ceph.calls)
    second = run(ceph, name="img", size="1M", metadata={"owner": "ops"}, config={"rbd_qos_iops_limit": 10})
    assert not second.result["changed"] and ceph.calls == calls


def test_check_mode_predicts_and_changes_nothing():
    ceph = FakeCeph(rbd={"img": new_image(1 << 20)})
    result = run(ceph, check_mode=True, name="img", size="2M", group="g", metadata={"k": "v"}).result
    assert result["changed"] and result["image"]["size"] == 2 << 20 and result["image"]["group"] == "g"
    assert ceph.calls == [] and ceph.pools["rbd"]["images"]["img"]["size"] == 1 << 20
    applied = run(ceph, name="img", size="2M", group="g", metadata={"k": "v"}).result
    assert applied["image"] == result["image"]
    assert ("group create", "g") in ceph.calls and ("group add", "g", "img") in ceph.calls


def test_shrink_needs_allow_shrink():
    ceph = FakeCeph(rbd={"img": new_image(2 << 20)})
    refused = run(ceph, name="img", size="1M")
    assert refused.failed and refused.result["msg"].startswith("size='1M'") and ceph.calls == []
    assert run(ceph, name="img", size="1M", allow_shrink=True).result["image"]["size"] == 1 << 20


def test_images_list_in_order_and_absent():
    ceph = FakeCeph(rbd={"old": new_image(1 << 20)})
    result = run(ceph, size="1M", images=[{"name": "new"}, {"name": "old", "state": "absent"}]).result
    assert [(r["name"], r["changed"]) for r in result["images"]] == [("new", True), ("old", True)]
    assert set(ceph.pools["rbd"]["images"]) == {"new"}
    again = run(ceph, size="1M", images=[{"name": "new"}, {"name": "old", "state": "absent"}]).result
    assert not again["changed"]


def test_bad_input_fails_naming_the_parameter_before_any_change():
    ceph = FakeCeph(rbd={})
    for args, named in ((dict(size="lots"), "size='lots'"), (dict(size="1M", object_size="3K"), "object_size='3K'"),
                        (dict(size="1M", metadata={"conf_x": "1"}), "metadata="),
                        (dict(size="1M", config={"osd_x": 1}), "config="), (dict(), "size=None")):
        done = run(ceph, name="img", **args)
        assert done.failed and done.result["msg"].startswith(named), done.result["msg"]
    assert ceph.calls == [] and ceph.pools["rbd"]["images"] == {}
