# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Our rados binding against Ceph's python3-rados, call by call, on the lab cluster.

Each call runs through both bindings with the same arguments: ours on pool ``rados``, Ceph's on its twin
``rados-twin`` (objects of the same names), or on twin pools a test creates. Results, exception classes and
errno must be equal; after each test both pools must hold the same objects, data, xattrs and omap
(read back through Ceph's binding).
"""

# Each comparison is one lambda run on both bindings, some calling small helpers inline.
# pylint: disable=unnecessary-direct-lambda-call,unnecessary-lambda,disallowed-name

import datetime
import importlib.util
import json
import os
import subprocess
import sys
import threading
import time
import uuid

import pytest
from labenv import need

from ansible_collections.datacenter.storage.plugins.module_utils.rbd import rados
from rbd_lab import COLLECTIONS, run_past_librados_crash

CALLS = []  # (test, label) of each compared call, for the count printed at the end


@pytest.fixture(scope="module")
def upstream():
    """Ceph's module (python3-rados, built for this same interpreter version), loaded from its file."""
    proc = subprocess.run(["/usr/bin/python3", "-c", "import rados; print(rados.__file__)"], capture_output=True,
                          text=True, timeout=60, check=False)
    assert proc.returncode == 0, "python3-rados (installed by the lab) is missing: %s" % proc.stderr
    spec = importlib.util.spec_from_file_location("rados", proc.stdout.strip())
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("rados", module)
    spec.loader.exec_module(module)
    return module


class Side:
    """One binding's cluster handle and I/O context; ``tag`` tells its pools apart."""

    def __init__(self, mod, pool, tag, conf, keyring):
        self.mod, self.pool, self.tag = mod, pool, tag
        self.conf, self.keyring = conf, keyring
        self.cluster = self.connect()
        self.io = self.cluster.open_ioctx(pool)

    def connect(self):
        cluster = self.mod.Rados(conffile=self.conf, conf={"keyring": self.keyring})
        cluster.connect()
        return cluster

    def close(self):
        self.io.close()
        self.cluster.shutdown()


class Twin:
    def __init__(self, ours, up, prefix):
        self.ours, self.up, self.prefix = ours, up, prefix

    def same(self, label, func):
        """Run ``func(side)`` on both; their (normalised) results or exceptions must be equal."""
        got = [_outcome(func, side) for side in (self.ours, self.up)]
        assert got[0] == got[1], "%s: ours %r, python3-rados %r" % (label, got[0], got[1])
        CALLS.append(label)
        return got[0]

    def name(self, suffix):
        return "%s-%s" % (self.prefix, suffix)


def _outcome(func, side):
    try:
        return ("ok", norm(func(side)))
    except Exception as exc:  # noqa: BLE001 - the exception class is what is compared
        return ("raise", type(exc).__name__, getattr(exc, "errno", None))


def norm(value):
    """A comparable form: volatile values (times, ids) by type, objects by their public content."""
    name = type(value).__name__
    if isinstance(value, (list, tuple)):
        return type(value)(norm(v) for v in value)
    if isinstance(value, dict):
        return {k: norm(v) for k, v in value.items()}
    if name in ("struct_time", "datetime", "timedelta", "Completion"):
        return name
    if name == "Snap":
        return ("Snap", value.name)
    if name == "Object":
        return ("Object", value.key, value.nspace, value.locator_key, value.offset, value.state)
    if name == "Version":
        return str(value)
    if name in ("OmapIterator", "XattrIterator", "ObjectIterator", "SnapIterator"):
        return (name, sorted(norm(list(value)), key=repr))
    return value


@pytest.fixture(scope="module")
def twin(lab, upstream):
    keyring = need("CEPH_KEYRING_ADMIN", "ceph")
    pools = (os.environ["CEPH_RADOS_POOL"], os.environ["CEPH_RADOS_TWIN_POOL"])
    ours = Side(rados, pools[0], "o", lab.conf, keyring)
    up = Side(upstream, pools[1], "u", lab.conf, keyring)
    pair = Twin(ours, up, "dt-%s" % uuid.uuid4().hex[:8])
    yield pair
    for side in (ours, up):
        _purge(up, side.pool, pair.prefix)
    ours.close()
    up.close()
    print("\ndifferential rados calls compared: %d" % len(CALLS))


def _purge(up, pool, prefix):
    with up.cluster.open_ioctx(pool) as io:
        io.set_namespace(up.mod.LIBRADOS_ALL_NSPACES)
        for obj in list(io.list_objects()):
            if obj.key.startswith(prefix):
                io.set_namespace(obj.nspace)
                try:
                    io.remove_object(obj.key)
                except up.mod.ObjectNotFound:
                    pass
                io.set_namespace(up.mod.LIBRADOS_ALL_NSPACES)


def pool_state(up, pool, prefix):
    """Objects of ``pool`` named ``prefix*`` in every namespace: data, xattrs, omap (read with python3-rados)."""
    state = {}
    with up.cluster.open_ioctx(pool) as io:
        io.set_namespace(up.mod.LIBRADOS_ALL_NSPACES)
        objects = [(o.nspace, o.key) for o in io.list_objects() if o.key.startswith(prefix)]
        for nspace, key in objects:
            io.set_namespace(nspace)
            try:
                with up.mod.ReadOpCtx() as op:
                    omap, _ = io.get_omap_vals(op, "", "", 1000)
                    io.operate_read_op(op, key)
                    omap = dict(omap)
                state[(nspace, key)] = (io.read(key, 1 << 20), dict(io.get_xattrs(key)), omap)
            except up.mod.ObjectNotFound:  # listed, then gone (cls_lock removes an empty object it unlocks)
                continue
    return state


@pytest.fixture
def tw(twin):
    yield twin
    ours = pool_state(twin.up, twin.ours.pool, twin.prefix)
    theirs = pool_state(twin.up, twin.up.pool, twin.prefix)
    assert ours == theirs, "the pools differ after the calls"


def aio(start):
    """Run ``start(callback)``, wait; the completion's state and what the callback got (minus the completion)."""
    got = []
    comp = start(lambda *args: got.append(args[1:]))
    comp.wait_for_complete_and_cb()
    comp.wait_for_complete()
    return comp.get_return_value(), got, comp.is_complete(), comp.is_safe()


def test_cluster_calls(tw, lab):
    tw.same("version", lambda s: s.cluster.version())
    tw.same("get_fsid", lambda s: s.cluster.get_fsid())
    tw.same("list_pools", lambda s: sorted(p for p in s.cluster.list_pools() if not p.startswith("dt-")))
    tw.same("pool_exists", lambda s: s.cluster.pool_exists(s.pool))
    tw.same("pool_exists missing", lambda s: s.cluster.pool_exists("no-such-pool"))
    tw.same("pool_lookup missing", lambda s: s.cluster.pool_lookup("no-such-pool"))
    tw.same("pool_lookup type", lambda s: type(s.cluster.pool_lookup(s.pool)).__name__)
    tw.same("pool_reverse_lookup", lambda s: s.cluster.pool_reverse_lookup(s.cluster.pool_lookup(s.pool)) == s.pool)
    tw.same("pool_reverse_lookup missing", lambda s: s.cluster.pool_reverse_lookup(987654))
    tw.same("get_pool_base_tier", lambda s: s.cluster.get_pool_base_tier(s.cluster.pool_lookup(s.pool))
            == s.cluster.pool_lookup(s.pool))
    tw.same("get_pool_base_tier missing", lambda s: s.cluster.get_pool_base_tier(987654))
    tw.same("get_inconsistent_pgs", lambda s: s.cluster.get_inconsistent_pgs(s.cluster.pool_lookup(s.pool)))
    tw.same("get_inconsistent_pgs missing", lambda s: s.cluster.get_inconsistent_pgs(987654))
    tw.same("get_cluster_stats", lambda s: sorted((k, type(v).__name__) for k, v in s.cluster.get_cluster_stats()
                                                  .items()))
    tw.same("get_instance_id", lambda s: type(s.cluster.get_instance_id()).__name__)
    tw.same("get_addrs", lambda s: s.cluster.get_addrs().startswith("127.0.0.1:"))
    tw.same("wait_for_latest_osdmap", lambda s: s.cluster.wait_for_latest_osdmap())
    # Configuration calls on handles not yet connected (changing a connected one races with its threads).
    fresh = {}

    def conf(s):
        if s.tag not in fresh:
            fresh[s.tag] = s.mod.Rados(conffile=lab.conf)
        return fresh[s.tag]

    tw.same("conf_get", lambda s: conf(s).conf_get("rados_osd_op_timeout"))
    tw.same("conf_get missing", lambda s: conf(s).conf_get("no_such_option"))
    tw.same("conf_set", lambda s: (conf(s).conf_set("rados_osd_op_timeout", "40"),
                                   conf(s).conf_get("rados_osd_op_timeout")))
    tw.same("conf_set missing", lambda s: conf(s).conf_set("no_such_option", "1"))
    tw.same("conf_set bad value", lambda s: conf(s).conf_set("rados_osd_op_timeout", "many"))
    tw.same("conf_read_file", lambda s: conf(s).conf_read_file(lab.conf))
    tw.same("conf_read_file missing", lambda s: conf(s).conf_read_file("/nonexistent/ceph.conf"))
    tw.same("conf_parse_env unset", lambda s: conf(s).conf_parse_env("NO_SUCH_VARIABLE_HERE"))
    tw.same("conf_parse_env empty", lambda s: conf(s).conf_parse_env(""))
    tw.same("conf_parse_argv", lambda s: (conf(s).conf_parse_argv(["prog", "--rados-mon-op-timeout", "33", "x"]),
                                          conf(s).conf_get("rados_mon_op_timeout"), conf(s).parsed_args))
    tw.same("conf_parse_argv empty", lambda s: conf(s).conf_parse_argv([]))
    tw.same("conf_parse_argv connected", lambda s: s.cluster.conf_parse_argv(["prog", "x"]))
    for handle in fresh.values():
        handle.shutdown()
    tw.same("require_state", lambda s: s.cluster.require_state("connected"))
    tw.same("require_state wrong", lambda s: s.cluster.require_state("configuring"))
    tw.same("state", lambda s: (s.cluster.state, s.cluster.rados_id, s.cluster.conffile, s.cluster.conf_defaults))
    tw.same("blocklist_add", lambda s: s.cluster.blocklist_add("127.0.0.1:0/%d" % (4242 + len(s.tag)), 1))
    tw.same("blocklist_add bad", lambda s: s.cluster.blocklist_add("not an address", 1))


PING = r"""
import faulthandler, json, os, sys
faulthandler.enable()
sys.path[:0] = sys.argv[2:]
if sys.argv[1] == "ours":
    from ansible_collections.datacenter.storage.plugins.module_utils.rbd import rados
else:
    import rados
cluster = rados.Rados(conffile=os.environ["CEPH_CONF"], conf={"keyring": os.environ["CEPH_KEYRING_ADMIN"]})
cluster.connect()
out = [sorted(json.loads(cluster.ping_monitor("a")))]
try:
    cluster.ping_monitor("zz")
except rados.Error as exc:
    out.append([type(exc).__name__, exc.errno])
cluster.shutdown()
print(json.dumps(out))
"""


def test_ping_monitor(twin):
    """ping_monitor in child processes, retried only after a crash in a librados thread.

    rados_ping_monitor() of librados 16.2 builds a throwaway messenger (MonClientPinger), and about one call in
    eight segfaults in its msgr-worker thread, in MonConnection::get_auth_request() called from
    ProtocolV2::send_auth_request() (gdb backtrace), with Ceph's binding as with ours: a race inside
    libceph-common, not in a binding. faulthandler tells it apart: a crash in the calling (Python) thread, which
    is where a binding's own fault would show, is reported as "Current thread" and fails the test at once.
    """
    import cffi  # pylint: disable=import-outside-toplevel

    paths = [str(COLLECTIONS), os.path.dirname(os.path.dirname(cffi.__file__))]
    results = []
    for which in ("ours", "upstream"):
        proc, _retried = run_past_librados_crash(5, subprocess.run, ["/usr/bin/python3", "-c", PING, which] + paths,
                                                 capture_output=True, text=True, timeout=120, check=False)
        assert proc.returncode == 0, "%s: ping_monitor failed (%d): %s" % (which, proc.returncode, proc.stderr)
        results.append(json.loads(proc.stdout))
    assert results[0] == results[1]
    CALLS.extend(["ping_monitor", "ping_monitor missing"])


def test_commands(tw):
    status = json.dumps({"prefix": "status", "format": "json"})
    tw.same("mon_command", lambda s: (lambda r: (r[0], sorted(json.loads(r[1])), r[2]))(
        s.cluster.mon_command(status, b"")))
    tw.same("mon_command target", lambda s: s.cluster.mon_command(json.dumps({"prefix": "version"}), b"",
                                                                  target="a")[0])
    tw.same("mon_command rank", lambda s: s.cluster.mon_command(json.dumps({"prefix": "version"}), b"",
                                                                target=0)[0])
    tw.same("mon_command bad", lambda s: s.cluster.mon_command(json.dumps({"prefix": "no such"}), b""))
    tw.same("mon_command not json", lambda s: s.cluster.mon_command("{", b"", timeout=5))
    tw.same("mgr_command", lambda s: s.cluster.mgr_command(json.dumps({"prefix": "balancer status"}), b"")[0])
    tw.same("mgr_command bad", lambda s: s.cluster.mgr_command(json.dumps({"prefix": "no such"}), b"")[:1])
    tw.same("mgr_command target", lambda s: s.cluster.mgr_command(json.dumps({"prefix": "balancer status"}), b"",
                                                                  target="x")[0])
    tw.same("osd_command", lambda s: (lambda r: (r[0], sorted(json.loads(r[1])), r[2]))(
        s.cluster.osd_command(0, json.dumps({"prefix": "version"}), b"")))
    tw.same("osd_command missing osd", lambda s: s.cluster.osd_command(7, json.dumps({"prefix": "version"}), b"")[0])
    pgid = "%d.0" % tw.ours.cluster.pool_lookup(tw.ours.pool)
    tw.same("pg_command", lambda s: s.cluster.pg_command(pgid, json.dumps({"prefix": "query"}), b"")[0])
    # A malformed pgid: python3-rados reads outbuf lengths librados never set (MemoryError or garbage); ours
    # returns (-22, b"", ""). Not compared.


def test_object_io(tw):
    key = tw.name("io")
    tw.same("write_full", lambda s: s.io.write_full(key, b"hello world"))
    tw.same("read", lambda s: s.io.read(key))
    tw.same("read part", lambda s: s.io.read(key, 5, 3))
    tw.same("read past end", lambda s: s.io.read(key, 5, 100))
    tw.same("read 0 bytes", lambda s: s.io.read(key, 0))
    tw.same("read 1 byte", lambda s: s.io.read(key, 1))
    tw.same("write", lambda s: s.io.write(key, b"HELLO", 0))
    tw.same("write at offset", lambda s: s.io.write(key, b"!", 20))
    tw.same("append", lambda s: s.io.append(key, b"tail"))
    tw.same("stat", lambda s: s.io.stat(key))
    tw.same("stat size", lambda s: s.io.stat(key)[0])
    tw.same("trunc", lambda s: s.io.trunc(key, 8))
    tw.same("writesame", lambda s: s.io.writesame(key, b"ab", 8, 8))
    tw.same("writesame bad length", lambda s: s.io.writesame(key, b"abc", 8, 0))
    tw.same("cmpext equal", lambda s: s.io.cmpext(key, b"HELLO", 0))
    tw.same("cmpext differs", lambda s: s.io.cmpext(key, b"HELxO", 0))
    tw.same("read all", lambda s: s.io.read(key, 100))
    tw.same("get_last_version type", lambda s: type(s.io.get_last_version()).__name__)
    tw.same("execute", lambda s: s.io.execute(key, "lock", "get_info", b""))
    tw.same("execute missing class", lambda s: s.io.execute(key, "no_such_class", "x", b""))
    tw.same("remove_object", lambda s: s.io.remove_object(key))
    tw.same("remove_object missing", lambda s: s.io.remove_object(key))
    tw.same("read missing", lambda s: s.io.read(key))
    tw.same("stat missing", lambda s: s.io.stat(key))
    tw.same("trunc missing", lambda s: s.io.trunc(key, 0))
    tw.same("cmpext missing", lambda s: s.io.cmpext(key, b"x", 0))
    tw.same("big object", lambda s: (s.io.write_full(key, bytes(range(256)) * 8192),
                                     s.io.read(key, 4 << 20) == bytes(range(256)) * 8192))


def test_xattrs_and_namespaces(tw):
    key = tw.name("x")
    tw.same("set_xattr", lambda s: (s.io.write_full(key, b"d"), s.io.set_xattr(key, "a", b"1"),
                                    s.io.set_xattr(key, "b", b"\0two")))
    tw.same("get_xattr", lambda s: s.io.get_xattr(key, "b"))
    tw.same("get_xattr big", lambda s: (s.io.set_xattr(key, "big", b"z" * 9000), s.io.get_xattr(key, "big")))
    tw.same("get_xattr missing", lambda s: s.io.get_xattr(key, "nope"))
    tw.same("get_xattrs", lambda s: s.io.get_xattrs(key))
    tw.same("get_xattrs missing object", lambda s: s.io.get_xattrs(tw.name("none")))
    tw.same("rm_xattr", lambda s: s.io.rm_xattr(key, "big"))
    tw.same("rm_xattr missing", lambda s: s.io.rm_xattr(key, "nope"))
    tw.same("locator", lambda s: (s.io.get_locator_key(), s.io.set_locator_key("loc"), s.io.get_locator_key(),
                                  s.io.write_full(tw.name("loc"), b"l"), s.io.set_locator_key(""),
                                  s.io.read(tw.name("loc"))))
    tw.same("namespace", lambda s: (s.io.set_namespace("ns1"), s.io.get_namespace(),
                                    s.io.write_full(key, b"in ns1"), s.io.read(key)))
    tw.same("list_objects in namespace", lambda s: sorted(norm(o) for o in s.io.list_objects()
                                                          if o.key.startswith(tw.prefix)))
    tw.same("namespace None", lambda s: (s.io.set_namespace(None), s.io.get_namespace(), s.io.read(key)))
    tw.same("list_objects all namespaces", lambda s: (
        s.io.set_namespace(s.mod.LIBRADOS_ALL_NSPACES),
        sorted(norm(o)[:3] for o in s.io.list_objects() if o.key.startswith(tw.prefix)), s.io.set_namespace("")))
    tw.same("dup", lambda s: (s.io.set_namespace("ns1"), (lambda d: (d.get_namespace(), d.read(key), d.close()))(
        s.io.dup()), s.io.set_namespace("")))
    tw.same("Object", lambda s: [(o.read(3), o.seek(1), o.read(), o.stat()[0], o.get_xattr("a"),
                                  sorted(o.get_xattrs()), o.set_xattr("c", b"3"), o.rm_xattr("c"), o.write(b"W"),
                                  o.read(), norm(o)) for o in s.io.list_objects() if o.key == key])
    tw.same("Object remove", lambda s: (lambda o: (o.remove(), o.state, o.read()))(
        s.mod.Object(s.io, tw.name("loc"), "loc")))


def test_write_and_read_ops(tw):
    key = tw.name("op")

    def write_op(s, build, **kwargs):
        with s.mod.WriteOpCtx() as op:
            build(op)
            return s.io.operate_write_op(op, key, **kwargs)

    def read_omap(s, getter):
        with s.mod.ReadOpCtx() as op:
            it, ret = getter(s, op)
            s.io.operate_read_op(op, key)
            return list(it), ret

    tw.same("op new+write_full", lambda s: write_op(s, lambda op: (op.new(s.mod.LIBRADOS_CREATE_EXCLUSIVE),
                                                                   op.write_full(b"0123456789"))))
    tw.same("op new exclusive exists", lambda s: write_op(s, lambda op: op.new(s.mod.LIBRADOS_CREATE_EXCLUSIVE)))
    tw.same("op write/append/zero/truncate", lambda s: (write_op(s, lambda op: (
        op.write(b"ab", 2), op.append(b"XYZ"), op.zero(1, 1), op.truncate(12), op.set_flags(0))), s.io.read(key)))
    tw.same("op writesame", lambda s: (write_op(s, lambda op: op.writesame(b"q", 3, 1)), s.io.read(key)))
    tw.same("op xattrs", lambda s: (write_op(s, lambda op: (op.set_xattr("k", b"v"), op.set_xattr("j", b"w"),
                                                            op.rm_xattr("j"))), sorted(s.io.get_xattrs(key))))
    tw.same("op cmpext fails", lambda s: write_op(s, lambda op: (op.cmpext(b"nope", 0), op.write_full(b"lost"))))
    tw.same("op assert_version fails", lambda s: write_op(s, lambda op: op.assert_version(10 ** 9)))
    tw.same("op execute bad input", lambda s: write_op(s, lambda op: op.execute("lock", "lock", b"")))
    omap = (("a", "b", "c", "d"), (b"1", b"2", b"\x003", b""))
    tw.same("set_omap", lambda s: write_op(s, lambda op: s.io.set_omap(op, *omap)))
    tw.same("set_omap mismatch", lambda s: write_op(s, lambda op: s.io.set_omap(op, ("a",), (b"1", b"2"))))
    tw.same("omap_cmp fails", lambda s: write_op(s, lambda op: op.omap_cmp("a", "9", s.mod.LIBRADOS_CMPXATTR_OP_EQ)))
    tw.same("omap_cmp holds", lambda s: write_op(s, lambda op: op.omap_cmp("a", "1")))
    tw.same("get_omap_vals", lambda s: read_omap(s, lambda s, op: s.io.get_omap_vals(op, "", "", 10)))
    tw.same("get_omap_vals after/prefix", lambda s: read_omap(s, lambda s, op: s.io.get_omap_vals(op, "a", "c", 10)))
    tw.same("get_omap_vals None", lambda s: read_omap(s, lambda s, op: s.io.get_omap_vals(op, None, None, 2)))
    tw.same("get_omap_keys", lambda s: read_omap(s, lambda s, op: s.io.get_omap_keys(op, "", 3)))
    tw.same("get_omap_vals_by_keys", lambda s: read_omap(s, lambda s, op: s.io.get_omap_vals_by_keys(op, ("b", "z"))))
    tw.same("remove_omap_keys", lambda s: write_op(s, lambda op: s.io.remove_omap_keys(op, ("a",))))
    tw.same("remove_omap_range2", lambda s: write_op(s, lambda op: s.io.remove_omap_range2(op, "b", "c")))
    tw.same("omap left", lambda s: read_omap(s, lambda s, op: s.io.get_omap_vals(op, "", "", 10)))
    tw.same("clear_omap", lambda s: (write_op(s, lambda op: s.io.clear_omap(op)),
                                     read_omap(s, lambda s, op: s.io.get_omap_keys(op, "", 10))))
    tw.same("read op cmpext", lambda s: (lambda op: (op.cmpext(b"zz", 0), op.set_flags(0),
                                                     s.io.operate_read_op(op, key), s.io.release_read_op(op)))(
        s.io.create_read_op()))
    tw.same("read op missing object", lambda s: (lambda op: (s.io.operate_read_op(op, tw.name("none")), op.release()))(
        s.mod.ReadOp().create()))
    tw.same("create/release write op", lambda s: (lambda op: (op.write_full(b"W"), s.io.operate_write_op(
        op, key, mtime=1000000000), s.io.stat(key)[1].tm_year, s.io.release_write_op(op)))(s.io.create_write_op()))
    tw.same("op remove", lambda s: write_op(s, lambda op: op.remove()))
    tw.same("op remove missing", lambda s: write_op(s, lambda op: op.remove()))


def test_locks(tw):
    key = tw.name("lock")
    tw.same("lock_exclusive", lambda s: (s.io.write_full(key, b""), s.io.lock_exclusive(key, "l", "c1", "desc")))
    tw.same("lock_exclusive again", lambda s: s.io.lock_exclusive(key, "l", "c2"))
    tw.same("lock_exclusive renew", lambda s: s.io.lock_exclusive(key, "l", "c1", duration=30, flags=1))
    tw.same("unlock", lambda s: s.io.unlock(key, "l", "c1"))
    tw.same("unlock missing", lambda s: s.io.unlock(key, "l", "c1"))
    tw.same("lock_shared", lambda s: (s.io.lock_shared(key, "s", "c1", "tag"),
                                      s.io.lock_shared(key, "s", "c2", "tag", "d", 10)))
    tw.same("lock_shared other tag", lambda s: s.io.lock_shared(key, "s", "c3", "other"))
    tw.same("exclusive on shared", lambda s: s.io.lock_exclusive(key, "s", "c4"))
    tw.same("locks listed", lambda s: s.io.execute(key, "lock", "list_locks", b""))
    tw.same("unlock shared", lambda s: (s.io.unlock(key, "s", "c1"), s.io.unlock(key, "s", "c2")))


def test_aio(tw):
    key = tw.name("aio")
    tw.same("aio_write_full", lambda s: aio(lambda cb: s.io.aio_write_full(key, b"0123456789", cb)))
    tw.same("aio_write", lambda s: aio(lambda cb: s.io.aio_write(key, b"ab", 2, cb, cb)))
    tw.same("aio_write no callback", lambda s: (lambda c: (c.wait_for_complete(), c.get_return_value(),
                                                           c.is_complete()))(s.io.aio_write(key, b"cd", 4)))
    tw.same("aio_append", lambda s: aio(lambda cb: s.io.aio_append(key, b"++", cb)))
    tw.same("aio_writesame", lambda s: aio(lambda cb: s.io.aio_writesame(key, b"w", 2, 0, cb)))
    tw.same("aio_read", lambda s: aio(lambda cb: s.io.aio_read(key, 100, 0, cb)))
    tw.same("aio_read part", lambda s: aio(lambda cb: s.io.aio_read(key, 4, 2, cb)))
    tw.same("aio_read missing", lambda s: aio(lambda cb: s.io.aio_read(tw.name("none"), 4, 0, cb)))
    tw.same("aio_stat", lambda s: aio(lambda cb: s.io.aio_stat(key, cb)))
    tw.same("aio_stat missing", lambda s: aio(lambda cb: s.io.aio_stat(tw.name("none"), cb)))
    tw.same("aio_cmpext", lambda s: (aio(lambda cb: s.io.aio_cmpext(key, b"wwab", 0, cb)),
                                     aio(lambda cb: s.io.aio_cmpext(key, b"wwaX", 0, cb))))
    tw.same("aio_setxattr", lambda s: (aio(lambda cb: s.io.aio_setxattr(key, "x", b"1", cb)),
                                       s.io.get_xattr(key, "x")))
    tw.same("aio_rmxattr", lambda s: (aio(lambda cb: s.io.aio_rmxattr(key, "x", cb)),
                                      aio(lambda cb: s.io.aio_rmxattr(key, "x", cb))))
    tw.same("aio_execute", lambda s: aio(lambda cb: s.io.aio_execute(key, "lock", "get_info", b"", 8192, cb)))
    tw.same("aio_execute bad", lambda s: aio(lambda cb: s.io.aio_execute(key, "nope", "x", b"", 10, cb, cb)))
    tw.same("aio_flush", lambda s: s.io.aio_flush())

    def aio_op(s, build, read=False):
        op = (s.mod.ReadOp if read else s.mod.WriteOp)().create()
        extra = build(op)
        start = s.io.operate_aio_read_op if read else s.io.operate_aio_write_op
        result = aio(lambda cb: start(op, key, cb))
        op.release()
        return result, list(extra or [])

    tw.same("operate_aio_write_op", lambda s: aio_op(s, lambda op: s.io.set_omap(op, ("k",), (b"v",))))
    tw.same("operate_aio_read_op", lambda s: aio_op(s, lambda op: s.io.get_omap_vals(op, "", "", 5)[0], read=True))
    tw.same("operate_aio_write_op fails", lambda s: aio_op(s, lambda op: op.omap_cmp("k", "x")))
    tw.same("completion lists", lambda s: (len(s.io.complete_completions), len(s.io.safe_completions)))
    tw.same("aio_remove", lambda s: (aio(lambda cb: s.io.aio_remove(key, cb)), aio(lambda cb: s.io.aio_remove(key, cb))))


def test_watch_and_notify(tw):
    key = tw.name("watch")

    def watched(s):
        got, errors = [], []
        s.io.write_full(key, b"")
        with s.io.watch(key, lambda *args: got.append(args) or "ack", errors.append, 30) as watch:
            notified = s.io.notify(key, "hello", 5000)
            completion_args = aio(lambda cb: s.io.aio_notify(key, cb, msg="again"))
            result = (notified, [(type(a[0]).__name__, type(a[1]).__name__, a[2] == watch.get_id(), a[3])
                                 for a in got], completion_args[0], [(r[0], [ack[2] for ack in r[1]], r[2])
                                                                     for r in completion_args[1]],
                      type(watch.check()).__name__, type(watch.get_id()).__name__)
        return result, errors

    tw.same("watch/notify", watched)
    tw.same("notify without watchers", lambda s: s.io.notify(key, "", 1000))
    tw.same("watch missing object", lambda s: s.io.watch(tw.name("none"), lambda *a: None))
    tw.same("aio_notify missing object", lambda s: aio(lambda cb: s.io.aio_notify(tw.name("none"), cb)))


def test_monitor_log(twin):
    def watch_log(s):
        got, done = [], threading.Event()
        cluster = s.connect()
        cluster.monitor_log("info", lambda *args: (got.append(args), done.set()), "arg")
        cluster.mon_command(json.dumps({"prefix": "log", "logtext": ["differential %s" % s.tag]}), b"")
        done.wait(20)
        cluster.monitor_log("info", None, None)
        cluster.monitor_log2("info", lambda *args: None, None)
        cluster.monitor_log2("info", None)
        bad = _outcome(lambda _s: cluster.monitor_log("loud", None, None), s)
        log = s.mod.MonitorLog(cluster, "debug", None, None)
        cluster.shutdown()
        return [type(a).__name__ for a in got[0]], got[0][0], bad, (log.level, log.arg)

    twin.same("monitor_log", watch_log)


def test_pools_snapshots_applications(twin):
    names = {}

    def pool(s):
        return "%s-pool-%s" % (twin.prefix, s.tag)

    def created(s):
        names[s.tag] = pool(s)
        return s.cluster.create_pool(pool(s)), s.cluster.pool_exists(pool(s)), s.cluster.create_pool(pool(s))

    twin.same("create_pool", created)
    twin.same("create_pool bad rule", lambda s: s.cluster.create_pool(pool(s) + "-r", 200))
    twin.same("create_pool with auid", lambda s: s.cluster.create_pool(pool(s) + "-a", auid=0))
    twin.same("delete_pool auid", lambda s: s.cluster.delete_pool(pool(s) + "-a"))
    twin.same("delete_pool missing", lambda s: s.cluster.delete_pool(pool(s) + "-none"))
    try:
        ios = {}

        def io(s):
            if s.tag not in ios:
                ios[s.tag] = s.cluster.open_ioctx(pool(s))
            return ios[s.tag]

        twin.same("open_ioctx2", lambda s: (lambda i: (i.name == str(s.cluster.pool_lookup(pool(s))),
                                                       i.get_pool_name() == pool(s), i.close()))(
            s.cluster.open_ioctx2(s.cluster.pool_lookup(pool(s)))))
        twin.same("open_ioctx2 missing", lambda s: s.cluster.open_ioctx2(987654))
        twin.same("open_ioctx missing", lambda s: s.cluster.open_ioctx("no-such-pool"))
        twin.same("pool info", lambda s: (io(s).get_pool_name() == pool(s), type(io(s).get_pool_id()).__name__,
                                          io(s).alignment(), sorted(io(s).get_stats()), io(s).state, io(s).nspace))
        twin.same("application_list none", lambda s: io(s).application_list())
        twin.same("application_enable", lambda s: (io(s).application_enable("app1"), io(s).application_list()))
        twin.same("application_enable second", lambda s: io(s).application_enable("app2"))
        twin.same("application_enable force", lambda s: (io(s).application_enable("app2", True),
                                                         sorted(io(s).application_list())))
        twin.same("application_metadata", lambda s: (io(s).application_metadata_set("app1", "k", "v"),
                                                     io(s).application_metadata_set("app1", "j", "w"),
                                                     io(s).application_metadata_get("app1", "k"),
                                                     sorted(io(s).application_metadata_list("app1")),
                                                     io(s).application_metadata_remove("app1", "j"),
                                                     io(s).application_metadata_list("app1")))
        twin.same("application_metadata_get missing", lambda s: io(s).application_metadata_get("app1", "zz"))
        twin.same("application_metadata bad app", lambda s: io(s).application_metadata_set("nope", "k", "v"))
        twin.same("osdmap_full_try", lambda s: (io(s).set_osdmap_full_try(), io(s).unset_osdmap_full_try()))
        twin.same("self-managed snaps", lambda s: (lambda snap: (
            io(s).write_full(twin.name("sm"), b"v1"), io(s).set_self_managed_snap_write([snap]),
            io(s).write_full(twin.name("sm"), b"v2"), io(s).rollback_self_managed_snap(twin.name("sm"), snap),
            io(s).read(twin.name("sm")), io(s).set_self_managed_snap_write([]), io(s).remove_self_managed_snap(snap),
            io(s).remove_object(twin.name("sm"))))(io(s).create_self_managed_snap()))
        twin.same("pool snap on self-managed pool", lambda s: io(s).create_snap("s1"))
        twin.same("pool snapshots", lambda s: _pool_snapshots(s, pool(s) + "-snap", twin.name("ps")))
    finally:
        for side in (twin.ours, twin.up):
            for tagged in (pool(side), pool(side) + "-snap", pool(side) + "-r"):
                if side.cluster.pool_exists(tagged):
                    side.cluster.delete_pool(tagged)
    twin.same("delete_pool", lambda s: s.cluster.pool_exists(pool(s)))


def _pool_snapshots(s, name, key):
    s.cluster.create_pool(name)
    with s.cluster.open_ioctx(name) as io:
        io.write_full(key, b"before")
        io.create_snap("s1")
        io.write_full(key, b"after")
        snap = io.lookup_snap("s1")
        snaps = list(io.list_snaps())
        stamp = snap.get_timestamp()
        io.set_read(snap.snap_id)
        old = io.read(key)
        io.set_read(s.mod.LIBRADOS_SNAP_HEAD)
        io.snap_rollback(key, "s1")
        rolled = io.read(key)
        missing = _outcome(lambda _s: io.lookup_snap("none"), s)
        again = _outcome(lambda _s: io.create_snap("s1"), s)
        io.remove_snap("s1")
        gone = _outcome(lambda _s: io.remove_snap("s1"), s)
        return ([x.name for x in snaps], type(stamp).__name__, old, rolled, missing, again, gone,
                type(snap.snap_id).__name__)


def test_states_after_close(twin):
    def closed(s):
        io = s.cluster.open_ioctx(s.pool)
        io.close()
        io.close()
        return [_outcome(call, s) for call in (lambda _s: io.read("x"), lambda _s: io.write_full("x", b""),
                                               lambda _s: io.set_namespace("n"), lambda _s: io.require_ioctx_open(),
                                               lambda _s: io.list_objects(), lambda _s: io.get_namespace())]

    twin.same("closed ioctx", closed)

    def shut(s):
        cluster = s.connect()
        cluster.shutdown()
        cluster.shutdown()
        return [_outcome(call, s) for call in (lambda _s: cluster.list_pools(), lambda _s: cluster.open_ioctx("x"),
                                               lambda _s: cluster.connect(), lambda _s: cluster.conf_get("x"),
                                               lambda _s: cluster.state)]

    twin.same("shut down cluster", shut)

    def unconnected(s):
        cluster = s.mod.Rados(conffile=s.conf, conf={"keyring": s.keyring}, rados_id="admin")
        out = [_outcome(call, s) for call in (lambda _s: cluster.get_fsid(), lambda _s: cluster.conf_get("keyring"),
                                              lambda _s: cluster.state, lambda _s: cluster.rados_id)]
        with cluster:
            out.append(cluster.state)
        out.append(_outcome(lambda _s: s.mod.Rados(rados_id="a", name="client.a"), s))
        out.append(_outcome(lambda _s: s.mod.Rados(conffile="/nonexistent"), s))
        return out, cluster.state

    twin.same("unconnected cluster", unconnected)


def test_gil_released_during_blocking_calls(twin):
    """While a call blocks in librados, Python threads run: a watcher's callback (on a librados thread) and a
    ticking thread, as with Cython's ``nogil``. Without that the notify below could only time out."""
    key = twin.name("gil")

    def ticks_during_notify(s):
        ticks, stop = [0], threading.Event()

        def tick():
            while not stop.is_set():
                ticks[0] += 1
                time.sleep(0.001)

        s.io.write_full(key, b"")
        thread = threading.Thread(target=tick)
        with s.io.watch(key, lambda *args: time.sleep(0.5)):
            thread.start()
            before = ticks[0]
            notified = s.io.notify(key, "slow", 10000)
            during = ticks[0] - before
        stop.set()
        thread.join()
        s.io.remove_object(key)
        return notified, during > 50

    twin.same("GIL released", ticks_during_notify)


def test_values_compared_for_helpers(twin):
    twin.same("cstr", lambda s: (s.mod.cstr("é", "x"), s.mod.cstr(b"b", "x"), s.mod.cstr(None, "x", opt=True)))
    twin.same("cstr bad", lambda s: s.mod.cstr(1, "x"))
    twin.same("cstr_list", lambda s: s.mod.cstr_list(["a", b"b"], "x"))
    twin.same("decode_cstr", lambda s: (s.mod.decode_cstr(b"a"), s.mod.decode_cstr(None)))
    twin.same("flatten_dict", lambda s: s.mod.flatten_dict({"a": "1", "b": "2"}, "d"))
    twin.same("Version", lambda s: (str(s.mod.Version(1, 2, 3)), s.mod.Version(1, 2, 3).minor))
    twin.same("exceptions", lambda s: [(str(e), e.errno) for e in (s.mod.ObjectNotFound("m", errno=2),
                                                                   s.mod.Error("m"), s.mod.OSError("m", 5),
                                                                   s.mod.ExtendMismatch("m", 4100, 5))])
    twin.same("service_daemon", lambda s: _service(s))
    twin.same("datetime names", lambda s: (s.mod.datetime is datetime.datetime, s.mod.timedelta is datetime.timedelta))


def _service(s):
    cluster = s.connect()
    try:
        return (cluster.service_daemon_register("difftest", "d-%s" % s.tag, {"version": "1"}),
                cluster.service_daemon_update({"status": "ok"}))
    finally:
        cluster.shutdown()
