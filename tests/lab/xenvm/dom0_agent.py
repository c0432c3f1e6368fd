# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""dom0 side of the Xen VM test stage (runs in dom0 with the repo's venv python).

Starts the PV guest, serves its requests (a conflicting write for the EAGAIN test, a domain
created and destroyed for ``@releaseDomain``), runs the xenstore modules over xenstored's real
socket, collects the guest's results from its console log and writes ``<out>/report.json``.

Guest requests: the guest writes ``data/xenvm/request`` = ``"<seq> write <relpath> <value>"`` or
``"<seq> release"``; dom0 answers ``data/xenvm/reply`` = ``"<seq> ok"`` or ``"<seq> error <why>"``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
import traceback

SOCKET = "/run/xenstored/socket"
GUEST = "xenvm-guest"
VICTIM = "xenvm-victim"
WORK = "/run/xenvm"
LONG_NAME = "key-with-a-rather-long-name"  # 200 of them: a directory over 4096 bytes


def stage(text):
    print("XENVM-STAGE %s" % text, flush=True)


class Report:
    """Per-operation results: ``{where, name, ok, detail, seconds}``."""

    def __init__(self):
        self.results = []

    def add(self, where, name, ok, detail="", seconds=0.0):
        self.results.append(dict(where=where, name=name, ok=bool(ok), detail=detail, seconds=round(seconds, 3)))
        print("XENVM-RESULT %s %s %s %s" % (where, name, "ok" if ok else "FAILED", detail if not ok else ""), flush=True)

    def run(self, where, name, function):
        start = time.monotonic()
        try:
            detail = function() or ""
            ok = True
        except Exception as exc:  # every failure becomes this operation's result
            ok, detail = False, "%s: %s\n%s" % (type(exc).__name__, exc, traceback.format_exc(limit=4))
        self.add(where, name, ok, detail, time.monotonic() - start)


def xl(*args, timeout=180):
    done = subprocess.run(["xl"] + list(args), capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode:
        raise RuntimeError("xl %s failed (%d): %s" % (" ".join(args), done.returncode, (done.stderr or done.stdout).strip()))
    return done.stdout


def dom0_client(xs):
    """A connected client on dom0's xenstored socket."""
    client = xs.Client(unix_socket_path=SOCKET)
    client.connect()
    return client


class GuestServer(threading.Thread):
    """Answers the guest's requests under its home's ``data/xenvm``."""

    def __init__(self, xs, domid, config):
        super().__init__(daemon=True)
        self.xs, self.domid, self.config = xs, domid, config
        self.home = "/local/domain/%d/data/xenvm" % domid
        self.client = dom0_client(xs)
        self.log = []

    def run(self):
        handled = set()
        with self.client.monitor() as monitor:
            monitor.watch(self.home + "/request")
            while True:
                event = monitor.next_event(None)
                try:
                    text = self.client.read(self.home + "/request").decode()
                except self.xs.XenStoreError:
                    continue
                seq = text.split(" ", 1)[0]
                if seq in handled:
                    continue
                handled.add(seq)
                try:
                    self.handle(text.split(" ")[1:])
                    reply = "%s ok" % seq
                except Exception as exc:
                    reply = "%s error %s" % (seq, exc)
                self.log.append("%s -> %s (event %s)" % (text, reply, event.path))
                self.client.write(self.home + "/reply", reply)

    def handle(self, words):
        if words[0] == "write":
            self.client.write("/local/domain/%d/%s" % (self.domid, words[1]), words[2])
        elif words[0] == "fill":
            self.client.write_many({"/local/domain/%d/%s/%s-%04d" % (self.domid, words[1], LONG_NAME, i): str(i)
                                    for i in range(int(words[2]))})
        elif words[0] == "release":
            # Unprivileged domains see @releaseDomain only if its permissions let them read it.
            subprocess.run(["xenstore-chmod", "@releaseDomain", "n0", "r%d" % self.domid], check=True,
                           capture_output=True, env=dict(os.environ, XENSTORED_PATH=SOCKET))
            xl("create", "-p", victim_config(self.config))
            xl("destroy", VICTIM)
        else:
            raise ValueError("unknown request %r" % words)


def victim_config(config):
    path = os.path.join(WORK, "victim.cfg")
    with open(path, "w") as handle:
        handle.write('name = "%s"\ntype = "pv"\nkernel = "%s"\nmemory = 128\nvcpus = 1\n' % (VICTIM, config["kernel"]))
    return path


def guest_config(config):
    path = os.path.join(WORK, "guest.cfg")
    with open(path, "w") as handle:
        handle.write('name = "%s"\ntype = "pv"\nkernel = "%s"\nramdisk = "%s"\nmemory = %d\nvcpus = 1\n'
                     'extra = "console=hvc0 rdinit=/init quiet"\non_poweroff = "destroy"\non_crash = "preserve"\n'
                     % (GUEST, config["kernel"], config["guest_initrd"], config.get("guest_memory", 512)))
    return path


class ModuleRunner:
    """Runs a module of the collection the way Ansible does on a target: ``python -m`` with an args file."""

    running = set()  # pids of module processes still running

    def __init__(self, repo, python):
        self.python = python
        coll = os.path.join(WORK, "coll", "ansible_collections", "datacenter")
        os.makedirs(coll, exist_ok=True)
        if not os.path.islink(os.path.join(coll, "storage")):
            os.symlink(repo, os.path.join(coll, "storage"))
        self.pythonpath = os.path.join(WORK, "coll")
        self.count = 0

    def __call__(self, module, **args):
        self.count += 1
        path = os.path.join(WORK, "args-%d.json" % self.count)
        with open(path, "w") as handle:
            json.dump({"ANSIBLE_MODULE_ARGS": args}, handle)
        with subprocess.Popen([self.python, "-m", "ansible_collections.datacenter.storage.plugins.modules." + module, path],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                              env=dict(os.environ, PYTHONPATH=self.pythonpath)) as process:
            self.running.add(process.pid)
            try:
                stdout, stderr = process.communicate(timeout=300)
            finally:
                self.running.discard(process.pid)
        done = subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)
        try:
            result = json.loads(done.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            why = "%s %s: no JSON result (rc %d): %s %s" % (module, args, done.returncode, done.stdout[-800:], done.stderr[-800:])
            raise AssertionError(why) from None
        return result


def expect(result, what, **fields):
    """Check ``fields`` of a module result; the message names the module call."""
    if result.get("failed"):
        raise AssertionError("%s failed: %s" % (what, result.get("msg")))
    for key, wanted in fields.items():
        if result.get(key) != wanted:
            raise AssertionError("%s: %s is %r, expected %r (result %s)" % (what, key, result.get(key), wanted, result))


def write_when_connected(client, path, value):
    """Write ``path`` once the module's process (the newest child python) has had a socket for 2 s."""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        for pid in list(ModuleRunner.running):
            try:
                if any(os.readlink("/proc/%d/fd/%s" % (pid, fd)).startswith("socket:") for fd in os.listdir("/proc/%d/fd" % pid)):
                    time.sleep(2)
                    client.write(path, value)
                    return
            except OSError:
                pass
        time.sleep(0.2)
    client.write(path, value)


def module_tests(report, xs, run):
    client = dom0_client(xs)
    base = "/xenvm/modules"
    sock = dict(socket_path=SOCKET)

    def key():
        path = base + "/key"
        expect(run("xenstore_key", path=path, value="v1", **sock), "xenstore_key create", changed=True)
        expect(run("xenstore_key", path=path, value="v1", **sock), "xenstore_key again", changed=False)
        expect(run("xenstore_key", path=path, value="v2", _ansible_check_mode=True, **sock), "xenstore_key check mode",
               changed=True)
        if client.read(path) != b"v1":
            raise AssertionError("check mode changed the value to %r" % client.read(path))
        perms = dict(owner=0, others="read")
        expect(run("xenstore_key", path=path, permissions=perms, **sock), "xenstore_key permissions", changed=True)
        if [str(p) for p in client.get_perms(path)] != ["r0"]:
            raise AssertionError("permissions are %s, expected ['r0']" % client.get_perms(path))
        expect(run("xenstore_key", keys={base + "/many/a": "1", base + "/many/b": "2"}, **sock), "xenstore_key keys",
               changed=True)
        if client.read_many([base + "/many/a", base + "/many/b"]) != [b"1", b"2"]:
            raise AssertionError("keys: values not written")
        expect(run("xenstore_key", path=path, state="absent", **sock), "xenstore_key absent", changed=True)
        if client.exists(path):
            raise AssertionError("state=absent left %s" % path)
        return "create, idempotent rerun, check mode, permissions, keys, absent"

    def info():
        client.write(base + "/tree/a", "1")
        client.write(base + "/tree/b/c", "2")
        result = run("xenstore_info", path=base + "/tree", depth=-1, **sock)
        expect(result, "xenstore_info", changed=False, exists=True)
        if sorted(result.get("children") or []) != ["a", "b"]:
            raise AssertionError("children are %r" % result.get("children"))
        tree = result.get("tree") or {}
        if tree.get("a", {}).get("value") != "1" or tree.get("b", {}).get("children", {}).get("c", {}).get("value") != "2":
            raise AssertionError("tree is %r" % tree)
        expect(run("xenstore_info", path=base + "/missing", **sock), "xenstore_info missing", exists=False)
        return "tree depth -1, missing node"

    def watch():
        path = base + "/watched"
        client.rm(path) if client.exists(path) else None
        writer = threading.Thread(target=write_when_connected, args=(client, path, "ready"))
        writer.start()
        try:
            result = run("xenstore_watch", path=path, value="ready", wait_timeout=120, **sock)
        finally:
            writer.join()
        expect(result, "xenstore_watch present", exists=True, value="ready")
        if path not in (result.get("events") or []):
            raise AssertionError("events %r do not include %s" % (result.get("events"), path))
        return "waited %.1f s for a write by another connection" % result.get("elapsed", 0)

    report.run("dom0", "module_xenstore_key", key)
    report.run("dom0", "module_xenstore_info", info)
    report.run("dom0", "module_xenstore_watch", watch)
    client.close()


def guest_results(report, log_path, domid, timeout):
    """Wait for the guest's end marker in its console log, then file its XENVM-JSON lines (also a partial run's)."""
    deadline = time.monotonic() + timeout
    problem = "no end marker from the guest after %d s" % timeout
    while time.monotonic() < deadline:
        text = read_log(log_path)
        if "XENVM-GUEST-END" in text:
            problem = None
            break
        if subprocess.run(["xl", "domid", GUEST], capture_output=True, check=False).returncode:
            time.sleep(2)
            text = read_log(log_path)
            problem = None if "XENVM-GUEST-END" in text else "the guest (domain %d) died before its end marker" % domid
            break
        time.sleep(2)
    count = 0
    for line in read_log(log_path).splitlines():
        if line.startswith("XENVM-JSON "):
            try:
                item = json.loads(line[len("XENVM-JSON "):])
            except ValueError:
                report.add("guest", "guest_console", False, "unreadable result line: %r" % line[:300])
                continue
            report.add("guest", item["name"], item["ok"], item.get("detail", ""), item.get("seconds", 0.0))
            count += 1
    if problem:
        report.add("guest", "guest_run", False, "%s (%d results); console:\n%s" % (problem, count, read_log(log_path)[-3000:]))
    else:
        report.add("guest", "guest_run", count > 0, "%d results" % count)


def read_log(path):
    try:
        with open(path, errors="replace") as handle:
            return handle.read()
    except OSError:
        return ""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repo", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--cache", required=True)
    opts = parser.parse_args()
    sys.path.insert(0, os.path.join(opts.repo, "plugins", "module_utils"))
    import xenstore as xs  # the project's client, from the repo

    os.makedirs(WORK, exist_ok=True)
    with open(os.path.join(opts.out, "config.json")) as handle:
        config = json.load(handle)
    report = Report()
    t0 = time.monotonic()
    dom0 = dom0_client(xs)
    dom0.write("/xenvm/private", "dom0 only")
    dom0.set_perms("/xenvm/private", ["n0"])

    domid = None
    try:
        xl("create", guest_config(config))
        domid = int(xl("domid", GUEST).strip())
        report.add("dom0", "xl_create_guest", True, "domain %d" % domid, time.monotonic() - t0)
    except Exception as exc:
        report.add("dom0", "xl_create_guest", False, str(exc), time.monotonic() - t0)
    stage("guest-created %s" % domid)
    server = None
    if domid is not None:
        server = GuestServer(xs, domid, config)
        server.start()
    module_tests(report, xs, ModuleRunner(opts.repo, os.path.join(opts.repo, ".venv", "bin", "python")))
    stage("dom0-modules-done")
    if domid is not None:
        guest_results(report, os.path.join(opts.out, "console", "guest-%s.log" % GUEST), domid, config.get("guest_timeout", 420))
    stage("guest-finished")
    with open(os.path.join(opts.out, "report.json.tmp"), "w") as handle:
        json.dump(dict(results=report.results, xl_info=xl("info"), guest_requests=server.log if server else [],
                       dom0_seconds=round(time.monotonic() - t0, 1)), handle, indent=1)
    os.replace(os.path.join(opts.out, "report.json.tmp"), os.path.join(opts.out, "report.json"))
    return 0 if all(r["ok"] for r in report.results) else 1


if __name__ == "__main__":
    sys.exit(main())
