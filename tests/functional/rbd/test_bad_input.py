# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Bad input to every public call of our rbd module ends in a Python exception, never in a crash.

A child process (so that a segfault or an abort shows as a signal, not as a dead test run) calls each public
function, constructor and method of RBD, Image, Group, Completion and the iterators once per argument and
per bad value (wrong types, NUL bytes, negative and huge numbers), the other arguments being valid, on a
pool of its own. It reports how many calls it made and how many raised; the test checks it exited cleanly.
"""

import json
import os
import subprocess
import sys
import uuid

from rbd_lab import COLLECTIONS, PYTHON

CHILD = r'''
import inspect, json, sys
from ansible_collections.datacenter.storage.plugins.module_utils.rbd import rados, rbd

conf, pool = sys.argv[1], sys.argv[2]
cluster = rados.Rados(conffile=conf)
cluster.connect(timeout=10)
io = cluster.open_ioctx(pool)
api = rbd.RBD()
api.create(io, "base", 4 << 20)
with rbd.Image(io, "base") as image:
    image.create_snap("snap")
    image.protect_snap("snap")
BAD = [None, object(), "x\0y", b"\0", -1, 1 << 64, 1 << 70, 1.5, [], {"k": object()}, "\udcff"]
GOOD = {"ioctx": io, "p_ioctx": io, "c_ioctx": io, "dest_ioctx": io, "image_ioctx": io, "rados": cluster,
        "p_name": "base", "p_snapname": "snap", "offset": 0, "length": 4096, "size": 4 << 20, "data": b"x" * 16,
        "oncomplete": lambda *args: None, "iterate_cb": lambda *args: None, "features": 1, "enabled": False,
        "lock_mode": 0, "flags": 0, "snap_id": 1, "force": False, "limit": 5, "mode": 0, "direction": 0,
        "attributes": {}, "mirror_mode": 0, "zero_flags": 0, "sparse_size": 4096, "format": 0,
        "descendants": False, "mode_filter": None, "image": None, "group": None, "str_features": "layering"}
calls = raised = 0


def good(name):
    return GOOD.get(name, "sweep-%s" % name)


def sweep(label, func, skip=0):
    global calls, raised
    params = [p for p in inspect.signature(func).parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)][skip:]
    for index, param in enumerate(params):
        for bad in BAD:
            args = [good(p.name) for p in params]
            args[index] = bad
            calls += 1
            try:
                func(*args)
            except Exception:
                raised += 1
            except BaseException as exc:
                print("%s(%s=%r): %r" % (label, param.name, bad, exc), file=sys.stderr)
                raise


def fresh_image():
    return rbd.Image(io, "base")


for name in dir(rbd.RBD):
    if not name.startswith("_"):
        sweep("RBD." + name, getattr(api, name))
for name in dir(rbd.Image):
    if not name.startswith("_"):
        image = fresh_image()
        sweep("Image." + name, getattr(image, name))
        image.close()
GOOD["image"] = fresh_image()
group_name = "sweep-group"
api.group_create(io, group_name)
GOOD["group"] = rbd.Group(io, group_name)
for name in dir(rbd.Group):
    if not name.startswith("_"):
        sweep("Group." + name, getattr(GOOD["group"], name))
for name in ("Image", "Group", "ImageIterator", "TrashIterator", "SnapIterator", "ChildIterator", "WatcherIterator",
             "LockOwnerIterator", "MetadataIterator", "PoolMetadataIterator", "ConfigPoolIterator",
             "ConfigImageIterator", "MirrorPeerIterator", "MirrorImageStatusIterator", "MirrorImageInfoIterator",
             "MirrorImageInstanceIdIterator", "GroupImageIterator", "GroupSnapIterator"):
    sweep(name, getattr(rbd, name).__init__, skip=1)
sweep("cstr", rbd.cstr)
sweep("decode_cstr", rbd.decode_cstr)
completion = GOOD["image"].aio_flush(None)
completion.wait_for_complete_and_cb()
for name in ("is_complete", "get_return_value", "wait_for_complete_and_cb"):
    calls += 1
    getattr(completion, name)()
GOOD["image"].close()
io.close()
cluster.shutdown()
print(json.dumps({"calls": calls, "raised": raised}))
'''


def test_bad_input_never_crashes(lab):
    pool = "sweep-%s" % uuid.uuid4().hex[:8]
    ceph = ["ceph", "-c", lab.conf]
    subprocess.run(ceph + ["osd", "pool", "create", pool, "8"], check=True, capture_output=True, timeout=120)
    try:
        subprocess.run(["rbd", "-c", lab.conf, "pool", "init", pool], check=True, capture_output=True, timeout=120)
        env = dict(os.environ, PYTHONPATH=str(COLLECTIONS))
        proc = subprocess.run([PYTHON, "-c", CHILD, lab.conf, pool], capture_output=True, text=True, env=env,
                              timeout=900, check=False)
    finally:
        subprocess.run(ceph + ["osd", "pool", "rm", pool, pool, "--yes-i-really-really-mean-it"], check=False,
                       capture_output=True, timeout=120)
    assert proc.returncode == 0, "child died (%d): %s" % (proc.returncode, proc.stderr[-3000:])
    report = json.loads(proc.stdout.splitlines()[-1])
    assert report["calls"] > 2000 and report["raised"] > report["calls"] // 2, report
    sys.stdout.write("bad-input sweep: %(calls)d calls, %(raised)d raised\n" % report)
