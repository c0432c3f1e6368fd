# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Every public call and constructor of our rados binding, fed wrong types, NUL bytes, negative and huge values, one argument
at a time: Python exceptions (or a result), never a crash, and the same outcome (returned, or the exception class
and its errno) as Ceph's python3-rados given the same call.

The calls are grouped in batches (a class's methods, the constructors, or the module's functions), each run in a child process of its own, so
that a segfault, an abort or a hang shows up as a failed test naming the call. Both bindings get the same batches
and the same calls, positionally (Cython's one-argument methods take no keywords), on a pool per binding that the
test removes afterwards, each batch in a namespace of its own. python3-rados crashes or misbehaves on some of these
inputs: REFERENCE_EXCLUDED names each of them, with what python3-rados does; they are not sent to it (ours gets
them and must not crash). ``Rados.ping_monitor`` gets a child process per input (see
``test_ping_monitor_bad_input``).
"""

import json
import os
import subprocess
import sys
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from rbd_lab import COLLECTIONS, run_past_librados_crash

# The start of both children: the binding named by their first argument, and the bad values.
CHILD = r'''
import faulthandler, inspect, json, os, sys
faulthandler.enable()
OURS = sys.argv[1] == "ours"
if OURS:
    from ansible_collections.datacenter.storage.plugins.module_utils.rbd import rados
else:
    import rados
BAD = [None, 1.5, -1, 2 ** 64, 2 ** 100, "a\0b", b"a\0b", [], object(), {"k": "v"}]
BAD_NAMES = {repr(BAD[8]): "object()"}  # the only value whose repr changes from run to run

def connect():
    cluster = rados.Rados(conffile=os.environ["CEPH_CONF"], conf={"keyring": os.environ["CEPH_KEYRING_ADMIN"],
                                                               "rados_osd_op_timeout": "10",
                                                               "rados_mon_op_timeout": "10"})
    cluster.connect()
    return cluster
'''
SWEEP = CHILD + r'''
BATCH = sys.argv[2]  # the class whose methods this child calls ("module": the module's functions)
EXCLUDED = [tuple(entry) for entry in json.loads(sys.argv[3])]  # (label, param, value): not sent to python3-rados
SIGNATURES = {}  # the parameters of each call, as the binding's inspect.signature() has them: the test compares
HUGE_LENGTH = 2 ** 62  # fits size_t: the buffer cannot be allocated (MemoryError), nothing reaches librados
# Arguments that would change the cluster beyond the test's objects: only wrong types, no strings or numbers.
TYPES_ONLY = {"pool_name", "client_address", "service", "daemon", "metadata", "status"}
SKIP = {
    ("Rados", "shutdown"), ("Rados", "connect"),  # called once at the end / state changes, not inputs
    ("Rados", "ping_monitor"),  # a child process per input: test_ping_monitor_bad_input
    ("Rados", "conf_read_file"), ("Rados", "conf_parse_env"), ("Rados", "conf_parse_argv"),  # would reconfigure
    ("Ioctx", "close"), ("Watch", "close"),
}
NAMESPACE = "bi-" + BATCH
# No such pool, until create_pool() given a float auid (truncated, as Cython does) makes it: the test removes it.
NEW_POOL = os.environ["CEPH_RADOS_POOL"] + "-new"
# The classes a program may build itself: python3-rados' extension types have no inspect.signature(), so their
# parameters are the test's (the names test compares them with Ceph's docstrings; Rados' ``context``, a capsule
# of a C++ CephContext, stays None).
CONSTRUCTORS = {"Rados": ["rados_id", "name", "clustername", "conf_defaults", "conffile", "conf", "flags"],
                "Ioctx": ["rados", "name"], "Object": ["ioctx", "key", "locator_key", "nspace"],
                "Snap": ["ioctx", "name", "snap_id"], "OmapIterator": ["ioctx"], "ObjectIterator": ["ioctx"],
                "XattrIterator": ["ioctx", "oid"], "SnapIterator": ["ioctx"], "Version": ["major", "minor", "extra"]}

def valid(s):
    return {
        "key": "bi-obj", "oid": "bi-obj", "object_name": "bi-obj", "obj": "bi-obj", "data": b"x", "to_write": b"x",
        "to_append": b"x", "cmp_buf": b"x", "xattr_value": b"v", "inbuf": b"", "offset": 0, "length": 8,
        "write_len": 2, "size": 1, "xattr_name": "a", "cls": "lock", "method": "get_info", "nspace": NAMESPACE,
        "loc_key": "", "snap_name": "bi-nosnap", "snap_id": 1, "snaps": [], "app_name": "bi-app", "key_begin": "a",
        "key_end": "b", "keys": ("a",), "values": (b"1",), "write_op": s["write_op"], "read_op": s["read_op"],
        "start_after": "", "filter_prefix": "", "max_return": 1, "name": "bi-lock", "cookie": "c", "tag": "t",
        "desc": "", "duration": None, "flags": 0, "flag": 0, "mtime": 0, "oncomplete": lambda *a: None,
        "onsafe": None, "callback": lambda *a: None, "error_callback": None, "timeout": None, "timeout_ms": 100,
        "msg": "", "cmd": '{"prefix": "status"}', "osdid": 0, "pgid": "1.0", "target": None,
        "pool_name": NEW_POOL, "pool_id": 987654, "crush_rule": None, "auid": None,
        "ioctx_name": NEW_POOL, "client_address": "127.0.0.2:0/1", "expire_seconds": 1, "option": "nope",
        "val": "1", "service": "bi", "daemon": "bi", "metadata": {}, "status": {}, "level": "info", "arg": None,
        "force": False, "exclusive": None, "version": 1, "cmp_op": 1, "encoding": "utf-8", "opt": False,
        "list_str": ["a"], "d": {"a": "b"}, "func": lambda *a: None, "position": 0, "string_to_write": b"x",
        "exc_type": None, "type_": None, "value": None, "traceback": None, "type": None,
        "ioctx": s["ioctx"], "oncomplete_": None, "oid_": None, "rados": s["cluster"], "conf_defaults": None,
        "rados_id": None, "clustername": None, "conffile": os.environ["CEPH_CONF"], "conf": None, "locator_key": None,
        "major": 1, "minor": 2, "extra": 3, "Rados.name": "client.admin",  # "label.param": for that call only
    }

def target(s):
    """The object whose public methods the batch calls, and their names."""
    if BATCH == "module":
        return rados, ["cstr", "cstr_list", "decode_cstr", "flatten_dict"]
    if BATCH == "constructors":
        return rados, list(CONSTRUCTORS)
    obj = {"Rados": s["cluster"], "Ioctx": s["ioctx"], "WriteOp": s["write_op"], "ReadOp": s["read_op"],
           "Completion": s["completion"], "Object": s["object"], "Watch": s["watch"], "Snap": s["snap"]}[BATCH]
    return obj, [n for n in dir(type(obj)) if not n.startswith("_") and callable(getattr(obj, n))]

def excluded(label, param, value):
    return not OURS and any(entry in EXCLUDED for entry in
                            ((label, param, value), (label, param, None), (label, None, None), (None, param, value)))

def sweep(cluster):
    ioctx = cluster.open_ioctx(os.environ["CEPH_RADOS_POOL"])
    ioctx.set_namespace(NAMESPACE)
    ioctx.write_full("bi-obj", b"data")
    ioctx.write_full("bi-watch", b"")
    state = {"cluster": cluster, "ioctx": ioctx, "write_op": rados.WriteOp().create(),
             "read_op": rados.ReadOp().create()}
    state["completion"] = ioctx.aio_write("bi-obj", b"d", 0)
    state["object"] = rados.Object(ioctx, "bi-obj")
    state["watch"] = ioctx.watch("bi-watch", lambda *a: None)
    state["snap"] = rados.Snap(ioctx, "none", 1)
    good = valid(state)
    obj, names = target(state)
    outcomes, unmapped = [], []
    for name in names:
        label = name if BATCH in ("module", "constructors") else "%s.%s" % (BATCH, name)
        if (BATCH, name) in SKIP:
            continue
        func = getattr(obj, name)
        params = SIGNATURES[label] = CONSTRUCTORS.get(label) or [
            p.name for p in inspect.signature(func).parameters.values() if p.kind == p.POSITIONAL_OR_KEYWORD]
        if any(p not in good for p in params):
            unmapped.append("%s(%s)" % (label, ", ".join(params)))
            continue
        for index, param in enumerate(params):
            values = [v for v in BAD if param not in TYPES_ONLY or not isinstance(v, (str, bytes, int, float))]
            if param == "length":
                values.append(HUGE_LENGTH)
            for bad in values:
                value = BAD_NAMES.get(repr(bad), repr(bad))
                if excluded(label, param, value):
                    continue
                args = [good.get("%s.%s" % (label, p), good[p]) for p in params]
                args[index] = bad
                call = "%s(%s=%s)" % (label, param, value)
                print("calling " + call, file=sys.stderr, flush=True)  # the last one names a crash or a hang
                try:
                    func(*args)
                    outcome = ["returned", None]
                except Exception as exc:
                    outcome = [type(exc).__name__, getattr(exc, "errno", None)]
                outcomes.append([call] + outcome)
    if BATCH == "Ioctx":
        callbacks(cluster)
    return outcomes, unmapped

def callbacks(cluster):
    """Notifications reach a watch whose callback fails, a completion's callback is not callable: both are
    reported on stderr, not fatal (on an Ioctx of its own: the sweep left a read snapshot, a locator key...)."""
    ioctx = cluster.open_ioctx(os.environ["CEPH_RADOS_POOL"])
    ioctx.set_namespace(NAMESPACE)
    ioctx.write_full("bi-obj", b"data")
    bad_watch = ioctx.watch("bi-obj", None)
    try:
        ioctx.notify("bi-obj", "x", 2000)
    except rados.TimedOut:
        pass
    bad_watch.close()
    ioctx.aio_write("bi-obj", b"d", 0, oncomplete=1.5).wait_for_complete_and_cb()

cluster = connect()
outcomes, unmapped = sweep(cluster)
print(json.dumps({"outcomes": outcomes, "unmapped": unmapped, "signatures": SIGNATURES}), flush=True)
if OURS:
    cluster.shutdown()  # ours' clean-up is under test too: watches, completions and ops still open
else:
    os._exit(0)  # python3-rados' clean-up is not: the parent removes the pool, with what the batch left in it
'''
BATCHES = ("module", "constructors", "Rados", "Ioctx", "WriteOp", "ReadOp", "Completion", "Object", "Watch", "Snap")
BATCH_TIMEOUT = 300  # seconds; a batch takes a few seconds, and every cluster call gives up after 10 s

# Calls not sent to python3-rados: (call, parameter, bad value's name), None for any, with what python3-rados
# 16.2 does there. Ours gets every one of them and must not crash.
REFERENCE_EXCLUDED = {
    ("Ioctx.operate_aio_read_op", None, None): "sends the sweep's empty ReadOp (ours raises InvalidArgumentError): "
    "the 16.2 OSD aborts (FAILED ceph_assert(!ctx->ops->empty()) in PrimaryLogPG::prepare_transaction), the lab "
    "loses its OSD",
    ("Ioctx.operate_aio_write_op", None, None): "sends the sweep's empty WriteOp, as operate_aio_read_op",
    (None, "read_op", "None"): "segfaults (reads the ReadOp's C handle through None)",
    (None, "write_op", "None"): "segfaults (reads the WriteOp's C handle through None)",
    # The sweep's ReadOp carries the omap steps get_omap_vals/get_omap_keys/get_omap_vals_by_keys added to it;
    # python3-rados frees their outputs with the iterators they returned (the sweep drops them), so librados writes
    # the reply into freed memory: a segfault in a librados thread, or a hang (ours keeps them alive).
    ("Ioctx.operate_read_op", "oid", "'a\\x00b'"): "runs the ReadOp (a NUL-cut name): writes into freed memory",
    ("Ioctx.operate_read_op", "flag", "1.5"): "runs the ReadOp (flag 1): writes into freed memory",
    ("Ioctx.operate_read_op", "flag", "-1"): "runs the ReadOp (flag -1): writes into freed memory",
    ("ObjectIterator", "ioctx", "None"): "segfaults (opens a listing on the I/O context None)",
    ("XattrIterator", "ioctx", "None"): "segfaults (reads the xattrs through the I/O context None)",
    ("SnapIterator", "ioctx", "None"): "segfaults (lists the snapshots of the I/O context None)",
    ("Rados.pg_command", "pgid", "'a\\x00b'"): "reads the output lengths that librados never set for a malformed "
    "pgid: MemoryError or a segfault, as the stack has it (ours returns (-22, b'', ''))",
}
# ping_monitor(mon_id) with the valid id, a missing one, then each bad value (the second argument's index).
PING = CHILD + r'''
values = ["a", "zz"] + BAD
cluster = connect()
try:
    outcome = ["returned", sorted(json.loads(cluster.ping_monitor(values[int(sys.argv[2])])))]
except Exception as exc:
    outcome = [type(exc).__name__, getattr(exc, "errno", None)]
cluster.shutdown()
print(json.dumps({"outcome": outcome, "values": len(values)}))
'''


def child(binding, code, *args, env=None, timeout=900):
    """Run ``code`` with ``binding``: ours under the test's Python, python3-rados under /usr/bin/python3."""
    env = dict(os.environ, PYTHONPATH=str(COLLECTIONS), **(env or {}))
    python = sys.executable if binding == "ours" else "/usr/bin/python3"
    return subprocess.run([python, "-c", code, binding] + list(args), capture_output=True, text=True,
                          timeout=timeout, env=env, check=False)


def last_call(stderr):
    """The call a child was making when it died or was killed."""
    if isinstance(stderr, bytes):
        stderr = stderr.decode(errors="replace")
    calls = [line[8:] for line in (stderr or "").splitlines() if line.startswith("calling ")]
    return calls[-1] if calls else "(before the first call)"


def run_batch(binding, batch, pool):
    """One batch in a child process: its report; fails naming the call if the child crashes or overruns."""
    name = "ours" if binding == "ours" else "python3-rados"
    excluded = [] if binding == "ours" else list(REFERENCE_EXCLUDED)
    try:
        proc, _retried = run_past_librados_crash(3, child, binding, SWEEP, batch, json.dumps(excluded),
                                                 env={"CEPH_RADOS_POOL": pool}, timeout=BATCH_TIMEOUT)
    except subprocess.TimeoutExpired as exc:
        raise AssertionError("%s's %s batch overran %d s, killed in %s" % (
            name, batch, BATCH_TIMEOUT, last_call(exc.stderr))) from None
    assert proc.returncode == 0, "%s died (%d) in %s: %s" % (
        name, proc.returncode, last_call(proc.stderr), proc.stderr[-3000:])
    return json.loads(proc.stdout.strip().splitlines()[-1])


def exclusion(call):
    """The REFERENCE_EXCLUDED key that keeps ``call`` ("label(param=value)") from python3-rados."""
    label, rest = call.split("(", 1)
    param, value = rest[:-1].split("=", 1)
    keys = ((label, param, value), (label, param, None), (label, None, None), (None, param, value))
    return next(key for key in keys if key in REFERENCE_EXCLUDED)


def make_pool(conf):
    pool = "bi-%s" % uuid.uuid4().hex[:8]
    subprocess.run(["ceph", "-c", conf, "osd", "pool", "create", pool, "8"], check=True, capture_output=True,
                   timeout=120)
    return pool


def test_bad_input_never_crashes(lab):
    """Ours never crashes, and every call gets the outcome python3-rados gives it (see REFERENCE_EXCLUDED)."""
    conf = os.environ.get("CEPH_CONF")
    assert conf and os.environ.get("CEPH_KEYRING_ADMIN"), "the ceph lab service is not up"
    started = time.monotonic()
    pools = {}
    try:
        for binding in ("ours", "ceph"):
            pools[binding] = make_pool(conf)
        for pool in pools.values():
            # Blocks until the new pool's placement groups are active (the sweep's calls time out after 10 s).
            subprocess.run(["rados", "-c", conf, "-p", pool, "create", "bi-ready"], check=True, capture_output=True,
                           timeout=120)
        # The two bindings at once, each on its own pool (a batch mostly waits for the cluster).
        with ThreadPoolExecutor(2) as executor:
            ours, peer = executor.map(
                lambda binding: [run_batch(binding, batch, pools[binding]) for batch in BATCHES], ("ours", "ceph"))
    finally:
        for name in [name for pool in pools.values() for name in (pool, pool + "-new")]:
            subprocess.run(["ceph", "-c", conf, "osd", "pool", "rm", name, name, "--yes-i-really-really-mean-it"],
                           check=False, capture_output=True, timeout=120)
    unmapped = [call for report in ours for call in report["unmapped"]]
    assert not unmapped, "calls the sweep cannot feed: %s" % unmapped
    signatures = [report["signatures"] for report in ours], [report["signatures"] for report in peer]
    assert signatures[0] == signatures[1], "the two bindings would not get the same calls: %s" % (signatures,)
    ours, peer = ({call: outcome for report in reports for call, *outcome in report["outcomes"]}
                  for reports in (ours, peer))
    assert len(ours) > 2000, ours
    assert set(peer) <= set(ours), sorted(set(peer) - set(ours))
    excluded = Counter(exclusion(call) for call in set(ours) - set(peer))
    assert set(excluded) == set(REFERENCE_EXCLUDED), "exclusions that match no call: %s" % (
        set(REFERENCE_EXCLUDED) - set(excluded))
    differ = ["%s: ours %s, python3-rados %s" % (call, ours[call], outcome)
              for call, outcome in sorted(peer.items()) if ours[call] != outcome]
    assert not differ, "%d calls differ:\n%s" % (len(differ), "\n".join(differ))
    sys.stdout.write("\nrados bad-input sweep: %d calls, %d raised; %d compared with python3-rados, all equal; %d "
                     "not sent to it: %s; %.0f s\n" % (
                         len(ours), sum(outcome[0] != "returned" for outcome in ours.values()), len(peer),
                         len(ours) - len(peer), dict(excluded), time.monotonic() - started))


def test_ping_monitor_bad_input(lab):
    """ping_monitor given each bad value, in a child process per value and binding: the same outcome as
    python3-rados, and never a crash of ours.

    rados_ping_monitor() of librados 16.2 builds a throwaway messenger, and about one call in four (with either
    binding) segfaults in its msgr-worker thread, in MonConnection::get_auth_request() (gdb backtrace): a race
    inside libceph-common, whatever the argument. faulthandler tells it apart from a binding's fault, which would
    crash the calling (Python) thread, reported as "Current thread": only the former is retried.
    (Called before connect(), rados_ping_monitor() aborts in librados, with either binding, on a mon host given as
    an address vector, as the lab's is: not an input of the call, left out.)
    """
    outcomes, count, index, retried = {}, 1, 0, 0
    while index < count:
        for binding in ("ours", "ceph"):
            proc, tries = run_past_librados_crash(8, child, binding, PING, str(index))
            retried += tries
            assert proc.returncode == 0, "%s: ping_monitor(values[%d]) died (%d): %s" % (
                binding, index, proc.returncode, proc.stderr[-3000:])
            report = json.loads(proc.stdout.splitlines()[-1])
            outcomes.setdefault(index, []).append(report["outcome"])
            count = report["values"]
        index += 1
    assert outcomes[0][0][0] == "returned" and outcomes[1][0] == ["ObjectNotFound", 2], outcomes
    differ = {index: pair for index, pair in outcomes.items() if pair[0] != pair[1]}
    assert not differ, "values[index]: [ours, python3-rados]: %s" % differ
    sys.stdout.write("\nping_monitor: %d values, both bindings, %d runs retried after librados' own crash\n"
                     % (count, retried))
