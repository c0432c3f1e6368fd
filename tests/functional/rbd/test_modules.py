# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""The rbd_* modules run through ansible; the rbd CLI and python3-rbd check what they did.

Bad input and faults: the task fails with a clear message and nothing changes.
"""

import os
import signal
import subprocess
import time

import pytest
from rbd_lab import run_module

MiB = 1 << 20


def _osd_pid(lab):
    return int(open(os.path.join(lab.state, "run", "osd.0.pid")).read())


def _exported(lab, tmp_path, name):
    """The image's content as ``rbd export`` reads it."""
    exported = tmp_path / "export.raw"
    lab.cli("export", "--no-progress", "%s/%s" % (lab.pool, name), str(exported), fmt=False)
    return exported.read_bytes()


def test_rbd_image_create_is_seen_by_cli_and_peer(lab, names):
    name = names()
    args = dict(pool=lab.pool, name=name, size="6M", features=["layering", "exclusive-lock", "object-map"],
                object_size="1M", stripe_unit="256K", stripe_count=2, data_pool=lab.data_pool,
                metadata={"owner": "team-a"})
    predicted = run_module(lab, "rbd_image", check=True, **args)
    assert predicted["changed"] is True
    assert name not in lab.cli("ls", lab.pool)  # check mode changed nothing
    first = run_module(lab, "rbd_image", diff=True, **args)
    assert first["changed"] is True and first["diff"]["before"] == {lab.pool + "/" + name: {}}
    info = lab.cli("info", "%s/%s" % (lab.pool, name))
    assert info["size"] == 6 * MiB and info["object_size"] == MiB
    assert info["stripe_unit"] == 256 * 1024 and info["stripe_count"] == 2 and info["data_pool"] == lab.data_pool
    assert set(info["features"]) >= {"layering", "exclusive-lock", "object-map"}
    assert lab.cli("image-meta", "list", "%s/%s" % (lab.pool, name)) == {"owner": "team-a"}
    assert first["image"]["size"] == 6 * MiB
    again = run_module(lab, "rbd_image", **args)
    assert again["changed"] is False
    peer = lab.peer("img = rbd.Image(ioctx, values['name'])\nresult = [img.size(), dict(img.metadata_list())]\n"
                    "img.close()", name=name)
    assert peer == [6 * MiB, {"owner": "team-a"}]


def test_rbd_image_changes_and_object_map_rebuild(lab, names):
    name = names()
    spec = "%s/%s" % (lab.pool, name)
    lab.cli("create", spec, "--size", "8M", "--image-feature", "layering,exclusive-lock", fmt=False)
    lab.cli("bench", spec, "--io-type", "write", "--io-total", "4M", "--io-size", "1M", fmt=False)
    args = dict(pool=lab.pool, name=name, size="16M", features=["layering", "exclusive-lock", "object-map"],
                metadata={"a": "1"})
    result = run_module(lab, "rbd_image", diff=True, **args)
    assert result["changed"] is True
    assert result["diff"]["before"][spec]["size"] == 8 * MiB and result["diff"]["after"][spec]["size"] == 16 * MiB
    info = lab.cli("info", spec)
    assert info["size"] == 16 * MiB and "object-map" in info["features"]
    assert info["flags"] == []  # object map rebuilt, not "object map invalid"
    assert run_module(lab, "rbd_image", **args)["changed"] is False
    purge = run_module(lab, "rbd_image", pool=lab.pool, name=name, metadata={"b": "2"}, purge_metadata=True)
    assert purge["changed"] is True
    assert lab.cli("image-meta", "list", spec) == {"b": "2"}


@pytest.mark.parametrize("layout", ["dense", "sparse"])
def test_rbd_image_src_export_is_byte_identical(lab, names, tmp_path, layout):
    """A dense file goes in with the object map off, then built once; a sparse one keeps it on all along."""
    name = names()
    spec = "%s/%s" % (lab.pool, name)
    src = tmp_path / "disk.raw"
    with open(src, "wb") as out:  # data, 8 MiB of zeros (written, or a hole), data, and an unaligned tail
        out.write(os.urandom(5 * MiB))
        if layout == "dense":
            out.write(bytes(8 * MiB))
        else:
            out.seek(8 * MiB + 96 * MiB, os.SEEK_CUR)
        out.write(os.urandom(3 * MiB + 12345))
    assert (src.stat().st_blocks * 512 >= src.stat().st_size // 2) is (layout == "dense")
    result = run_module(lab, "rbd_image", pool=lab.pool, name=name, src=str(src))
    assert result["changed"] is True and result["image"]["size"] == src.stat().st_size
    info = lab.cli("info", spec)
    assert {"object-map", "fast-diff"} <= set(info["features"]) and info["flags"] == []  # valid object map
    assert _exported(lab, tmp_path, name) == src.read_bytes()
    # The 4 MiB objects that hold only zeros were never written.
    hole = range(8 * MiB, (12 if layout == "dense" else 108) * MiB)
    extents = lab.cli("diff", spec)
    assert extents and not [e for e in extents if e["offset"] in hole]
    assert sum(e["length"] for e in extents) < src.stat().st_size
    assert run_module(lab, "rbd_image", pool=lab.pool, name=name, src=str(src))["changed"] is False


def test_rbd_image_bulk_form(lab, names):
    first, second, third = names(), names(), names()
    lab.cli("create", "%s/%s" % (lab.pool, third), "--size", "1M", fmt=False)
    args = dict(pool=lab.pool, size="2M", images=[{"name": first}, {"name": second, "size": "3M"},
                                                  {"name": third, "state": "absent", "trash": True}])
    result = run_module(lab, "rbd_image", diff=True, **args)
    assert result["changed"] is True
    assert [(r["name"], r["changed"]) for r in result["images"]] == [(first, True), (second, True), (third, True)]
    listed = lab.cli("ls", "-l", lab.pool)
    sizes = {entry["image"]: entry["size"] for entry in listed}
    assert sizes[first] == 2 * MiB and sizes[second] == 3 * MiB and third not in sizes
    assert third in [e["name"] for e in lab.cli("trash", "ls", lab.pool)]
    assert run_module(lab, "rbd_image", **args)["changed"] is False


def test_journaled_image_is_named_through_its_journal(lab, names):
    """A created journaled image gets its name from librbd's rename, which journal-based mirroring replays:
    its journal has committed that rename, as for an image the rbd CLI creates and renames."""
    name, twin = names(), names()
    features = ["layering", "exclusive-lock", "journaling"]
    assert run_module(lab, "rbd_image", pool=lab.pool, name=name, size="4M", features=features)["changed"] is True
    lab.cli("create", "%s/%s" % (lab.pool, twin + "-x"), "--size", "4M", "--image-feature", ",".join(features), fmt=False)
    lab.cli("rename", "%s/%s" % (lab.pool, twin + "-x"), "%s/%s" % (lab.pool, twin), fmt=False)
    positions = [lab.cli("journal", "status", "--image", "%s/%s" % (lab.pool, image))["registered_clients"][0]
                 ["commit_position"]["object_positions"] for image in (name, twin)]
    assert positions[0] and positions[0] == positions[1]


def test_rbd_snapshot_and_clone_seen_by_cli(lab, names):
    parent, child = names("p"), names("c")
    run_module(lab, "rbd_image", pool=lab.pool, name=parent, size="4M", features=["layering"])
    snap = dict(pool=lab.pool, image=parent, name="gold", protected=True)
    assert run_module(lab, "rbd_snapshot", check=True, **snap)["changed"] is True
    assert lab.cli("snap", "ls", "%s/%s" % (lab.pool, parent)) == []
    assert run_module(lab, "rbd_snapshot", **snap)["changed"] is True
    assert run_module(lab, "rbd_snapshot", **snap)["changed"] is False
    snaps = lab.cli("snap", "ls", "%s/%s" % (lab.pool, parent))
    assert [(s["name"], s["protected"]) for s in snaps] == [("gold", "true")]
    clone = run_module(lab, "rbd_image", pool=lab.pool, name=child, clone_from={"image": parent, "snapshot": "gold"})
    assert clone["changed"] is True
    children = lab.cli("children", "%s/%s@gold" % (lab.pool, parent))
    assert [c["image"] for c in children] == [child]
    info = run_module(lab, "rbd_image_info", pool=lab.pool, name=[parent, child])
    by_name = {image["name"]: image for image in info["images"]}
    assert by_name[child]["parent"] == {"pool": lab.pool, "namespace": "", "image": parent, "snapshot": "gold"}
    assert by_name[parent]["snapshots"][0]["protected"] is True
    assert by_name[parent]["id"] == lab.cli("info", "%s/%s" % (lab.pool, parent))["id"]
    # A snapshot with clones cannot go; then flatten the clone and it can.
    refused = run_module(lab, "rbd_snapshot", pool=lab.pool, image=parent, name="gold", state="absent")
    assert refused.get("failed") and child in refused["msg"]
    assert len(lab.cli("snap", "ls", "%s/%s" % (lab.pool, parent))) == 1
    flat = run_module(lab, "rbd_image", pool=lab.pool, name=child, clone_from={"image": parent, "snapshot": "gold"},
                      flatten=True)
    assert flat["changed"] is True and "parent" not in lab.cli("info", "%s/%s" % (lab.pool, child))
    assert run_module(lab, "rbd_snapshot", pool=lab.pool, image=parent, name="gold", state="absent")["changed"]
    assert lab.cli("snap", "ls", "%s/%s" % (lab.pool, parent)) == []


def test_rbd_snapshot_rollback_and_rename(lab, names):
    name = names()
    spec = "%s/%s" % (lab.pool, name)
    lab.cli("create", spec, "--size", "4M", fmt=False)
    lab.peer("img = rbd.Image(ioctx, values['name'])\nimg.write(b'before', 0)\nimg.create_snap('s')\n"
             "img.write(b'after!', 0)\nimg.close()\nresult = None", name=name)
    args = dict(pool=lab.pool, image=name, name="s", rollback=True)
    assert run_module(lab, "rbd_snapshot", **args)["changed"] is True
    data = lab.peer("img = rbd.Image(ioctx, values['name'])\nresult = img.read(0, 6).decode()\nimg.close()", name=name)
    assert data == "before"
    assert run_module(lab, "rbd_snapshot", **args)["changed"] is False
    renamed = run_module(lab, "rbd_snapshot", pool=lab.pool, image=name, name="s2", rename_from="s")
    assert renamed["changed"] is True
    assert [s["name"] for s in lab.cli("snap", "ls", spec)] == ["s2"]


def _failure(result, *words):
    assert result.get("failed") is True, result
    for word in words:
        assert word in result["msg"], result["msg"]
    return result["msg"]


def test_bad_input_fails_and_changes_nothing(lab, names):
    name, clone = names(), names("c")
    spec = "%s/%s" % (lab.pool, name)
    lab.cli("create", spec, "--size", "8M", "--image-feature", "layering", fmt=False)
    _failure(run_module(lab, "rbd_image", pool=lab.pool, name=name, size="4M"), "size", "allow_shrink")
    assert lab.cli("info", spec)["size"] == 8 * MiB
    _failure(run_module(lab, "rbd_image", pool=lab.pool, name=clone, size="1M", features=["layering", "warp-drive"]),
             "features", "warp-drive", "unknown")
    assert clone not in lab.cli("ls", lab.pool)
    _failure(run_module(lab, "rbd_image", pool=lab.pool, name=name, object_size="1M"), "object_size", "cannot be changed")
    lab.cli("snap", "create", spec + "@s", fmt=False)
    _failure(run_module(lab, "rbd_image", pool=lab.pool, name=clone, clone_from={"image": name, "snapshot": "s"}),
             "clone_from", "not protected")
    assert clone not in lab.cli("ls", lab.pool)
    _failure(run_module(lab, "rbd_image", pool=lab.pool, name=name, state="absent"), "snapshots", "s")
    assert name in lab.cli("ls", lab.pool)


def test_bad_names_sources_sizes_and_connections_are_named(lab, names):
    name = names()
    spec = "%s/%s" % (lab.pool, name)
    lab.cli("create", spec, "--size", "4M", "--image-feature", "layering,exclusive-lock,object-map", fmt=False)
    # src is checked even for an image that exists (it is read only to create one).
    _failure(run_module(lab, "rbd_image", pool=lab.pool, name=name, src="/"), "src='/'", "no such regular file")
    # Refused before anything is asked of the cluster: an image spec cannot address these names.
    for value in ("a/b", "a@b", "", "a\nb"):
        _failure(run_module(lab, "rbd_image", pool=lab.pool, name=value, size="1M"), "name=%r" % value)
        _failure(run_module(lab, "rbd_snapshot", pool=lab.pool, image=name, name=value), "name=%r" % value)
    assert lab.cli("snap", "ls", spec) == []
    # A size librbd alone refuses (too many objects for the object map): the failure names the step and the size.
    _failure(run_module(lab, "rbd_image", pool=lab.pool, name=name, size="1E", allow_shrink=True),
             "resize to size=%d" % (1 << 60))
    assert lab.cli("info", spec)["size"] == 4 * MiB
    features = ["layering", "exclusive-lock", "object-map"]
    _failure(run_module(lab, "rbd_image", pool=lab.pool, name=names(), size="1E", features=features),
             "create with size=%d" % (1 << 60))
    # Connection options: a missing ceph.conf, and the options of a cluster that cannot be reached, are named.
    _failure(run_module(lab, "rbd_image_info", pool=lab.pool, name=[name], ceph_conf="/nonexistent/ceph.conf"),
             "ceph_conf='/nonexistent/ceph.conf'", "no such file")
    _failure(run_module(lab, "rbd_image_info", pool=lab.pool, name=[name], client_name="client.nobody"),
             "client_name='client.nobody'", "keyring=")


def test_create_then_configure_failure_rolls_back(lab, names):
    name = names()
    # librbd refuses this metadata value only after the image exists: the module must remove it again.
    result = run_module(lab, "rbd_image", pool=lab.pool, name=name, size="1M", metadata={"conf_rbd_cache": "maybe"})
    _failure(result, "conf_rbd_cache")
    assert name not in lab.cli("ls", lab.pool)


def _secret(keyring):
    with open(keyring) as handle:
        return [line.split("=", 1)[1].strip() for line in handle if line.strip().startswith("key")][0]


def test_wrong_key_says_permission_denied_and_hides_the_key(lab, names):
    real = _secret(lab.keyring)
    wrong = real[:-6] + ("A" if real[-6] != "A" else "B") + real[-5:]
    name = names()
    result = run_module(lab, "rbd_image", pool=lab.pool, name=name, size="1M", keyring=None, key=wrong)
    msg = _failure(result, "permission denied")
    assert wrong not in msg and wrong not in str(result.get("invocation", ""))
    assert name not in lab.cli("ls", lab.pool)


def test_missing_caps_says_permission_denied(lab, names):
    name = names()
    result = run_module(lab, "rbd_image", pool=lab.pool, name=name, size="1M", client_name="client.nocaps",
                        keyring=lab.nocaps_keyring)
    _failure(result, "permission denied")
    assert name not in lab.cli("ls", lab.pool)


@pytest.fixture
def stopped_osd(lab):
    """The OSD stopped for one test, restarted by the lab afterwards."""
    pid = _osd_pid(lab)
    os.kill(pid, 15)
    subprocess.run(["bash", "-c", "while [ -d /proc/%d ] && ! grep -q '^State:.*Z' /proc/%d/status; do sleep 0.1; done"
                    % (pid, pid)], timeout=30, check=True)
    yield
    # Captured: Ceph's tools leave inherited stdout/stderr non-blocking, and Ansible in later stages would refuse them.
    subprocess.run(["bash", "-c", 'LAB_STATE="$1"; . "$2"; svc_osd_restart', "-", lab.state,
                    os.path.join(os.path.dirname(__file__), "..", "..", "lab", "services", "ceph.sh")],
                   stdin=subprocess.DEVNULL, capture_output=True, timeout=180, check=True)


def test_stopped_osd_times_out_instead_of_hanging(lab, names, stopped_osd):
    name = names()
    result = run_module(lab, "rbd_image", pool=lab.pool, name=name, size="1M", op_timeout=3)
    _failure(result, "timed out")


# In the module's process: the image given its name, then the OSD stopped (SIGSTOP) before anything else reaches it.
STOP_OSD_AFTER_RENAME = """
import os, signal
from ansible_collections.datacenter.storage.plugins.module_utils.common import rbd_publish
_publish = rbd_publish.publish
def publish(*args):
    warnings = _publish(*args)
    os.kill(%d, signal.SIGSTOP)
    return warnings
rbd_publish.publish = publish
"""


def test_osd_stopped_once_the_image_is_complete_is_a_success(lab, names, tmp_path):
    """The image complete under its name, then the cluster gone while it is read back: the task succeeds with a
    warning (it used to fail with the image there, complete, under the name it said it had not made)."""
    name = names()
    src = tmp_path / "disk.raw"
    src.write_bytes(os.urandom(2 * MiB))
    pid = _osd_pid(lab)
    try:
        # op_timeout 1: the OSD stopped longer than its read lease (16 s) may leave placement groups laggy for good
        result = run_module(lab, "rbd_image", prelude=STOP_OSD_AFTER_RENAME % pid, pool=lab.pool, name=name,
                            src=str(src), op_timeout=1)
    finally:
        os.kill(pid, signal.SIGCONT)
    assert not result.get("failed"), result["msg"]
    assert result["changed"] is True and result["image"]["size"] == 2 * MiB
    assert "could not be read back ([errno 110]" in str(result["warnings"])  # a string or, in ansible-core 2.19+, an event
    assert _exported(lab, tmp_path, name) == src.read_bytes()


# In the module's process, the answer of the operation that gives the image its name (the second write to
# rbd_id.<name>; librbd's rename in a module that calls it) lost: the OSD stopped just before it is sent (stop), or
# a timeout raised after it took effect.
LOSE_NAMING_ANSWER = """
import os, signal
from ansible_collections.datacenter.storage.plugins.module_utils.rbd import rados, rbd
_operate, _rename, writes = rados.Ioctx.operate_write_op, rbd.RBD.rename, []
def lose(call, error):
    if %(stop)s:
        os.kill(%(pid)d, signal.SIGSTOP)
        return call()
    call()
    raise error("lost answer", errno=110)
def operate_write_op(self, op, oid, *args, **kwargs):
    writes.append(oid)
    if oid == "rbd_id.%(name)s" and writes.count(oid) == 2:
        return lose(lambda: _operate(self, op, oid, *args, **kwargs), rados.TimedOut)
    return _operate(self, op, oid, *args, **kwargs)
def rename(self, ioctx, src, dest):
    return lose(lambda: _rename(self, ioctx, src, dest), rbd.Timeout)
rados.Ioctx.operate_write_op, rbd.RBD.rename = operate_write_op, rename
"""


def _import_losing_naming_answer(lab, name, src, stop):
    pid = _osd_pid(lab)
    started = time.monotonic()
    try:  # a short op_timeout when the OSD is stopped (see test_osd_stopped_once_the_image_is_complete_is_a_success)
        result = run_module(lab, "rbd_image", prelude=LOSE_NAMING_ANSWER % dict(name=name, pid=pid, stop=stop),
                            pool=lab.pool, name=name, src=str(src), connect_timeout=3, op_timeout=1 if stop else 3)
    finally:
        os.kill(pid, signal.SIGCONT)
    return result, time.monotonic() - started


def test_naming_that_took_effect_without_an_answer_is_a_success(lab, names, tmp_path):
    """The image given its name, the answer lost: the task says so (changed, a warning naming the timeout) instead
    of failing while the image is there under its name (as it did after librbd's rename returned ETIMEDOUT)."""
    name = names()
    src = tmp_path / "disk.raw"
    src.write_bytes(os.urandom(2 * MiB))
    result, _took = _import_losing_naming_answer(lab, name, src, stop=False)
    assert not result.get("failed"), result["msg"]
    assert result["changed"] is True and result["image"]["size"] == 2 * MiB
    assert "did not come ([errno 110]" in str(result["warnings"]) and "but it took effect" in str(result["warnings"])
    assert _exported(lab, tmp_path, name) == src.read_bytes()
    assert name in lab.cli("ls", lab.pool) and name + ".rbd_image-incomplete" not in lab.cli("ls", lab.pool)
    assert run_module(lab, "rbd_image", pool=lab.pool, name=name, src=str(src))["changed"] is False


def test_naming_sent_to_a_stopped_osd_never_takes_effect(lab, names, tmp_path):
    """The OSD stopped just before the operation that gives the image its name: the task fails within its timeouts
    (librbd's rename ran several in a row) and, once the OSD runs again and handles what was sent to it, nothing is
    under the name; a rerun makes the image."""
    name = names()
    src = tmp_path / "disk.raw"
    src.write_bytes(os.urandom(2 * MiB))
    result, took = _import_losing_naming_answer(lab, name, src, stop=True)
    _failure(result, "timed out", name)
    # connection, create and import (each op a timeout at most, not reached here), the naming operation, the
    # lease's end and one read: the budget the reliability stage gives such a task is its timeouts + 20 s
    assert took < 3 + 1 + 20, took
    lab.cli("ls", lab.pool)  # the OSD answers again: what was queued on it is handled before this
    assert name not in lab.cli("ls", lab.pool)
    info = subprocess.run(["rbd", "-c", lab.conf, "info", "%s/%s" % (lab.pool, name)], capture_output=True, text=True,
                          check=False)
    assert info.returncode != 0 and "No such file" in info.stderr, info
    again = run_module(lab, "rbd_image", pool=lab.pool, name=name, src=str(src))
    assert not again.get("failed"), again["msg"]
    assert again["changed"] is True
    assert _exported(lab, tmp_path, name) == src.read_bytes()


def test_a_half_made_staging_image_is_removed(lab, names, ioctx):
    """A create that timed out may leave the staging image half made (its directory entry and rbd_id object, no
    header): opening it finds no image, creating it finds one. The next run removes it and makes the image (it
    failed with "image already exists")."""
    name = names()
    staging, image_id = name + ".rbd_image-incomplete", os.urandom(6).hex()

    def encoded(text):
        return len(text).to_bytes(4, "little") + text.encode()

    ioctx.execute("rbd_directory", "rbd", "dir_add_image", encoded(staging) + encoded(image_id))
    ioctx.write_full("rbd_id." + staging, encoded(image_id))
    result = run_module(lab, "rbd_image", pool=lab.pool, name=name, size="1M")
    assert not result.get("failed"), result["msg"]
    assert result["changed"] is True
    assert lab.cli("info", "%s/%s" % (lab.pool, name))["size"] == MiB
    assert staging not in lab.cli("ls", lab.pool)


# In the module's process, the resize or the close of the image it resized does not return for 60 s after it did
# its work, as librbd's do when the OSD stops while they notify the image's watchers or release its lock.
STALL_AFTER = """
import time
from ansible_collections.datacenter.storage.plugins.module_utils.rbd import rbd
_resize, _close = rbd.Image.resize, rbd.Image.close
def resize(self, *args, **kwargs):
    _resize(self, *args, **kwargs)
    self.resized = True
    if "%(call)s" == "resize":
        time.sleep(60)
def close(self):
    _close(self)
    if getattr(self, "resized", False) and "%(call)s" == "close":
        time.sleep(60)
rbd.Image.resize, rbd.Image.close = resize, close
"""


@pytest.mark.parametrize("call", ["resize", "close"])
def test_a_stalled_librbd_call_is_given_up_and_the_state_reported(lab, names, call):
    """A resize or close that does not return is given up after 3 op timeouts and librbd's 5 s notification
    timeout (it ran until the cluster answered): the task fails naming op_timeout and what it had done, a rerun
    converges."""
    name = names()
    lab.cli("create", "--size", "4M", "%s/%s" % (lab.pool, name), fmt=False)
    started = time.monotonic()
    result = run_module(lab, "rbd_image", prelude=STALL_AFTER % dict(call=call), pool=lab.pool, name=name,
                        size="8M", op_timeout=1)
    took = time.monotonic() - started
    assert took < 3 * 1 + 5 + 10, took  # the bound, plus the connection and the process's start and end
    msg = _failure(result, "op_timeout=1.0", name)
    if call == "resize":
        assert "resize to size=%d may or may not have taken effect: read back: size=%d" % (8 * MiB, 8 * MiB) in msg
    else:
        assert "close %s" % name in msg and "already changed: %s/%s (resize to size=%d)" % (lab.pool, name, 8 * MiB) in msg
    assert lab.cli("info", "%s/%s" % (lab.pool, name))["size"] == 8 * MiB
    again = run_module(lab, "rbd_image", pool=lab.pool, name=name, size="8M")
    assert not again.get("failed"), again["msg"]
    assert again["changed"] is False
