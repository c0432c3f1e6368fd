# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Every public call of our rados binding, fed wrong types, NUL bytes, negative and huge values, one argument
at a time: Python exceptions (or a result), never a crash. The sweep runs in a child process, so that a
segfault or an abort shows up as a failed test with its signal."""

import json
import os
import subprocess
import sys

from rbd_lab import COLLECTIONS

SWEEP = r'''
import inspect, json, os, sys, time
from ansible_collections.datacenter.storage.plugins.module_utils.rbd import rados

BAD = [None, 1.5, -1, 2 ** 64, 2 ** 100, "a\0b", b"a\0b", [], object(), {"k": "v"}]
HUGE_LENGTH = 2 ** 62  # fits size_t: the buffer cannot be allocated (MemoryError), nothing reaches librados
# Arguments that would change the cluster beyond the test's objects: only wrong types, no strings or numbers.
TYPES_ONLY = {"pool_name", "client_address", "service", "daemon", "metadata", "status"}
SKIP = {
    ("Rados", "shutdown"), ("Rados", "connect"),  # called once at the end / state changes, not inputs
    ("Rados", "ping_monitor"),  # librados 16.2 crashes in it by itself now and then (see the differential suite)
    ("Rados", "conf_read_file"), ("Rados", "conf_parse_env"), ("Rados", "conf_parse_argv"),  # would reconfigure
    ("Ioctx", "close"), ("Watch", "close"),
}

def valid(s):
    return {
        "key": "bi-obj", "oid": "bi-obj", "object_name": "bi-obj", "obj": "bi-obj", "data": b"x", "to_write": b"x",
        "to_append": b"x", "cmp_buf": b"x", "xattr_value": b"v", "inbuf": b"", "offset": 0, "length": 8,
        "write_len": 2, "size": 1, "xattr_name": "a", "cls": "lock", "method": "get_info", "nspace": "",
        "loc_key": "", "snap_name": "bi-nosnap", "snap_id": 1, "snaps": [], "app_name": "bi-app", "key_begin": "a",
        "key_end": "b", "keys": ("a",), "values": (b"1",), "write_op": s["write_op"], "read_op": s["read_op"],
        "start_after": "", "filter_prefix": "", "max_return": 1, "name": "bi-lock", "cookie": "c", "tag": "t",
        "desc": "", "duration": None, "flags": 0, "flag": 0, "mtime": 0, "oncomplete": lambda *a: None,
        "onsafe": None, "callback": lambda *a: None, "error_callback": None, "timeout": None, "timeout_ms": 100,
        "msg": "", "cmd": '{"prefix": "status"}', "osdid": 0, "pgid": "1.0", "target": None,
        "pool_name": "bi-no-such-pool", "pool_id": 987654, "crush_rule": None, "auid": None,
        "ioctx_name": "bi-no-such-pool", "client_address": "127.0.0.2:0/1", "expire_seconds": 1, "option": "nope",
        "val": "1", "service": "bi", "daemon": "bi", "metadata": {}, "status": {}, "level": "info", "arg": None,
        "force": False, "exclusive": None, "version": 1, "cmp_op": 1, "encoding": "utf-8", "opt": False,
        "list_str": ["a"], "d": {"a": "b"}, "func": lambda *a: None, "position": 0, "string_to_write": b"x",
        "exc_type": None, "type_": None, "value": None, "traceback": None, "type": None,
        "ioctx": s["ioctx"], "oncomplete_": None, "oid_": None,
    }

def targets(s):
    yield "module", rados, ["cstr", "cstr_list", "decode_cstr", "flatten_dict"]
    for cls_name, obj in (("Rados", s["cluster"]), ("Ioctx", s["ioctx"]), ("WriteOp", s["write_op"]),
                          ("ReadOp", s["read_op"]), ("Completion", s["completion"]), ("Object", s["object"]),
                          ("Watch", s["watch"]), ("Snap", s["snap"])):
        names = [n for n in dir(type(obj)) if not n.startswith("_") and callable(getattr(obj, n))]
        yield cls_name, obj, names

def main(cluster):
    ioctx = cluster.open_ioctx(os.environ["CEPH_RADOS_POOL"])
    ioctx.write_full("bi-obj", b"data")
    state = {"cluster": cluster, "ioctx": ioctx, "write_op": rados.WriteOp().create(),
             "read_op": rados.ReadOp().create()}
    state["completion"] = ioctx.aio_write("bi-obj", b"d", 0)
    state["object"] = rados.Object(ioctx, "bi-obj")
    state["watch"] = ioctx.watch("bi-watch", lambda *a: None) if ioctx.write_full("bi-watch", b"") == 0 else None
    state["snap"] = rados.Snap(ioctx, "none", 1)
    good = valid(state)
    calls, outcomes, unmapped = 0, {}, []
    for cls_name, obj, names in targets(state):
        for name in names:
            if (cls_name, name) in SKIP:
                continue
            func = getattr(obj, name)
            params = [p for p in inspect.signature(func).parameters.values()
                      if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
            if any(p.name not in good for p in params):
                unmapped.append("%s.%s(%s)" % (cls_name, name, ", ".join(p.name for p in params)))
                continue
            for param in params:
                values = [v for v in BAD if param.name not in TYPES_ONLY or not isinstance(v, (str, bytes, int, float))]
                if param.name == "length":
                    values.append(HUGE_LENGTH)
                for bad in values:
                    kwargs = {p.name: good[p.name] for p in params}
                    kwargs[param.name] = bad
                    calls += 1
                    try:
                        func(**kwargs)
                        outcome = "returned"
                    except Exception as exc:
                        outcome = type(exc).__name__
                    outcomes[outcome] = outcomes.get(outcome, 0) + 1
    # Notifications reach a watch whose callback fails, a completion's callback is not callable: both are
    # reported on stderr, not fatal. The sweep left a locator key and a namespace on ioctx: back to none.
    ioctx.set_locator_key("")
    ioctx.set_namespace("")
    ioctx.aio_flush()
    ioctx.write_full("bi-obj", b"data")
    bad_watch = ioctx.watch("bi-obj", None)
    try:
        ioctx.notify("bi-obj", "x", 2000)
    except rados.TimedOut:
        pass
    bad_watch.close()
    ioctx.aio_write("bi-obj", b"d", 0, oncomplete=1.5).wait_for_complete_and_cb()
    ioctx.aio_flush()
    for obj in list(ioctx.list_objects()):
        if obj.key.startswith(("bi-", "a")):
            try:
                ioctx.remove_object(obj.key)
            except rados.Error:
                pass
    return calls, outcomes, unmapped

def run():
    cluster = rados.Rados(conffile=os.environ["CEPH_CONF"], conf={"keyring": os.environ["CEPH_KEYRING_ADMIN"],
                                                               "rados_osd_op_timeout": "10",
                                                               "rados_mon_op_timeout": "10"})
    cluster.connect()
    try:
        calls, outcomes, unmapped = main(cluster)
    finally:
        cluster.shutdown()
    print(json.dumps({"calls": calls, "outcomes": outcomes, "unmapped": unmapped}))

run()
'''


def test_bad_input_never_crashes(lab):
    keyring = os.environ.get("CEPH_KEYRING_ADMIN")
    assert keyring, "the ceph lab service is not up"
    env = dict(os.environ, PYTHONPATH=str(COLLECTIONS))
    proc = subprocess.run([sys.executable, "-c", SWEEP], capture_output=True, text=True, timeout=900, env=env,
                          check=False)
    assert proc.returncode == 0, "the sweep died (exit %d): %s" % (proc.returncode, proc.stderr[-3000:])
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert not report["unmapped"], "calls the sweep cannot feed: %s" % report["unmapped"]
    assert report["calls"] > 2000, report
    print("\nbad-input calls: %(calls)d, outcomes: %(outcomes)s" % report)
