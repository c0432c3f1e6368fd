# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs inside the PV guest: the XenStore client over the real ``/dev/xen/xenbus``.

Each operation prints one ``XENVM-JSON {"name", "ok", "detail", "seconds"}`` line on the
console; dom0 collects them.  Every operation opens its own connection, so one broken
operation does not hide the others.  Requests to dom0: see dom0_agent.py.
"""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
import time
import traceback

from ansible_collections.datacenter.storage.plugins.module_utils.xenstore import (
    Client, Perm, XenBusConnection, XenStoreError)

XENBUS = "/dev/xen/xenbus"
BASE = "data/xenvm"
TIMEOUT = 20.0
_seq = itertools.count(1)


def client():
    return Client(xen_bus_path=XENBUS, timeout=TIMEOUT)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def expect_error(name, function, *args):
    try:
        function(*args)
    except XenStoreError as exc:
        check(exc.name == name, "%s%r raised %s, expected %s" % (function.__name__, args, exc, name))
        return str(exc)
    raise AssertionError("%s%r succeeded, expected %s" % (function.__name__, args, name))


def wait_event(monitor, wanted, timeout=60):
    """Wait for an event whose path is ``wanted``; return the paths seen."""
    seen = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        event = monitor.next_event(deadline - time.monotonic())
        if event is None:
            break
        seen.append(event.path)
        if event.path == wanted:
            return seen
    raise AssertionError("no watch event for %s within %d s (saw %s)" % (wanted, timeout, seen))


def ask_dom0(c, *words, timeout=180):
    """Have dom0's agent do something (see dom0_agent.py) and wait for its answer."""
    seq = "%d" % next(_seq)
    with c.monitor() as monitor:
        monitor.watch(BASE + "/reply", "reply")
        c.write(BASE + "/request", " ".join((seq,) + words))
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            monitor.next_event(deadline - time.monotonic())
            try:
                reply = c.read(BASE + "/reply").decode()
            except XenStoreError:
                continue
            if reply.split(" ")[0] == seq:
                check(reply == seq + " ok", "dom0 could not do %s: %s" % (words, reply))
                return
    raise AssertionError("dom0 did not answer request %s %s within %d s" % (seq, words, timeout))


def op_connect():
    with client() as c:
        check(isinstance(c.connection, XenBusConnection), "transport is %r" % c.connection)
        return "XenBusConnection on %s" % XENBUS


def op_read():
    with client() as c:
        domid = int(c.read("domid"))
        name = c.read("name")
        check(name == b"xenvm-guest", "name is %r" % name)
        path = c.get_domain_path(domid)
        check(path == b"/local/domain/%d" % domid, "domain path is %r" % path)
        check(c.read(path + b"/name") == name, "absolute read differs from relative read")
        return "domid %d, name %s" % (domid, name.decode())


def op_write():
    with client() as c:
        c.write(BASE + "/text", "héllo")
        c.write(BASE + "/binary", b"\x00\x01\xfe\xff")
        c.write(BASE + "/big", b"x" * 2000)
        home = c.get_domain_path(int(c.read("domid"))).decode()
        c.write(home + "/" + BASE + "/absolute", "abs")
        for path, value in ((BASE + "/text", "héllo".encode()), (BASE + "/binary", b"\x00\x01\xfe\xff"),
                            (BASE + "/big", b"x" * 2000), (BASE + "/absolute", b"abs")):
            got = c.read(path)
            check(got == value, "read %s returned %r, wrote %r" % (path, got[:40], value[:40]))
        c.mkdir(BASE + "/empty")
        check(c.read(BASE + "/empty") == b"", "mkdir did not create an empty node")


def op_ls():
    with client() as c:
        for name in ("c", "a", "b"):
            c.write(BASE + "/ls/" + name, name)
        names = sorted(c.ls(BASE + "/ls"))
        check(names == ["a", "b", "c"], "ls returned %s" % names)
        expect_error("ENOENT", c.ls, BASE + "/ls/missing")


def op_rm():
    with client() as c:
        c.write(BASE + "/rm/sub/leaf", "x")
        c.rm(BASE + "/rm")
        check(not c.exists(BASE + "/rm/sub/leaf") and not c.exists(BASE + "/rm"), "rm left the subtree")
        expect_error("ENOENT", c.read, BASE + "/rm")
        c.rm(BASE + "/rm")  # a missing node whose parent exists: no error


def op_permissions():
    with client() as c:
        domid = int(c.read("domid"))
        path = BASE + "/perms"
        c.write(path, "p")
        wanted = [Perm(domid, "none"), Perm(0, "read")]
        c.set_perms(path, wanted)
        got = c.get_perms(path)
        check(got == [str(p) for p in wanted], "get_perms returned %s, set %s" % (got, wanted))
        denied = expect_error("EACCES", c.read, "/xenvm/private")
        expect_error("EACCES", c.write, "/local/domain/0/xenvm-denied", "x")
        return "set/get %s; %s" % (got, denied)


def op_transaction():
    with client() as c:
        with c.begin() as tx:
            tx.write(BASE + "/tx/a", "1")
            tx.write(BASE + "/tx/b", "2")
            check(tx.read(BASE + "/tx/a") == b"1", "the transaction does not see its own write")
            check(not c.exists(BASE + "/tx/a"), "an uncommitted write is visible outside the transaction")
        check(c.read_many([BASE + "/tx/a", BASE + "/tx/b"]) == [b"1", b"2"], "committed writes are missing")
        tx = c.begin()
        tx.write(BASE + "/tx/rolled-back", "x")
        tx.rollback()
        check(not c.exists(BASE + "/tx/rolled-back"), "a rolled-back write is visible")


def op_transaction_eagain():
    with client() as c:
        key = BASE + "/conflict"
        c.write(key, "before")
        tx = c.begin()
        check(tx.read(key) == b"before", "transaction read the wrong value")
        tx.write(key, "guest")
        ask_dom0(c, "write", key, "dom0")
        committed = tx.commit()
        check(committed is False, "commit returned %r despite dom0's conflicting write" % committed)
        check(c.read(key) == b"dom0", "after EAGAIN the value is %r, expected dom0's" % c.read(key))
        attempts = []

        def body(t):
            attempts.append(t.read(key))
            t.write(key, "guest-%d" % len(attempts))
            if len(attempts) == 1:
                ask_dom0(c, "write", key, "dom0-again")

        c.run_transaction(body)
        check(len(attempts) == 2 and attempts[1] == b"dom0-again", "run_transaction attempts saw %s" % attempts)
        check(c.read(key) == b"guest-2", "run_transaction result is %r" % c.read(key))
        return "EAGAIN from a real dom0 write; run_transaction retried once"


def op_pipeline():
    with client() as c:
        names = ["k%03d" % i for i in range(100)]
        for n in names:  # one request at a time: the reference for what follows
            c.write(BASE + "/sequential/" + n, n)
        check(sorted(c.ls(BASE + "/sequential")) == names, "sequential writes: ls returned %d of 100 names"
              % len(c.ls(BASE + "/sequential")))
        c.write_many({BASE + "/bulk/" + n: n for n in names})
        listed = sorted(c.ls(BASE + "/bulk"))
        check(listed == names, "pipelined write_many of 100 keys: only %d nodes exist afterwards (sequential writes: 100)"
              % len(listed))
        values = c.read_many([BASE + "/sequential/" + n for n in names])
        wrong = [n for n, v in zip(names, values) if v != n.encode()]
        check(not wrong, "pipelined read_many returned wrong values for %d of 100 keys (e.g. %s)" % (len(wrong), wrong[:3]))
        nodes = list(c.walk(BASE + "/bulk"))
        check(len(nodes) == 101, "walk returned %d nodes" % len(nodes))
        c.rm(BASE + "/bulk")
        c.rm(BASE + "/sequential")
        return "100 pipelined writes, read_many, walk"


def op_ls_large():
    # A guest's node may not exceed xenstored's entry-size quota, so dom0 (exempt) fills the directory.
    with client() as c:
        ask_dom0(c, "fill", BASE + "/large", "200")
        listed = c.ls(BASE + "/large")
        check(len(listed) == 200 and len(set(listed)) == 200, "ls of 200 long names returned %d names" % len(listed))
        check(sum(len(n) + 1 for n in listed) > 4096, "the directory is not over 4096 bytes")
        c.rm(BASE + "/large")
        return "200 children, %d bytes of names, via DIRECTORY_PART" % sum(len(n) + 1 for n in listed)


def op_watch():
    with client() as c:
        path = BASE + "/watched"
        c.write(path, "0")
        with c.monitor() as monitor:
            monitor.watch(path, "w")
            wait_event(monitor, path, 20)  # the initial event
            c.write(path + "/own", "1")
            wait_event(monitor, path + "/own", 20)
            ask_dom0(c, "write", path + "/from-dom0", "1")
            wait_event(monitor, path + "/from-dom0", 20)
            monitor.unwatch(path, "w")
            c.write(path + "/after", "1")
            late = monitor.next_event(2)
            check(late is None, "event after unwatch: %s" % (late,))
        return "initial, own and dom0 changes seen; none after unwatch"


def op_release_domain():
    with client() as c, c.monitor() as monitor:
        monitor.watch("@releaseDomain", "rel")
        first = monitor.next_event(10)
        check(first is not None and first.path == "@releaseDomain", "initial event of the watch: %s" % (first,))
        ask_dom0(c, "release")
        seen = wait_event(monitor, "@releaseDomain", 60)
        return "initial event %s; events %s after dom0 destroyed a domain" % (first, seen)


def op_module_xenstore_key():
    args = dict(path=BASE + "/module", value="from-module", xenbus_path=XENBUS)
    results = []
    for run in (1, 2):
        path = "/tmp/args-%d.json" % run
        with open(path, "w") as handle:
            json.dump({"ANSIBLE_MODULE_ARGS": args}, handle)
        done = subprocess.run([sys.executable, "-m", "ansible_collections.datacenter.storage.plugins.modules.xenstore_key",
                               path], capture_output=True, text=True, timeout=120, check=False)
        try:
            results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        except (ValueError, IndexError):
            raise AssertionError("run %d: no JSON (rc %d): %s %s" % (run, done.returncode, done.stdout[-500:],
                                                                     done.stderr[-500:])) from None
        check(not results[-1].get("failed"), "run %d failed: %s" % (run, results[-1].get("msg")))
    check([r["changed"] for r in results] == [True, False], "changed was %s" % [r["changed"] for r in results])
    with client() as c:
        check(c.read(BASE + "/module") == b"from-module", "value is %r" % c.read(BASE + "/module"))
    return "changed, then not changed, over %s" % XENBUS


OPERATIONS = [op_connect, op_read, op_write, op_ls, op_rm, op_permissions, op_transaction, op_transaction_eagain,
              op_pipeline, op_ls_large, op_watch, op_release_domain, op_module_xenstore_key]


def main():
    for function in OPERATIONS:
        name = function.__name__[3:]
        start = time.monotonic()
        try:
            detail, ok = function() or "", True
        except Exception as exc:  # each failure is this operation's result
            detail, ok = "%s: %s\n%s" % (type(exc).__name__, exc, traceback.format_exc(limit=5)), False
        line = json.dumps(dict(name=name, ok=ok, detail=detail, seconds=round(time.monotonic() - start, 3)))
        os.write(1, ("XENVM-JSON %s\n" % line).encode())


if __name__ == "__main__":
    main()
