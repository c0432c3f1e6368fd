# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Bad input to every public call of our rbd module ends in a Python exception, never in a crash.

A child process (so that a segfault or an abort shows as a signal, not as a dead test run) calls each public
function, constructor and method of RBD, Image, Group, Completion and the iterators once per argument and
per bad value (wrong types, NUL bytes, negative and huge numbers), the other arguments being valid, on a
pool of its own. It reports what each call raised; the test checks it exited cleanly. The same sweep then runs
with Ceph's python3-rbd (fed our signatures, minus our extra parameters: Cython keeps none), and every call whose
exception class differs fails the test.
"""

import json
import os
import subprocess
import sys
import uuid

from rbd_lab import COLLECTIONS, PYTHON

CHILD = r'''
import inspect, json, sys
if sys.argv[3] == "ours":
    from ansible_collections.datacenter.storage.plugins.module_utils.rbd import rados, rbd
else:
    import rados, rbd

OURS = sys.argv[3] == "ours"
conf, pool, skip_calls, SIGNATURES = sys.argv[1], sys.argv[2], set(json.loads(sys.argv[4])), json.loads(sys.argv[5])
CEPH_PARAMS = json.loads(sys.argv[6])  # what python3-rbd's calls take: our extras are left at their defaults
# python3-rbd segfaults on every call given None for an I/O context, a cluster handle or a group, on
# aio_open_image given a wrong name, id or snapshot (the failure reaches its completion callback), and on an Image
# opened with a name, snapshot or id that is neither a string nor None: not fed to it.
cluster = rados.Rados(conffile=conf)
cluster.connect(timeout=10)
io = cluster.open_ioctx(pool)
api = rbd.RBD()
api.create(io, "base", 4 << 20)
with rbd.Image(io, "base") as image:
    image.create_snap("snap")
    image.protect_snap("snap")
BAD = [None, object(), "x\0y", b"\0", -1, 1 << 64, 1 << 70, 1.5, [], {"k": object()}, "\udcff"]
BAD_NAMES = ["None", "object()", "'x\\0y'", "b'\\0'", "-1", "1<<64", "1<<70", "1.5", "[]", "{k: object()}",
             "'\\udcff'"]
GOOD = {"ioctx": io, "p_ioctx": io, "c_ioctx": io, "dest_ioctx": io, "image_ioctx": io, "rados": cluster,
        "p_name": "base", "p_snapname": "snap", "offset": 0, "length": 4096, "size": 4 << 20, "data": b"x" * 16,
        "oncomplete": lambda *args: None, "iterate_cb": lambda *args: None, "features": 1, "enabled": False,
        "lock_mode": 0, "flags": 0, "snap_id": 1, "force": False, "limit": 5, "mode": 0, "direction": 0,
        "attributes": {}, "mirror_mode": 0, "zero_flags": 0, "sparse_size": 4096, "format": 0,
        "descendants": False, "mode_filter": None, "image": None, "group": None, "str_features": "layering"}
calls = raised = 0
outcomes = []


def good(name):
    return GOOD.get(name, "sweep-%s" % name)


def sweep(label, func):
    global calls, raised
    if label in SIGNATURES or not OURS:  # Cython methods have no signature: python3-rbd is fed ours'
        params = SIGNATURES.get(label, [])
    else:
        params = SIGNATURES[label] = [p.name for p in inspect.signature(func).parameters.values()
                                      if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                                      and (label not in CEPH_PARAMS or p.name in CEPH_PARAMS[label])]
    for index, param in enumerate(params):
        for bad_name, bad in zip(BAD_NAMES, BAD):
            args = [good(name) for name in params]
            args[index] = bad
            call = "%s(%s=%s)" % (label, param, bad_name)
            if call in skip_calls or not OURS and (
                    bad is None and param.endswith(("ioctx", "rados", "group")) or label == "RBD.aio_open_image"
                    or label == "Image" and param in ("name", "snapshot", "image_id")
                    and not (bad is None or isinstance(bad, bytes) or bad == "x\0y")):
                continue
            print("calling " + call, file=sys.stderr, flush=True)  # the last one names a crash
            calls += 1
            try:
                func(*args)
                outcome = "returned"
            except Exception as exc:
                raised += 1
                outcome = type(exc).__name__
            except BaseException as exc:
                print("%s: %r" % (call, exc), file=sys.stderr)
                raise
            outcomes.append([call, outcome])


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
    sweep(name, getattr(rbd, name))  # the constructor
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
print(json.dumps({"calls": calls, "raised": raised, "outcomes": outcomes, "signatures": SIGNATURES}))
'''

# python3-rbd's parameter names per call, from the signatures Cython embeds in its docstrings.
CEPH_PARAMS = r'''
import json, re, rbd
out = {}
for label, obj in [("cstr", rbd.cstr), ("decode_cstr", rbd.decode_cstr)] + [
        (name, getattr(rbd, name)) for name in dir(rbd) if isinstance(getattr(rbd, name), type)] + [
        ("%s.%s" % (cls, name), getattr(getattr(rbd, cls), name)) for cls in ("RBD", "Image", "Group")
        for name in dir(getattr(rbd, cls)) if not name.startswith("_")]:
    match = re.match(r"[\w.]+\((.*)\)", (getattr(obj, "__doc__", None) or "").strip())
    if match:
        out[label] = [re.split(r"[ =]", arg.strip().split("=")[0].strip())[-1] for arg in match.group(1).split(",")
                      if arg.strip() and arg.strip() != "self"]
print(json.dumps(out))
'''


def sweep(lab, binding, ceph_params, skip=(), signatures=None):
    """Run the sweep with ``binding`` ("ours" or Ceph's python3-rbd) on a pool of its own, without the calls
    ``skip``; (exit status, report or None, the last call it made)."""
    pool = "sweep-%s" % uuid.uuid4().hex[:8]
    ceph = ["ceph", "-c", lab.conf]
    subprocess.run(ceph + ["osd", "pool", "create", pool, "8"], check=True, capture_output=True, timeout=120)
    try:
        subprocess.run(["rbd", "-c", lab.conf, "pool", "init", pool], check=True, capture_output=True, timeout=120)
        env = dict(os.environ, PYTHONPATH=str(COLLECTIONS))
        python = PYTHON if binding == "ours" else "/usr/bin/python3"
        proc = subprocess.run([python, "-c", CHILD, lab.conf, pool, binding, json.dumps(sorted(skip)),
                               json.dumps(signatures or {}), json.dumps(ceph_params)],
                              capture_output=True, text=True, env=env, timeout=900, check=False)
    finally:
        subprocess.run(ceph + ["osd", "pool", "rm", pool, pool, "--yes-i-really-really-mean-it"], check=False,
                       capture_output=True, timeout=120)
    calls = [line[8:] for line in proc.stderr.splitlines() if line.startswith("calling ")]
    report = json.loads(proc.stdout.splitlines()[-1]) if proc.returncode == 0 else None
    return proc, report, calls[-1] if calls else None


def test_bad_input_never_crashes(lab):
    """Ours never crashes, and raises the exception class that python3-rbd raises on the same input.

    python3-rbd itself segfaults on some of these inputs: its sweep is rerun without each call that crashed it
    (those calls are compared with nothing; ours must still only raise there).
    """
    ceph_params = json.loads(subprocess.run(["/usr/bin/python3", "-c", CEPH_PARAMS], capture_output=True, text=True,
                                            check=True, timeout=60).stdout)
    proc, report, last = sweep(lab, "ours", ceph_params)
    assert proc.returncode == 0, "ours died (%d) in %s: %s" % (proc.returncode, last, proc.stderr[-3000:])
    assert report["calls"] > 2000 and report["raised"] > report["calls"] // 2, report
    crashers = set()
    for _attempt in range(60):
        proc, peer, last = sweep(lab, "ceph", ceph_params, crashers, report["signatures"])
        if peer is not None:
            break
        assert proc.returncode < 0 and last not in crashers, "python3-rbd failed (%d): %s" % (
            proc.returncode, proc.stderr[-3000:])
        crashers.add(last)
    assert peer is not None, "python3-rbd crashed more than 60 times: %s" % sorted(crashers)
    peer_outcomes = dict(peer["outcomes"])
    differ = ["%s: ours %s, python3-rbd %s" % (call, outcome, peer_outcomes[call])
              for call, outcome in report["outcomes"] if call in peer_outcomes and peer_outcomes[call] != outcome]
    assert not differ, "%d calls differ:\n%s" % (len(differ), "\n".join(differ))
    sys.stdout.write("bad-input sweep: %d calls, %d raised, %d compared with python3-rbd, which crashed on %s\n"
                     % (report["calls"], report["raised"], len(peer_outcomes), sorted(crashers)))
