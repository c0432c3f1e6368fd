# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""rbd_snapshot's main() on an in-memory cluster: create, protect, rename, rollback, remove; check mode, diff."""

from __future__ import annotations

from ansible_collections.datacenter.storage.plugins.modules import rbd_snapshot
from ansible_collections.datacenter.storage.tests.unit.plugins.modules.fake_ceph import FakeCeph, new_image, run_rbd_module


def run(ceph, **args):
    return run_rbd_module(rbd_snapshot, ceph, **dict(dict(pool="rbd", image="img"), **args))


def cluster():
    return FakeCeph(rbd={"img": new_image(8 << 20)})


def test_create_protect_then_nothing_to_do():
    ceph = cluster()
    first = run(ceph, diff=True, name="s", protected=True)
    assert first.result["changed"] and first.result["snapshot"] == {"name": "s", "size": 8 << 20, "protected": True,
                                                                    "children": []}
    assert first.result["diff"]["before"] == {"rbd/img@s": {}}
    assert ceph.calls == [("snap create", "img", "s"), ("snap protect", "img", "s")]
    second = run(ceph, name="s", protected=True)
    assert not second.result["changed"] and len(ceph.calls) == 2


def test_check_mode_predicts_and_changes_nothing():
    ceph = cluster()
    result = run(ceph, check_mode=True, name="s", protected=True).result
    assert result["changed"] and result["snapshot"]["protected"] and ceph.calls == []
    assert ceph.pools["rbd"]["images"]["img"]["snaps"] == {}


def test_rename_from_keeps_the_snapshot():
    ceph = cluster()
    run(ceph, name="old")
    renamed = run(ceph, name="new", rename_from="old").result
    assert renamed["changed"] and ceph.calls[-1] == ("snap rename", "img", "old", "new")
    assert list(ceph.pools["rbd"]["images"]["img"]["snaps"]) == ["new"]


def test_rollback_only_when_the_head_differs():
    ceph = cluster()
    run(ceph, name="s")
    assert not run(ceph, name="s", rollback=True).result["changed"]
    ceph.pools["rbd"]["images"]["img"]["data"][4096] = b"x" * 4096
    rolled = run(ceph, name="s", rollback=True).result
    assert rolled["changed"] and ceph.calls[-1] == ("snap rollback", "img", "s")
    assert not run(ceph, name="s", rollback=True).result["changed"]


def test_absent_unprotects_then_removes_but_not_with_clones():
    ceph = cluster()
    run(ceph, name="s", protected=True)
    ceph.pools["rbd"]["images"]["img"]["snaps"]["s"]["children"] = ["clone"]
    refused = run(ceph, name="s", state="absent")
    assert refused.failed and "rbd/clone" in refused.result["msg"] and "s" in ceph.pools["rbd"]["images"]["img"]["snaps"]
    ceph.pools["rbd"]["images"]["img"]["snaps"]["s"]["children"] = []
    removed = run(ceph, name="s", state="absent").result
    assert removed["changed"] and ceph.calls[-2:] == [("snap unprotect", "img", "s"), ("snap remove", "img", "s")]
    assert not run(ceph, name="s", state="absent").result["changed"]


def test_missing_image_or_bad_combination_fails_cleanly():
    ceph = cluster()
    missing = run(ceph, image="nope", name="s")
    assert missing.failed and "rbd/nope@s" in missing.result["msg"]
    bad = run(ceph, name="s", state="absent", rollback=True)
    assert bad.failed and bad.result["msg"].startswith("state='absent'") and ceph.calls == []
