# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""pyxs is the oracle: every public pyxs call, and the pyxs tutorial's snippets, run through Debian's python3-pyxs
and through ours on the lab's real xenstored; same results, same exception class and errno, same daemon state after.

Each scenario runs twice on the same path (pyxs, then ours, the tree removed in between), recording what every
call returned or raised; the records and the daemon's tree after each run (values and permissions, read with
pyxs) must be equal.  Only bytes are used: ``str`` arguments are our extension.
"""

import contextlib
import importlib
import importlib.util
import io
import os
import subprocess
import sys

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils import xenstore as ours

PYXS_DIR = "/usr/lib/python3/dist-packages/pyxs"
OURS = "ansible_collections.datacenter.storage.plugins.module_utils.xenstore"


@pytest.fixture(scope="module")
def pyxs():
    """Debian's pyxs, imported from its own directory (the lab installs python3-pyxs)."""
    if "pyxs" not in sys.modules:
        spec = importlib.util.spec_from_file_location("pyxs", PYXS_DIR + "/__init__.py", submodule_search_locations=[PYXS_DIR])
        sys.modules["pyxs"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(sys.modules["pyxs"])
    return sys.modules["pyxs"]


def outcome(call, *args, **kwargs):
    """What a call gave: its result, or ``(exception class name, errno or args)``."""
    try:
        result = call(*args, **kwargs)
    except Exception as exc:  # noqa: BLE001 - the exception is the outcome
        detail = exc.args[0] if exc.args and isinstance(exc.args[0], int) else exc.args
        return ("raised", type(exc).__name__, detail if type(exc).__name__ != "ValueError" else None)
    if hasattr(result, "__next__"):
        return ("generator",)
    return result


class Recorder:
    """Runs calls against one implementation, keeping every outcome."""

    def __init__(self, api):
        self.api = api
        self.log = []

    def __call__(self, label, call, *args, **kwargs):
        result = outcome(call, *args, **kwargs)
        self.log.append((label, result))
        return result


def tree(pyxs, path):
    """``{path: (value, perms)}`` below ``path``, read with pyxs."""
    with pyxs.Client() as c:
        if not c.exists(path):
            return {}
        return {p: (v, c.get_perms(p)) for p, v, _children in c.walk(path)}


def remove(pyxs, path):
    with pyxs.Client() as c:
        if c.exists(path):
            c.delete(path)


def differential(pyxs, base, scenario):
    """Run ``scenario(rec, base)`` with pyxs then with ours; assert the same outcomes and daemon state."""
    runs = []
    for api in (pyxs, ours):
        remove(pyxs, base)
        rec = Recorder(api)
        scenario(rec, base)
        runs.append((rec.log, tree(pyxs, base)))
    remove(pyxs, base)
    (their_log, their_tree), (our_log, our_tree) = runs
    for (label, theirs), (_label, mine) in zip(their_log, our_log):
        assert mine == theirs, "%s: ours %r, pyxs %r" % (label, mine, theirs)
    assert len(our_log) == len(their_log)
    assert our_tree == their_tree
    return their_log


@pytest.fixture
def root(base):
    return base.encode()


def test_node_operations(pyxs, root):
    def scenario(rec, b):
        with rec.api.Client() as c:
            rec("write", c.write, b + b"/a", b"1")
            rec("setitem", c.__setitem__, b + b"/b/c", b"two")
            rec("read", c.read, b + b"/a")
            rec("getitem", c.__getitem__, b + b"/b/c")
            rec("read parent", c.read, b + b"/b")
            rec("read missing", c.read, b + b"/missing")
            rec("read default", c.read, b + b"/missing", b"dflt")
            rec("read nul value", lambda: (c.write(b + b"/nul", b"x\0\0"), c.read(b + b"/nul")))
            rec("mkdir", c.mkdir, b + b"/d/e")
            rec("mkdir existing", c.mkdir, b + b"/a")
            rec("list", lambda: sorted(c.list(b)))
            rec("list leaf", c.list, b + b"/a")
            rec("list missing", c.list, b + b"/missing")
            rec("exists", c.exists, b + b"/d/e")
            rec("exists missing", c.exists, b + b"/missing")
            rec("delete", c.delete, b + b"/d")
            rec("delete missing child", c.delete, b + b"/missing")
            rec("delete missing parent", c.delete, b + b"/no/such")
            rec("delitem", c.__delitem__, b + b"/nul")
            rec("relative write", c.write, b"ftest-diff-rel", b"r")
            rec("relative read", c.read, b"/local/domain/0/ftest-diff-rel")
            rec("relative delete", c.delete, b"ftest-diff-rel")
            rec("walk", lambda: sorted(c.walk(b)))
            rec("walk order", lambda: [p for p, _v, _c in c.walk(b)])
            rec("walk bottom-up", lambda: [p for p, _v, _c in c.walk(b, False)])
            rec("walk root value", lambda: next(c.walk(b"/"))[1])
            rec("walk missing", lambda: list(c.walk(b + b"/missing")))
            rec("read /", c.read, b"/")
            rec("write to root", lambda: (c.write(b"/", b"x"), c.read(b"/"), c.write(b"/", b"")))
            rec("list /tool", lambda: b"xenstored" in c.list(b"/tool"))

    differential(pyxs, root, scenario)


def test_permissions_and_domains(pyxs, root):
    def scenario(rec, b):
        with rec.api.Client() as c:
            c.write(b + b"/p", b"v")
            rec("set_perms", c.set_perms, b + b"/p", [b"n0", b"r3", b"b4"])
            rec("get_perms", c.get_perms, b + b"/p")
            rec("inherited", lambda: (c.write(b + b"/p/child", b""), c.get_perms(b + b"/p/child")))
            rec("bad perm", c.set_perms, b + b"/p", [b"x0"])
            rec("empty perm", c.set_perms, b + b"/p", [b""])
            rec("no perms", c.set_perms, b + b"/p", [])
            rec("perms of missing", c.get_perms, b + b"/missing")
            rec("set perms of missing", c.set_perms, b + b"/missing/x", [b"n0"])
            rec("get_domain_path", c.get_domain_path, 0)
            rec("get_domain_path 7", c.get_domain_path, 7)
            rec("is_domain_introduced 0", c.is_domain_introduced, 0)
            rec("is_domain_introduced 4242", c.is_domain_introduced, 4242)
            rec("introduce 0", c.introduce_domain, 0, 1, 1)
            rec("introduce missing", c.introduce_domain, 4242, 1, 1)
            rec("SU", lambda: c.SU)
            rec("release not SU", c.release_domain, 4242)
            rec("resume not SU", c.resume_domain, 4242)
            rec("set_target not SU", c.set_target, 4242, 4243)
            c.SU = True
            rec("release", c.release_domain, 4242)
            rec("resume", c.resume_domain, 4242)
            rec("set_target", c.set_target, 4242, 4243)

    differential(pyxs, root, scenario)


def test_validation_before_sending(pyxs, root):
    def scenario(rec, b):
        with rec.api.Client() as c:
            for path in (b"", b"/t/", b"//t", b"/t x", b"/t/a.b", b"/a//b", b"/\xc3\xa9", b"/" + b"a" * 3072):
                rec("read %r" % path[:20], c.read, path)
                rec("write %r" % path[:20], c.write, path, b"v")
            rec("@ node path", c.write, b"@foo", b"v")
            rec("long path", c.write, b"/ftest-diff-long/" + b"a" * 3000, b"v")
            rec("2048 path", lambda: (c.write(b + b"/" + b"a" * (2047 - len(b)), b"v"), c.read(b + b"/" + b"a" * (2047 - len(b)))))
            rec("payload 4096", c.write, b + b"/big", b"x" * (4096 - len(b) - 5))
            rec("payload 4097", c.write, b + b"/big", b"x" * (4096 - len(b) - 4))
            rec("read big", lambda: len(c.read(b + b"/big")))
            rec("trailing NUL path", c.read, b + b"/big\0")
            rec("still connected", c.exists, b)

    differential(pyxs, root, scenario)


def test_transactions(pyxs, root):
    def scenario(rec, b):
        with rec.api.Client() as c, rec.api.Client() as other:
            c.write(b + b"/k", b"0")
            rec("start", lambda: c.transaction() > 0)
            rec("nested", c.transaction)
            rec("write in tx", c.write, b + b"/k", b"tx")
            rec("invisible outside", other.read, b + b"/k")
            rec("visible inside", c.read, b + b"/k")
            rec("commit", c.commit)
            rec("tx_id after", lambda: c.tx_id)
            rec("committed", other.read, b + b"/k")
            c.transaction()
            rec("read in tx", c.read, b + b"/k")
            other.write(b + b"/k", b"other")
            c.write(b + b"/k", b"lost")
            rec("conflict", c.commit)
            rec("after conflict", c.read, b + b"/k")
            c.transaction()
            c.write(b + b"/rolled", b"x")
            rec("rollback", c.rollback)
            rec("rolled back", c.exists, b + b"/rolled")
            rec("rollback without tx", c.rollback)
            rec("commit without tx", c.commit)
            success, tries = False, 0
            while not success:  # the tutorial's retry loop
                c.transaction()
                c[b + b"/loop"] = b"baz"
                if not tries:
                    other.write(b + b"/loop", b"interference")
                tries += 1
                success = c.commit()
            rec("retry loop", lambda: (tries, c[b + b"/loop"]))

        def uncommitted():
            with rec.api.Client() as c:
                c.transaction()

        rec("uncommitted at exit", uncommitted)

    differential(pyxs, root, scenario)


def test_watches(pyxs, root):
    def scenario(rec, b):
        with rec.api.Client() as c, rec.api.Client() as other:
            c.write(b + b"/w", b"0")
            m = c.monitor()
            rec("watch", m.watch, b + b"/w", b"tok")
            events = m.wait()
            rec("wait is a generator", lambda: events)
            rec("initial event", next, events)
            other.write(b + b"/w/x", b"1")
            rec("child event", next, events)
            other.write(b + b"/w", b"2")
            rec("node event", lambda: tuple(next(events)))
            rec("watched", lambda: m.watched)
            # (on the monitor that already has it, a failed WATCH leaves pyxs delivering its events twice)
            rec("duplicate", c.monitor().watch, b + b"/w", b"tok")
            rec("second token", m.watch, b + b"/w", b"tok2")
            other.write(b + b"/w/y", b"1")
            rec("three events", lambda: sorted([next(events), next(events), next(events)]))
            rec("unwatch", m.unwatch, b + b"/w", b"tok2")
            rec("unwatch unknown", m.unwatch, b + b"/w", b"nope")
            rec("bad watch path", m.watch, b"@foo", b"t")
            rec("special", m.watch, b"@introduceDomain", b"intro")
            rec("special event", next, events)
            rec("relative", m.watch, b"ftest-diff-w", b"rel")
            rec("relative event", next, events)
            rec("close", m.close)
            rec("watched after close", lambda: m.watched)
            with c.monitor() as m2:
                m2.watch(b + b"/w", b"ctx")
                rec("context monitor", next, m2.wait())
            rec("unwatched by exit", lambda: m2.watched)
        with rec.api.monitor() as m3:
            m3.watch(b + b"/w", b"shortcut")
            rec("monitor shortcut", next, m3.wait())

    differential(pyxs, root, scenario)


def test_client_connection_and_router(pyxs, root):
    socket_path = os.environ["XENSTORED_PATH"]

    def scenario(rec, b):
        api = rec.api
        conn = importlib.import_module(api.__name__ + ".connection")
        internal = importlib.import_module(api.__name__ + "._internal")
        c = api.Client(unix_socket_path=socket_path)
        rec("repr", repr, c)
        rec("lazy", c.read, b"/")
        rec("connect", c.connect)
        rec("connect again", c.connect)
        rec("connected", lambda: c.router.is_connected)
        rec("copy shares the router", lambda: c.__copy__().router is c.router)
        rec("execute_command", c.execute_command, internal.Op.WRITE, b + b"/e\0", b"v")
        rec("ack", c.ack, internal.Op.MKDIR, b + b"/e\0")
        rec("ack not OK", c.ack, internal.Op.READ, b + b"/e\0")
        rec("execute_command error", c.execute_command, internal.Op.READ, b + b"/missing\0")
        rec("close", c.close)
        rec("closed", lambda: c.router.is_connected)
        rec("after close", c.read, b"/")
        rec("default repr", repr, api.Client())
        rec("socket_ro repr", repr, api.Client(unix_socket_path="/var/run/xenstored/socket_ro"))
        rec("xenbus repr", repr, api.Client(xen_bus_path="/dev/xen/xenbus"))
        rec("missing socket", api.Client(unix_socket_path=b"/nonexistent/socket").connect)
        router = api.Router(conn.UnixSocketConnection(socket_path))
        rec("router repr", repr, router)
        with api.Client(router=router) as rc:
            rec("client on a router", rc.read, b + b"/e")
        rec("terminated", lambda: router.is_connected)
        connection = conn.UnixSocketConnection(socket_path)
        rec("connection repr", repr, connection)
        rec("not connected", connection.send, internal.Packet(internal.Op.READ, b + b"/e\0", 7))
        connection.connect()
        rec("send", connection.send, internal.Packet(internal.Op.READ, b + b"/e\0", 7))
        rec("recv", lambda: tuple(connection.recv()))
        rec("close connection", connection.close)
        rec("xenbus missing", conn.XenBusConnection("/nonexistent/xenbus").connect)

    differential(pyxs, root, scenario)


def test_xs_compatibility(pyxs, root):
    def scenario(rec, b):
        h = rec.api.xs()
        rec("write", h.write, "", b + b"/a", b"1")
        rec("read", h.read, "0", b + b"/a")
        rec("read missing", h.read, "", b + b"/missing")
        rec("ls", h.ls, "", b)
        rec("ls missing", h.ls, "", b + b"/missing")
        rec("mkdir", h.mkdir, "", b + b"/dir")
        rec("set_permissions", h.set_permissions, "", b + b"/a", [b"n0", b"r3"])
        t = h.transaction_start()
        rec("transaction id", lambda: int(t) > 0 and isinstance(t, bytes))
        rec("write in tx", h.write, t, b + b"/t", b"tx")
        rec("end", h.transaction_end, t)
        t = h.transaction_start()
        rec("abort", h.transaction_end, t, 1)
        rec("rm", h.rm, "", b + b"/dir")
        rec("get_domain_path", h.get_domain_path, 3)
        token = ["any", "object"]
        rec("watch", h.watch, b + b"/a", token)
        rec("read_watch", lambda: h.read_watch() == (b + b"/a", token))
        rec("unwatch", h.unwatch, b + b"/a", token)
        rec("introduce 0", h.introduce_domain, 0, 1, 1)
        rec("release", h.release_domain, 4242)
        rec("close", h.close)

    differential(pyxs, root, scenario)


def test_xs_deviations_where_pyxs_has_bugs(pyxs, root):
    """Ours returns the permissions and reports a conflicting commit; pyxs 0.4 returns None and True."""
    results = {}
    for api in (pyxs, ours):
        h = api.xs()
        h.write("", root + b"/a", b"1")
        t = h.transaction_start()
        h.read(t, root + b"/a")
        h.write(t, root + b"/a", b"tx")
        subprocess.run(["xenstore-write", root.decode() + "/a", "tool"], check=True)
        results[api.__name__] = (h.get_permissions("", root + b"/a"), h.transaction_end(t))
        h.close()
    assert results == {"pyxs": (None, True), OURS: ([b"n0"], False)}


TUTORIAL = [
    # (the snippet, verbatim from the pyxs tutorial but for its import line)
    '''
from pyxs import Client
with Client() as c:
    c[b"/local/domain/0/name"] = b"Ziggy"
    print(c[b"/local/domain/0/name"])
''', '''
from pyxs import Client
c = Client()
c.connect()
c[b"/local/domain/0/name"] = b"It works!"
c.close()
''', '''
from pyxs import Client
print(repr(Client(unix_socket_path="/var/run/xenstored/socket_ro")))
print(repr(Client(xen_bus_path="/dev/xen/xenbus")))
''', '''
from pyxs import Client
with Client() as c:
    c.transaction()
    c[b"/foo/bar"] = b"baz"
    c.commit()  # !
    print(c[b"/foo/bar"])
''', '''
from pyxs import Client
with Client() as c:
    success = False
    while not success:
        c.transaction()
        c[b"/foo/bar"] = b"baz"
        success = c.commit()
''', '''
from pyxs import Client
with Client() as c:
   m = c.monitor()
   m.watch(b"/foo/bar", b"a unique token")
   print(next(m.wait()))
''', '''
from pyxs import xs
handle = xs()
print(handle.read("0", b"/local/domain/0/name"))
handle.close()
''']


@pytest.mark.parametrize("snippet", TUTORIAL, ids=range(len(TUTORIAL)))
def test_tutorial_snippets(pyxs, snippet):
    printed = []
    for source in (snippet, snippet.replace("from pyxs import", "from %s import" % OURS)):
        remove(pyxs, b"/foo")
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(source, "tutorial", "exec"), {})  # noqa: S102 - the snippets are this file's own
        with pyxs.Client() as c:
            state = [c.read(p, b"") for p in (b"/local/domain/0/name", b"/foo/bar")]
        printed.append((out.getvalue(), state))
    remove(pyxs, b"/foo")
    assert printed[1] == printed[0]


def test_the_differential_compares_something(pyxs, root):
    """A scenario where the two differ must fail the comparison (the harness is not vacuous)."""
    def scenario(rec, b):
        rec("type", lambda: rec.api.__name__)

    with pytest.raises(AssertionError):
        differential(pyxs, root, scenario)
