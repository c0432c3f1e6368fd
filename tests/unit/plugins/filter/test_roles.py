# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.datacenter.storage.plugins.filter.roles import (
    FilterModule, oio_buckets_containers, oio_buckets_objects, rbd_volumes_doomed, rbd_volumes_doomed_images,
    rbd_volumes_doomed_snapshots, rbd_volumes_existing, rbd_volumes_images, rbd_volumes_lookups, rbd_volumes_snapshots,
    rbd_volumes_todo, xen_guests, xenstore_dirs)

IMAGES = [
    {"name": "base", "size": "1G", "snapshots": ["gold", {"name": "v2", "protected": False}], "features": None},
    {"name": "vm1", "pool": "vms", "clone_from": {"image": "base", "snapshot": "gold", "pool": "rbd"}},
    {"name": "gone", "state": "absent"},
]


def test_images_fill_the_role_defaults_and_drop_role_fields():
    assert rbd_volumes_images(IMAGES, "rbd", "") == [
        {"pool": "rbd", "namespace": "", "state": "present", "name": "base", "size": "1G"},
        {"pool": "vms", "namespace": "", "state": "present", "name": "vm1",
         "clone_from": {"image": "base", "snapshot": "gold", "pool": "rbd"}},
        {"pool": "rbd", "namespace": "", "state": "absent", "name": "gone"},
    ]


def test_snapshots_of_present_images_say_whether_the_image_is_a_clone():
    present = [i for i in rbd_volumes_images(IMAGES, "rbd", "ns") if i["state"] == "present"]
    assert rbd_volumes_snapshots(present, IMAGES) == [
        {"name": "gold", "pool": "rbd", "namespace": "ns", "image": "base", "clone": False},
        {"name": "v2", "protected": False, "pool": "rbd", "namespace": "ns", "image": "base", "clone": False},
    ]


def test_lookups_group_names_by_place_parents_included():
    present = [i for i in rbd_volumes_images(IMAGES, "rbd", "") if i["state"] == "present"]
    assert rbd_volumes_lookups(present) == [
        {"pool": "rbd", "namespace": "", "names": ["base", "base"]},
        {"pool": "vms", "namespace": "", "names": ["vm1"]},
    ]


def test_existing_reads_the_info_loop():
    results = [{"item": {"pool": "rbd", "namespace": ""}, "images": [{"name": "base", "snapshots": [{"name": "gold"}]}]},
               {"item": {"pool": "vms", "namespace": ""}, "skipped": True}]
    assert rbd_volumes_existing(results) == {"images": ["rbd//base"], "snapshots": ["rbd//base@gold"]}
    assert rbd_volumes_existing(None) == {"images": [], "snapshots": []}


def test_xenstore_dirs_lists_each_directory_then_its_entries():
    perms = {"owner": 0}
    assert xenstore_dirs([["/a", {"x": 1, "y": True}, perms], ["/b", {}, perms]]) == [
        {"path": "/a", "permissions": perms},
        {"path": "/a/x", "value": "1", "permissions": perms},
        {"path": "/a/y", "value": "True", "permissions": perms},
        {"path": "/b", "permissions": perms},
    ]


def test_every_filter_is_registered():
    assert set(FilterModule().filters()) == {"rbd_volumes_images", "rbd_volumes_snapshots", "rbd_volumes_existing",
                                             "rbd_volumes_lookups", "xenstore_dirs", "oio_buckets_objects", "xen_guests",
                                             "rbd_volumes_todo", "rbd_volumes_doomed", "rbd_volumes_doomed_snapshots",
                                             "rbd_volumes_doomed_images", "oio_buckets_containers"}


def test_bucket_objects_of_present_containers_carry_their_container():
    containers = [
        {"name": "a", "objects": [{"name": "x", "content": "1"}, {"src": "/srv/www/", "prefix": "www/"}]},
        {"name": "b", "state": "absent", "objects": [{"name": "y"}]},
        {"name": "c"},
        {"name": "d", "state": "present", "objects": [{"name": "z", "state": "absent"}]},
    ]
    assert oio_buckets_objects(containers) == [
        {"container": "a", "name": "x", "content": "1"},
        {"container": "a", "src": "/srv/www/", "prefix": "www/"},
        {"container": "d", "name": "z", "state": "absent"},
    ]
    assert oio_buckets_objects(containers, ["a"]) == [{"container": "d", "name": "z", "state": "absent"}]


def test_xen_guests_one_list_per_bulk_form():
    plan = xen_guests([{"name": "g1", "domid": 5, "seed_content": "#cloud-config"},
                       {"name": "g2", "domid": 6, "disk_namespace": "ns", "disk_features": ["layering"], "data": {"k": 1}}],
                      {"disk_size": "64M", "disk_pool": "vms"})
    assert plan["images"] == [
        {"pool": "vms", "namespace": "", "name": "g1-disk", "size": "64M", "flatten": False,
         "metadata": {"xen-guest": "g1", "xen-vdev": "xvda"}},
        {"pool": "vms", "namespace": "ns", "name": "g2-disk", "size": "64M", "flatten": False,
         "metadata": {"xen-guest": "g2", "xen-vdev": "xvda"}, "features": ["layering"]},
    ]
    assert plan["containers"] == [{"name": "xen-seeds", "objects": [
        {"name": "g1/seed", "content": "#cloud-config", "properties": {"xen-guest": "g1"}}]}]
    assert plan["frontends"] == ["/local/domain/5/device/vbd/51712", "/local/domain/6/device/vbd/51712"]
    keys = {entry["path"]: entry for entry in plan["xenstore_keys"]}
    assert len(plan["xenstore_keys"]) == 2 * 3 + (9 + 4 + 2) + (9 + 4 + 1)  # directories, then their entries
    assert keys["/local/domain/0/backend/vbd/6/51712/params"]["value"] == "rbd:vms/ns/g2-disk"
    assert keys["/local/domain/5/data/seed/object"]["value"] == "g1/seed"
    assert keys["/local/domain/6/data/k"]["value"] == "1"
    assert keys["/local/domain/6/device/vbd/51712"]["permissions"] == {"owner": 6, "others": "none", "domains": {0: "read"}}


def test_xen_guests_refuse_a_guest_twice_or_without_domid():
    with pytest.raises(ValueError, match="domid 5 is given twice"):
        xen_guests([{"name": "a", "domid": 5}, {"name": "b", "domid": 5}])
    with pytest.raises(ValueError, match="has no domid"):
        xen_guests([{"name": "a"}])


def test_todo_leaves_out_clones_of_missing_snapshots_in_check_mode_only():
    batch = [{"name": "a", "pool": "rbd", "namespace": ""},
             {"name": "b", "pool": "rbd", "namespace": "ns", "clone_from": {"image": "base", "snapshot": "gold"}},
             {"name": "c", "pool": "rbd", "namespace": "", "clone_from": {"image": "base", "snapshot": "v2",
                                                                          "pool": "golden", "namespace": ""}}]
    existing = {"images": [], "snapshots": ["rbd/ns/base@gold"]}
    assert rbd_volumes_todo(batch, existing, False) == batch
    assert [i["name"] for i in rbd_volumes_todo(batch, existing, True)] == ["a", "b"]
    existing["snapshots"].append("golden//base@v2")
    assert [i["name"] for i in rbd_volumes_todo(batch, existing, True)] == ["a", "b", "c"]


# The registered loop of rbd_image_info over two images to remove: a clone of base@gold, and base itself.
DOOMED_INFO = [
    {"item": {"pool": "rbd", "namespace": "", "name": "vm1", "trash": True},
     "images": [{"name": "vm1", "snapshots": [{"name": "s1"}],
                 "parent": {"pool": "rbd", "namespace": "", "image": "base", "snapshot": "gold"}}]},
    {"item": {"pool": "rbd", "namespace": "", "name": "base"},
     "images": [{"name": "base", "snapshots": [{"name": "gold"}, {"name": "v2"}], "parent": None}]},
    {"item": {"pool": "rbd", "namespace": "", "name": "missing"}, "images": []},
]


def test_doomed_splits_clones_from_the_other_images():
    assert rbd_volumes_doomed(DOOMED_INFO, True) == [
        {"pool": "rbd", "namespace": "", "name": "vm1", "trash": True, "snapshots": ["s1"]}]
    assert rbd_volumes_doomed(DOOMED_INFO, False) == [
        {"pool": "rbd", "namespace": "", "name": "base", "trash": False, "snapshots": ["gold", "v2"]}]


def test_doomed_snapshots_leave_out_the_parents_of_clones_in_check_mode_only():
    others = rbd_volumes_doomed(DOOMED_INFO, False)
    gold, v2 = ({"pool": "rbd", "namespace": "", "image": "base", "name": name} for name in ("gold", "v2"))
    assert rbd_volumes_doomed_snapshots(others, DOOMED_INFO, False) == [gold, v2]
    assert rbd_volumes_doomed_snapshots(others, DOOMED_INFO, True) == [v2]


def test_doomed_images_leave_out_those_with_snapshots_in_check_mode_only():
    doomed = rbd_volumes_doomed(DOOMED_INFO, False) + [
        {"pool": "p", "namespace": "n", "name": "bare", "trash": False, "snapshots": []}]
    assert rbd_volumes_doomed_images(doomed, False) == [
        {"pool": "rbd", "namespace": "", "name": "base", "state": "absent", "trash": False},
        {"pool": "p", "namespace": "n", "name": "bare", "state": "absent", "trash": False}]
    assert rbd_volumes_doomed_images(doomed, True) == [
        {"pool": "p", "namespace": "n", "name": "bare", "state": "absent", "trash": False}]


def test_bucket_containers_lose_their_objects_only():
    containers = [{"name": "a", "force": True, "objects": [{"name": "o"}]}, {"name": "b"}]
    assert oio_buckets_containers(containers) == [{"name": "a", "force": True}, {"name": "b"}]
    assert containers[0]["objects"] == [{"name": "o"}]
