# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rbd_pool's main() on an in-memory cluster: create with application rbd, config, namespaces, check, diff."""

from __future__ import annotations

from ansible_collections.datacenter.storage.plugins.modules import rbd_pool
from ansible_collections.datacenter.storage.tests.unit.plugins.modules.fake_ceph import FakeCeph, new_image, run_rbd_module


def run(ceph, **args):
    return run_rbd_module(rbd_pool, ceph, **args)


def test_create_then_nothing_to_do():
    ceph = FakeCeph()
    first = run(ceph, diff=True, name="p", pg_num=16, config={"rbd_qos_iops_limit": 100}, namespaces=["ns"])
    assert first.result["changed"] and not first.failed
    assert first.result["pool"] == {"name": "p", "applications": ["rbd"], "config": {"rbd_qos_iops_limit": "100"},
                                    "namespaces": ["ns"], "mirror_mode": "disabled"}
    assert first.result["diff"]["before"] == {"p": {}} and first.result["diff"]["after"]["p"] == first.result["pool"]
    assert ceph.calls[:2] == [("pool create", "p", 16), ("pool init", "p")]
    calls = list(ceph.calls)
    second = run(ceph, name="p", pg_num=16, config={"rbd_qos_iops_limit": 100}, namespaces=["ns"])
    assert not second.result["changed"] and second.result["pool"] == first.result["pool"] and ceph.calls == calls


def test_check_mode_predicts_and_changes_nothing():
    ceph = FakeCeph(p={})
    ceph.pools["p"]["config"] = {"rbd_cache": "false"}
    result = run(ceph, check_mode=True, name="p", config={}, purge_config=True, namespaces=["a"],
                 mirror_mode="image").result
    assert result["changed"] and result["pool"]["config"] == {} and result["pool"]["mirror_mode"] == "image"
    assert ceph.calls == [] and ceph.pools["p"]["config"] == {"rbd_cache": "false"}
    done = run(ceph, name="p", config={}, purge_config=True, namespaces=["a"], mirror_mode="image").result
    assert done["pool"] == result["pool"]


def test_purge_namespaces_removes_only_with_purge():
    ceph = FakeCeph(p={})
    ceph.pools["p"]["namespaces"] = ["old"]
    kept = run(ceph, name="p", namespaces=["new"]).result
    assert kept["pool"]["namespaces"] == ["new", "old"]
    purged = run(ceph, name="p", namespaces=["new"], purge_namespaces=True).result
    assert purged["changed"] and purged["pool"]["namespaces"] == ["new"] and ("namespace remove", "old") in ceph.calls


def test_absent_pool_with_images_needs_force():
    ceph = FakeCeph(p={"img": new_image(1 << 20)})
    refused = run(ceph, name="p", state="absent")
    assert refused.failed and "state='absent'" in refused.result["msg"] and "force=true" in refused.result["msg"]
    assert "p" in ceph.pools
    removed = run(ceph, name="p", state="absent", force=True).result
    assert removed["changed"] and removed["pool"] == {} and "p" not in ceph.pools
    assert not run(ceph, name="p", state="absent").result["changed"]


def test_bad_input_fails_naming_the_parameter():
    ceph = FakeCeph()
    for args, named in ((dict(pg_num=0), "pg_num=0"), (dict(config={"osd_max": 1}), "config=")):
        done = run(ceph, name="p", **args)
        assert done.failed and done.result["msg"].startswith(named), done.result["msg"]
    assert ceph.calls == [] and ceph.pools == {}
