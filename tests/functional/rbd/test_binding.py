# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Our cffi binding against the lab cluster, cross-checked with the rbd CLI and python3-rbd."""

import os
import subprocess
import threading

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.rbd import rados, rbd, transfer
from ansible_collections.datacenter.storage.plugins.module_utils.rbd.features import features_to_names
from rbd_lab import COLLECTIONS, PYTHON

MiB = 1 << 20


def test_cluster_fsid_pools_and_lookup(cluster, lab):
    fsid = subprocess.run(["ceph", "-c", lab.conf, "fsid"], capture_output=True, text=True, check=True).stdout.strip()
    assert cluster.get_fsid() == fsid
    pools = cluster.list_pools()
    assert lab.pool in pools and lab.data_pool in pools
    assert cluster.pool_exists(lab.pool)
    assert cluster.pool_lookup("no-such-pool") is None
    pool_id = cluster.pool_lookup(lab.pool)
    assert cluster.pool_reverse_lookup(pool_id) == lab.pool
    with cluster.open_ioctx2(pool_id) as io:
        assert io.get_pool_name() == lab.pool and io.get_pool_id() == pool_id
    with pytest.raises(rados.ObjectNotFound):
        cluster.open_ioctx("no-such-pool")


def test_rados_context_manager_and_states(lab):
    with rados.Rados(conffile=lab.conf, rados_id=lab.client.split(".", 1)[1], conf={"keyring": lab.keyring}) as c:
        assert c.state == "connected"
        assert c.conf_get("keyring") == lab.keyring
    assert c.state == "shutdown"
    with pytest.raises(rados.RadosStateError):
        c.list_pools()


def test_create_options_seen_by_rbd_info(ioctx, lab, names, rbd_api):
    name = names()
    features = rbd.RBD_FEATURE_LAYERING | rbd.RBD_FEATURE_EXCLUSIVE_LOCK | rbd.RBD_FEATURE_STRIPINGV2
    rbd_api.create(ioctx, name, 12 * MiB, order=21, features=features, stripe_unit=512 * 1024, stripe_count=4,
                   data_pool=lab.data_pool)
    info = lab.cli("info", "%s/%s" % (lab.pool, name))
    assert info["size"] == 12 * MiB
    assert info["order"] == 21 and info["object_size"] == 2 * MiB
    assert info["stripe_unit"] == 512 * 1024 and info["stripe_count"] == 4
    assert info["data_pool"] == lab.data_pool
    with rbd.Image(ioctx, name) as image:
        assert sorted(info["features"]) == features_to_names(image.features())
        assert image.id() == info["id"]
        assert image.block_name_prefix() == info["block_name_prefix"]
        assert image.stripe_unit() == 512 * 1024 and image.stripe_count() == 4
        assert image.data_pool_id() == ioctx.rados.pool_lookup(lab.data_pool)
        assert image.stat()["order"] == 21
    assert name in rbd_api.list(ioctx)
    assert {"id": info["id"], "name": name} in rbd_api.list2(ioctx)


def test_write_read_round_trip_and_peer_reads_same_bytes(ioctx, lab, names, rbd_api):
    name = names()
    rbd_api.create(ioctx, name, 8 * MiB)
    payload = os.urandom(MiB + 123)
    with rbd.Image(ioctx, name) as image:
        assert image.write(payload, 4096) == len(payload)
        image.write(memoryview(payload)[:10], 7 * MiB)
        image.flush()
        assert image.read(4096, len(payload)) == payload
        assert image.read(8 * MiB - 5, 100) == b"\0" * 5  # short read at the end
        buf = bytearray(10)
        assert image.readinto(buf, 7 * MiB) == 10 and bytes(buf) == payload[:10]
    peer = lab.peer("img = rbd.Image(ioctx, values['name'])\n"
                    "result = img.read(4096 + 1048576, 123).hex()\nimg.close()", name=name)
    assert peer == payload[MiB:].hex()
    with rbd.Image(ioctx, name) as image:
        image.discard(0, 4 * MiB)  # a whole object: partial discards may be skipped by librbd
        assert image.read(4096, 16) == b"\0" * 16


def test_aio_write_and_read_with_callbacks(ioctx, names, rbd_api):
    name = names()
    rbd_api.create(ioctx, name, 16 * MiB)
    chunks = [os.urandom(256 * 1024) for _index in range(16)]
    done = []
    with rbd.Image(ioctx, name) as image:
        comps = [image.aio_write(chunk, i * len(chunk), lambda c: done.append(c.get_return_value()))
                 for i, chunk in enumerate(chunks)]
        for comp in comps:
            comp.wait_for_complete_and_cb()
            assert comp.is_complete()
        assert sorted(done) == [0] * 16
        reads = {}
        comps = [image.aio_read(i * 256 * 1024, 256 * 1024, lambda c, data, i=i: reads.__setitem__(i, data))
                 for i in range(16)]
        for comp in comps:
            comp.wait_for_complete_and_cb()
            assert comp.get_return_value() == 256 * 1024
        assert [reads[i] for i in range(16)] == chunks
        failing = image.aio_read(0, 10, lambda c, data: 1 / 0)
        with pytest.raises(ZeroDivisionError):
            failing.wait_for_complete_and_cb()


def test_snapshots_match_rbd_snap_ls(ioctx, lab, names, rbd_api):
    name = names()
    spec = "%s/%s" % (lab.pool, name)
    rbd_api.create(ioctx, name, 4 * MiB, features=rbd.RBD_FEATURE_LAYERING)
    with rbd.Image(ioctx, name) as image:
        image.write(b"before", 0)
        image.create_snap("s1")
        image.write(b"after!", 0)
        image.create_snap("s2")
        image.rename_snap("s2", "s2b")
        image.protect_snap("s1")
        assert image.is_protected_snap("s1") and not image.is_protected_snap("s2b")
        ours = list(image.list_snaps())
        cli = lab.cli("snap", "ls", spec)
        assert [(s["id"], s["name"], s["size"]) for s in ours] == [(s["id"], s["name"], s["size"]) for s in cli]
        assert cli[0]["protected"] == "true" and cli[1]["protected"] == "false"
        with pytest.raises(rbd.ImageBusy):
            image.remove_snap("s1")  # protected
        image.rollback_to_snap("s1")
        assert image.read(0, 6) == b"before"
        assert image.snap_exists("s2b") and not image.snap_exists("s2")
        image.remove_snap("s2b")
        image.unprotect_snap("s1")
        image.remove_snap("s1")
        assert len(image.list_snaps()) == 0
    assert lab.cli("snap", "ls", spec) == []


def test_open_at_snapshot_is_read_only(ioctx, names, rbd_api):
    name = names()
    rbd_api.create(ioctx, name, MiB)
    with rbd.Image(ioctx, name) as image:
        image.write(b"v1", 0)
        image.create_snap("s")
        image.write(b"v2", 0)
    with rbd.Image(ioctx, name, snapshot="s") as at_snap:
        assert at_snap.read(0, 2) == b"v1"
        with pytest.raises(rbd.ReadOnlyImage):
            at_snap.write(b"xx", 0)
    with rbd.Image(ioctx, name, read_only=True) as image:
        assert image.read(0, 2) == b"v2"
        with pytest.raises(rbd.ReadOnlyImage):
            image.write(b"xx", 0)


def test_clone_children_parent_flatten(ioctx, lab, names, rbd_api):
    parent, child = names("p"), names("c")
    rbd_api.create(ioctx, parent, 4 * MiB, features=rbd.RBD_FEATURE_LAYERING)
    with rbd.Image(ioctx, parent) as image:
        image.write(b"golden", 0)
        image.create_snap("base")
        with pytest.raises(rbd.InvalidArgument):
            rbd_api.clone(ioctx, parent, "base", ioctx, child)  # not protected
        image.protect_snap("base")
    rbd_api.clone(ioctx, parent, "base", ioctx, child, features=rbd.RBD_FEATURE_LAYERING)
    children = lab.cli("children", "%s/%s@base" % (lab.pool, parent))
    assert [(c["pool"], c["image"]) for c in children] == [(lab.pool, child)]
    with rbd.Image(ioctx, parent, snapshot="base") as at_snap:
        assert at_snap.list_children() == [(lab.pool, child)]
    with rbd.Image(ioctx, child) as image:
        assert image.parent_info() == (lab.pool, parent, "base")
        info = lab.cli("info", "%s/%s" % (lab.pool, child))
        assert info["parent"]["image"] == parent and info["parent"]["snapshot"] == "base"
        assert image.parent_id() == lab.cli("info", "%s/%s" % (lab.pool, parent))["id"]
        assert image.read(0, 6) == b"golden"
        image.flatten()
        with pytest.raises(rbd.ImageNotFound):
            image.parent_info()
    assert "parent" not in lab.cli("info", "%s/%s" % (lab.pool, child))
    assert lab.cli("children", "%s/%s@base" % (lab.pool, parent)) == []


def test_copy_and_deep_copy(ioctx, lab, names, rbd_api):
    src, copy, deep = names(), names(), names()
    rbd_api.create(ioctx, src, 2 * MiB)
    with rbd.Image(ioctx, src) as image:
        image.write(b"data", 100)
        image.create_snap("s")
        image.copy(ioctx, copy)
        image.deep_copy(ioctx, deep)
    with rbd.Image(ioctx, copy) as image:
        assert image.read(100, 4) == b"data" and len(image.list_snaps()) == 0
    assert [s["name"] for s in lab.cli("snap", "ls", "%s/%s" % (lab.pool, deep))] == ["s"]


def test_metadata_matches_image_meta_list(ioctx, lab, names, rbd_api):
    name = names()
    rbd_api.create(ioctx, name, MiB)
    with rbd.Image(ioctx, name) as image:
        for i in range(70):  # more than one page of metadata_list
            image.metadata_set("key%02d" % i, "value %d" % i)
        image.metadata_remove("key00")
        with pytest.raises(KeyError):
            image.metadata_get("key00")
        with pytest.raises(KeyError):
            image.metadata_remove("key00")
        assert image.metadata_get("key05") == "value 5"
        ours = dict(image.metadata_list())
    assert ours == lab.cli("image-meta", "list", "%s/%s" % (lab.pool, name))
    assert len(ours) == 69


def test_trash_move_list_get_restore_remove(ioctx, lab, names, rbd_api):
    name = names()
    rbd_api.create(ioctx, name, MiB)
    rbd_api.trash_move(ioctx, name)
    assert name not in rbd_api.list(ioctx)
    entry = [e for e in rbd_api.trash_list(ioctx) if e["name"] == name][0]
    assert {"id": entry["id"], "name": name} in [{"id": e["id"], "name": e["name"]} for e in lab.cli("trash", "ls", lab.pool)]
    assert rbd_api.trash_get(ioctx, entry["id"])["name"] == name
    rbd_api.trash_restore(ioctx, entry["id"], name)
    assert name in lab.cli("ls", lab.pool)
    rbd_api.trash_move(ioctx, name)
    rbd_api.trash_remove(ioctx, entry["id"])
    assert all(e["name"] != name for e in lab.cli("trash", "ls", lab.pool))


def test_namespaces(cluster, lab, names, rbd_api):
    ns = "ns-" + names()
    with cluster.open_ioctx(lab.pool) as io:
        rbd_api.namespace_create(io, ns)
        try:
            assert rbd_api.namespace_exists(io, ns)
            assert ns in [n["name"] for n in lab.cli("namespace", "ls", lab.pool)]
            assert ns in rbd_api.namespace_list(io)
            io.set_namespace(ns)
            assert io.get_namespace() == ns
            rbd_api.create(io, "inner", MiB)
            assert lab.cli("ls", "%s/%s" % (lab.pool, ns)) == ["inner"]
            assert "inner" not in lab.cli("ls", lab.pool)
            rbd_api.remove(io, "inner")
            io.set_namespace("")
        finally:
            rbd_api.namespace_remove(io, ns)
        assert not rbd_api.namespace_exists(io, ns)


def test_pool_metadata_seen_by_python3_rbd(ioctx, lab, rbd_api):
    key = "test_key_%d" % os.getpid()
    rbd_api.pool_metadata_set(ioctx, key, "v1")
    try:
        assert rbd_api.pool_metadata_get(ioctx, key) == "v1"
        assert (key, "v1") in rbd_api.pool_metadata_list(ioctx)
        peer = lab.peer("result = rbd.RBD().pool_metadata_get(ioctx, values['key'])", key=key)
        assert peer == "v1"
    finally:
        rbd_api.pool_metadata_remove(ioctx, key)
    with pytest.raises(KeyError):  # as upstream
        rbd_api.pool_metadata_get(ioctx, key)


def test_locks_watchers_and_busy_remove(ioctx, lab, names, rbd_api):
    name = names()
    spec = "%s/%s" % (lab.pool, name)
    rbd_api.create(ioctx, name, MiB, features=rbd.RBD_FEATURE_LAYERING)
    with rbd.Image(ioctx, name) as image:
        assert image.list_lockers() == []
        image.lock_exclusive("cookie-1")
        lockers = image.list_lockers()
        cli = lab.cli("lock", "ls", spec)
        assert lockers["exclusive"] is True
        assert [(c, k) for c, k, _addr in lockers["lockers"]] == [(lk["locker"], lk["id"]) for lk in cli]
        image.unlock("cookie-1")
        watchers = image.watchers_list()
        status = lab.cli("status", spec)
        assert [w["addr"] for w in watchers] == [w["address"] for w in status["watchers"]]
        with pytest.raises(rbd.ImageBusy):
            rbd_api.remove(ioctx, name)  # we watch it
    rbd_api.remove(ioctx, name)


def test_resize_features_object_map_rebuild(ioctx, lab, names, rbd_api):
    name = names()
    spec = "%s/%s" % (lab.pool, name)
    rbd_api.create(ioctx, name, 8 * MiB, features=rbd.RBD_FEATURE_LAYERING | rbd.RBD_FEATURE_EXCLUSIVE_LOCK)
    with rbd.Image(ioctx, name) as image:
        image.write(b"x" * 4096, 5 * MiB)
        image.resize(16 * MiB)
        assert image.size() == 16 * MiB
        image.resize(4 * MiB, allow_shrink=True)
        image.update_features(rbd.RBD_FEATURE_OBJECT_MAP, True)
        assert image.flags() & rbd.RBD_FLAG_OBJECT_MAP_INVALID
        image.rebuild_object_map()
        assert not image.flags() & rbd.RBD_FLAG_OBJECT_MAP_INVALID
    info = lab.cli("info", spec)
    assert info["size"] == 4 * MiB
    assert "object-map" in info["features"] and info["flags"] == []
    with rbd.Image(ioctx, name) as image:
        image.update_features(rbd.RBD_FEATURE_OBJECT_MAP, False)
    assert "object-map" not in lab.cli("info", spec)["features"]


def test_diff_iterate_since_snapshot(ioctx, names, rbd_api):
    name = names()
    rbd_api.create(ioctx, name, 8 * MiB)
    with rbd.Image(ioctx, name) as image:
        image.write(b"a" * 4096, 0)
        image.create_snap("s")
        image.write(b"b" * 4096, 6 * MiB)
        extents = []
        image.diff_iterate(0, image.size(), "s", lambda off, length, exists: extents.append((off, length, exists)))
        # Only the second object changed; the extent covers the write (granularity is librbd's choice).
        assert len(extents) == 1 and extents[0][2] is True
        assert 4 * MiB <= extents[0][0] <= 6 * MiB <= 6 * MiB + 4096 <= extents[0][0] + extents[0][1] <= 8 * MiB
        extents = []
        image.diff_iterate(0, image.size(), None, lambda *e: extents.append(e))
        assert extents[0][0] == 0 and len(extents) == 2


def test_errors_are_upstream_classes(ioctx, names, rbd_api):
    name = names()
    with pytest.raises(rbd.ImageNotFound) as err:
        rbd.Image(ioctx, name)
    assert err.value.errno == 2 and name in str(err.value)
    rbd_api.create(ioctx, name, MiB)
    with pytest.raises(rbd.ImageExists):
        rbd_api.create(ioctx, name, MiB)
    with rbd.Image(ioctx, name) as image:
        image.create_snap("s")
        with pytest.raises(rbd.InvalidArgument):
            image.write(b"x", 5 * MiB)  # past the end
    with pytest.raises(rbd.ImageHasSnapshots):
        rbd_api.remove(ioctx, name)
    image = rbd.Image(ioctx, name)
    image.close()
    with pytest.raises(rbd.InvalidArgument):  # as upstream: rbd's own InvalidArgument
        image.size()


def test_create_timestamp_and_name(ioctx, lab, names, rbd_api):
    name = names()
    rbd_api.create(ioctx, name, MiB)
    with rbd.Image(ioctx, name) as image:
        ours = image.create_timestamp()
        assert image.get_name() == name
    peer = lab.peer("img = rbd.Image(ioctx, values['name'])\nresult = str(img.create_timestamp())\nimg.close()",
                    name=name)
    assert ours.replace(microsecond=0) == ours.fromisoformat(peer).replace(microsecond=0)


def test_rename_and_shared_locks(ioctx, lab, names, rbd_api):
    name, new_name = names(), names()
    rbd_api.create(ioctx, name, MiB, features=rbd.RBD_FEATURE_LAYERING)
    rbd_api.rename(ioctx, name, new_name)
    assert lab.cli("ls", lab.pool).count(new_name) == 1 and name not in lab.cli("ls", lab.pool)
    # python3-rbd takes a shared lock and exits; we see it and break it (which blocklists that client).
    lab.peer("img = rbd.Image(ioctx, values['name'])\nimg.lock_shared('c1', 'tag-x')\nimg.close()\nresult = None",
             name=new_name)
    with rbd.Image(ioctx, new_name) as image:
        lockers = image.list_lockers()
        assert lockers["tag"] == "tag-x" and lockers["exclusive"] is False
        client, cookie, _addr = lockers["lockers"][0]
        assert cookie == "c1"
        assert [lk["locker"] for lk in lab.cli("lock", "ls", "%s/%s" % (lab.pool, new_name))] == [client]
        image.break_lock(client, "c1")
        assert image.list_lockers() == []
        image.lock_shared("c2", "tag-y")
        assert image.list_lockers()["lockers"][0][1] == "c2"
        image.unlock("c2")


def test_import_file_from_a_pipe_reuses_buffers(ioctx, lab, names, rbd_api, tmp_path):
    """A source that cannot be mapped is read into a few reused buffers; zero chunks still stay holes."""
    name = names()
    data = os.urandom(3 * MiB) + bytes(6 * MiB) + os.urandom(MiB + 7)  # the object at 4-8 MiB: zeros only
    rbd_api.create(ioctx, name, len(data))
    read_fd, write_fd = os.pipe()
    writer = threading.Thread(target=lambda: (os.write(write_fd, data), os.close(write_fd)))
    writer.start()
    with rbd.Image(ioctx, name) as image, os.fdopen(read_fd, "rb", buffering=0) as pipe:
        assert transfer.import_file(image, pipe, chunk_size=MiB, in_flight=2) == len(data)
    writer.join()
    exported = tmp_path / "export.raw"
    lab.cli("export", "--no-progress", "%s/%s" % (lab.pool, name), str(exported), fmt=False)
    assert exported.read_bytes() == data
    assert not [e for e in lab.cli("diff", "%s/%s" % (lab.pool, name)) if 4 * MiB <= e["offset"] < 8 * MiB]


def test_script_that_leaves_handles_open_exits(lab, names, rbd_api, ioctx):
    """A script's globals form a reference cycle (through its functions): at exit the collector finalizes
    the cluster, the I/O context and the image in any order, and closing the image after the cluster's
    shutdown used to wait forever."""
    name = names()
    rbd_api.create(ioctx, name, 8 * MiB)
    script = (
        "from ansible_collections.datacenter.storage.plugins.module_utils.rbd import rados, rbd\n"
        "cluster = rados.Rados(conffile=%r, name=%r, conf={'keyring': %r})\n"
        "cluster.connect()\n"
        "io = cluster.open_ioctx(%r)\n"
        "image = rbd.Image(io, %r)\n"
        "def size():\n"
        "    return image.size()\n"
        "assert size() == %d\n"
    ) % (lab.conf, lab.client, lab.keyring, lab.pool, name, 8 * MiB)
    env = dict(os.environ, PYTHONPATH=str(COLLECTIONS))
    for _attempt in range(3):  # the order is up to the collector: give it a few chances to go wrong
        proc = subprocess.run([PYTHON, "-c", script], env=env, capture_output=True, text=True, timeout=60, check=False)
        assert proc.returncode == 0, proc.stderr
