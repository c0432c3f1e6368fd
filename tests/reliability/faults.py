# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Faults: each fault injected N times at a random point of a module run, the result judged, the data read back.

Every module runs as its own process under a watchdog (a run still going 20 s past its configured timeouts is a
hang, and is killed). A run either succeeds, and then the independent reader must find exactly the data asked
for, or fails with a message naming the fault's cause; it must never leave a partial object, image or file where a
user would see it. After each injection the fault is repaired and the same task run again: it must succeed and
the data must be right (``converged``).

The OpenIO rawx faults run against three rawx *processes* (``python -m oio_devserver rawx``) registered in the
lab namespace while its built-in rawx are stopped; the proxy faults against a relay in front of the real proxy.
The Ceph faults stop the lab's only OSD or monitor (SIGSTOP, and for every tenth injection a real stop and
restart through the lab's ceph.sh) or make the cluster full (the full ratios set under the OSD's use and the FULL
flag awaited before the task); the cluster is always restored and ``ceph health`` checked before the family
returns. The XenStore quota is a real one: a daemon of the family's own started with an entry quota (``-E``), the
module writing as a guest domain over the lab shim's ring.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import http.client
import http.server
import json
import os
import random
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import tty
import urllib.parse
import urllib.request
from pathlib import Path

from harness import COLLECTIONS, FQ, REPO, Figures, Outcome, connection, oio_http, oio_listing, rbd_cli, rbd_remove, \
    xs_rm, xs_tree

ACCOUNT, CONTAINER = "rel-faults", "faults"
WATCHDOG_SLACK = 20.0
FIELDS = ("injected", "ok", "clear_failures", "hangs", "corruptions", "partial_visible", "converged")
CEPH_SH = REPO / "tests" / "lab" / "services" / "ceph.sh"
MiB = 1 << 20

sys.path.insert(0, str(REPO / "tests" / "lab" / "oio"))
from oio_devserver.processes import RawxProcesses  # noqa: E402


# ---- running a module with a fault injected at a random point ----

STOP = threading.Event()  # set on ^C: each group stops before its next injection and restores its service


class Stopped(Exception):
    """A group stopped by ^C."""


def rounds(n):
    """range(n), cut short once :data:`STOP` is set."""
    for i in range(n):
        if STOP.is_set():
            raise Stopped("interrupted before injection %d" % i)
        yield i


def run_module(module, args, budget, inject=None, at=0.0):
    """Run ``module`` as a process; call ``inject()`` ``at`` seconds after its start (if it still runs).

    Returns (Outcome, hung, injected_mid_task). ``budget`` is the sum of the task's configured timeouts.
    """
    return run_modules([(module, args, budget, at)], inject)[0]


def run_modules(tasks, inject=None):
    """Run several ``(module, args, budget, at)`` at once, each started ``at`` seconds before ``inject()``.

    One fault then lands at a point of each task's own choosing. Returns [(Outcome, hung, injected_mid_task)]
    in the order of ``tasks``.
    """
    lead = max(task[3] for task in tasks) if inject is not None else 0.0
    start = time.monotonic()
    running = {}
    try:
        for index in sorted(range(len(tasks)), key=lambda k: -tasks[k][3]):
            module, args, budget, at = tasks[index]
            time.sleep(max(0.0, start + lead - at - time.monotonic()) if inject is not None else 0.0)
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
                json.dump({"ANSIBLE_MODULE_ARGS": args}, handle)
            proc = subprocess.Popen([sys.executable, "-m", FQ + module, handle.name], stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL,
                                    env=dict(os.environ, PYTHONPATH=str(COLLECTIONS), PYTHONFAULTHANDLER="1"))
            running[index] = (proc, handle.name, time.monotonic() + budget + WATCHDOG_SLACK)
        mid = {}
        if inject is not None:
            time.sleep(max(0.0, start + lead - time.monotonic()))
            mid = {index: proc.poll() is None for index, (proc, _name, _deadline) in running.items()}
            inject()
        return [_finish(*running[index], mid.get(index, False)) for index in range(len(tasks))]
    finally:
        for proc, name, _deadline in running.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            os.unlink(name)


def _finish(proc, _name, deadline, mid):
    """The result of one module process, killed as hung past its ``deadline``."""
    try:
        out, err = proc.communicate(timeout=max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:  # SIGABRT first: the process's faulthandler prints where each thread waits
        proc.send_signal(signal.SIGABRT)
        try:
            _out, err = proc.communicate(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            _out, err = proc.communicate()
        return Outcome(traceback_text="hung: no result within its timeouts + %.0f s; its threads: %s" % (
            WATCHDOG_SLACK, err[-2500:])), True, mid
    if "{" not in out:
        return Outcome(traceback_text="no JSON result: %s %s" % (out[-300:], err[-1500:])), False, mid
    try:
        result = json.loads(out[out.index("{"):])
    except ValueError:
        return Outcome(traceback_text="unreadable result: %r" % out[-500:]), False, mid
    return Outcome(result, result.get("exception") or ("Traceback" in err and err[-3000:]) or None), False, mid


class Fault:
    """The tally of one fault."""

    def __init__(self, name, cause, log):
        self.name, self.cause, self.log = name, re.compile(cause, re.I), log
        self.figures = dict.fromkeys(FIELDS + ("mid_task", "unclear_failures", "tracebacks", "not_converged"), 0)
        self.samples = []  # a few of the clear failures' messages, printed with the figures

    def judge(self, outcome, hung, mid, i):
        """Count one injected run; True if it succeeded."""
        f = self.figures
        f["injected"] += 1
        f["mid_task"] += int(mid)
        if hung:
            f["hangs"] += 1
            self.log("faults %s #%d: %s" % (self.name, i, outcome.traceback))
        elif outcome.traceback:
            f["tracebacks"] += 1
            self.log("faults %s #%d: traceback: %s" % (self.name, i, str(outcome.traceback)[-1500:]))
        elif outcome.failed:
            if self.cause.search(outcome.msg):
                f["clear_failures"] += 1
                if len(self.samples) < 3 and outcome.msg[:60] not in [m[:60] for m in self.samples]:
                    self.samples.append(outcome.msg[:240])
            else:
                f["unclear_failures"] += 1
                self.log("faults %s #%d: failure not naming the cause (%s): %s" % (
                    self.name, i, self.cause.pattern, outcome.msg[:500]))
        else:
            f["ok"] += 1
            return True
        return False

    def bad(self, key, i, what):
        self.figures[key] += 1
        self.log("faults %s #%d: %s: %s" % (self.name, i, key, what))

    def rerun(self, outcome, hung, check, i):
        """The task run again after the repair: it must succeed and ``check()`` must hold."""
        if not hung and not outcome.failed and check():
            self.figures["converged"] += 1
        else:
            self.bad("not_converged", i, "hung" if hung else outcome.traceback or outcome.msg or "data wrong after rerun")


def md5(data):
    return hashlib.md5(data).hexdigest().upper()


# ---- OpenIO: rawx processes, a relay in front of the proxy, independent chunk reads ----

def oio_task(**kwargs):
    args = dict(connection("oio_object"), account=ACCOUNT, container=CONTAINER, connection_timeout=2.0,
                read_timeout=2.0, write_timeout=2.0)
    args.update(kwargs)
    return args


OIO_BUDGET = 2.0 + 2.0 + 2.0


def admin(action, **params):
    url = os.environ["OIO_ADMIN_URL"].rstrip("/") + "/" + action
    if params:
        url += "?" + urllib.parse.urlencode(params)
    req = urllib.request.Request(url, method="GET" if action == "status" else "POST",
                                 data=None if action == "status" else b"")
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.loads(resp.read() or b"null")


def locate(name):
    """[chunk dicts] of an object from the proxy, or None if it does not exist."""
    status, _headers, body = oio_http("GET", "content/locate?acct=%s&ref=%s&path=%s" % (ACCOUNT, CONTAINER, name))
    return json.loads(body) if status == 200 else None


def raw_get(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.read()
    except (OSError, http.client.HTTPException):
        return None


def raw_object(name):
    """The object's bytes read straight from its chunks (replicated policies): None if some position is lost."""
    chunks = locate(name)
    if chunks is None:
        return None
    data = []
    for pos in sorted({c["pos"] for c in chunks}, key=int):
        copies = {raw_get(c["url"]) for c in chunks if c["pos"] == pos} - {None}
        if len(copies) != 1:
            return None
        data.append(copies.pop())
    return b"".join(data)


def object_state(name):
    """(size, md5) of an object as the proxy lists it, or None."""
    return (oio_listing(ACCOUNT, CONTAINER) or {}).get(name)


class Relay:
    """A relay in front of the OpenIO proxy that can answer 503 + Retry-After, or be gone."""

    def __init__(self):
        self.target = os.environ["OIO_PROXY_URL"].split("//", 1)[1]
        self.storm_until = 0.0
        self.server = None
        self.port = 0
        self.start()

    def start(self):
        relay = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _any(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if time.monotonic() < relay.storm_until:
                    self.send_response(503)
                    self.send_header("Retry-After", "1")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                conn = http.client.HTTPConnection(relay.target, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                conn.request(self.command, self.path, body=body or None, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                self.send_response(resp.status)
                for key, value in resp.getheaders():
                    if key.lower() not in ("content-length", "connection", "transfer-encoding"):
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _any

        server = http.server.ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        server.daemon_threads = True
        self.port = server.server_address[1]
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.server = server

    def gone(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    @property
    def url(self):
        return "http://127.0.0.1:%d" % self.port


# ---- the OpenIO faults ----

def _check_upload(fault, i, name, data, outcome):
    """After an upload: success means the right bytes in the chunks; a failure leaves no object."""
    state, want = object_state(name), (len(data), md5(data))
    if not outcome.failed:
        if state != want or raw_object(name) != data:
            fault.bad("corruptions", i, "%s listed %r (want %r), chunks %s" % (
                name, state, want, "differ from the source" if state == want else "not checked"))
    elif state is not None and (state != want or raw_object(name) != data):
        fault.bad("partial_visible", i, "%s listed as %r (want %r) after a failed upload: %s" % (
            name, state, want, outcome.msg[:300]))


def _check_download(fault, i, dest, data, before, outcome):
    got = Path(dest).read_bytes()
    if not outcome.failed and got != data:
        fault.bad("corruptions", i, "downloaded file differs (%d bytes, want %d)" % (len(got), len(data)))
    elif outcome.failed and got != before:
        fault.bad("partial_visible", i, "the destination changed after a failed download")


def rawx_faults(n, rng, tmp, log):
    """A rawx process killed mid-upload and mid-download, a rawx frozen past the timeouts."""
    up = Fault("rawx_killed_upload", r"quorum|rawx|connect|refused|reset|unavailable|chunk", log)
    down = Fault("rawx_killed_download", r"rawx|connect|refused|reset|unavailable|chunk", log)
    slow = Fault("rawx_slow", r"timed? ?out|timeout|quorum|rawx", log)
    src = Path(tmp, "src.bin")
    with RawxProcesses(tmp, os.environ["OIO_PROXY_URL"], os.environ["OIO_ADMIN_URL"], os.environ["OIO_NS"]) as rawx:
        data = os.urandom(4 * MiB + 123)
        src.write_bytes(data)
        ok, _hung, _mid = run_module("oio_object", oio_task(name="f-dl", src=str(src), policy="THREECOPIES"), OIO_BUDGET)
        if ok.failed:
            raise RuntimeError("upload before the download faults: %s" % (ok.traceback or ok.msg))
        for i in rounds(n):
            # one rawx killed in the middle of an upload (THREECOPIES: the quorum survives one rawx; SINGLE: it
            # may not) and of a download, each at a point of its own
            name, k, dest = "f-up-%d" % i, rng.randrange(3), Path(tmp, "dl-%d" % i)
            dest.write_bytes(b"before")
            tasks = [oio_task(name=name, src=str(src), policy=rng.choice(["THREECOPIES", "SINGLE"])),
                     oio_task(name="f-dl", dest=str(dest))]
            (o_up, h_up, m_up), (o_dl, h_dl, m_dl) = run_modules(
                [("oio_object", tasks[0], OIO_BUDGET, rng.uniform(0.3, 1.2)),
                 ("oio_object", tasks[1], OIO_BUDGET, rng.uniform(0.3, 1.0))], lambda k=k: rawx.kill(k))
            up.judge(o_up, h_up, m_up, i)
            down.judge(o_dl, h_dl, m_dl, i)
            rawx.restart(k)  # the data is checked with every copy reachable again
            _check_upload(up, i, name, data, o_up)
            _check_download(down, i, dest, data, b"before", o_dl)
            (o_up, h_up, _m), (o_dl, h_dl, _m) = run_modules([("oio_object", t, OIO_BUDGET, 0.0) for t in tasks])
            up.rerun(o_up, h_up, lambda name=name: object_state(name) == (len(data), md5(data)), i)
            down.rerun(o_dl, h_dl, lambda dest=dest: dest.read_bytes() == data, i)
            # one rawx frozen (SIGSTOP: it accepts connections and never answers) during an upload or a download
            k = rng.randrange(3)
            if i % 2:
                name, task = "f-dl", oio_task(name="f-dl", dest=str(dest))
                dest.write_bytes(b"before")
            else:
                name, task = "f-slow-%d" % i, oio_task(name="f-slow-%d" % i, src=str(src), policy="THREECOPIES")
            try:
                outcome, hung, mid = run_module("oio_object", task, OIO_BUDGET, lambda k=k: rawx.signal(k, signal.SIGSTOP),
                                                rng.uniform(0.3, 1.0))
            finally:
                rawx.signal(k, signal.SIGCONT)
            slow.judge(outcome, hung, mid, i)
            if i % 2:
                _check_download(slow, i, dest, data, b"before", outcome)
            else:
                _check_upload(slow, i, name, data, outcome)
            outcome, hung, _mid = run_module("oio_object", task, OIO_BUDGET)
            slow.rerun(outcome, hung, (lambda dest=dest: dest.read_bytes() == data) if i % 2 else
                       (lambda name=name: object_state(name) == (len(data), md5(data))), i)
            if dest.exists():
                dest.unlink()
    return [up, down, slow]


def proxy_faults(n, rng, tmp, log):
    """A 503 storm with Retry-After from the proxy, and the proxy gone, during uploads."""
    storm = Fault("proxy_503_storm", r"503|busy|unavailable|retry", log)
    gone = Fault("proxy_gone", r"proxy|connect|refused|reset|unavailable|closed", log)
    relay = Relay()
    src = Path(tmp, "proxy.bin")
    data = os.urandom(2 * MiB + 7)
    src.write_bytes(data)
    try:
        for i in rounds(n):
            for fault in (storm, gone):
                name = "f-%s-%d" % (fault.name, i)
                task = oio_task(name=name, src=str(src), endpoint=relay.url)
                if fault is storm:
                    def inject():
                        relay.storm_until = time.monotonic() + rng.uniform(0.5, 6.0)
                else:
                    inject = relay.gone
                outcome, hung, mid = run_module("oio_object", task, OIO_BUDGET, inject, rng.uniform(0.2, 0.9))
                fault.judge(outcome, hung, mid, i)
                _check_upload(fault, i, name, data, outcome)
                relay.storm_until = 0.0
                if relay.server is None:
                    relay.start()
                outcome, hung, _mid = run_module("oio_object", task, OIO_BUDGET)
                fault.rerun(outcome, hung, lambda name=name: object_state(name) == (len(data), md5(data)), i)
    finally:
        relay.gone()
    return [storm, gone]


def _chunk_file(url):
    """The file behind a chunk URL of a built-in rawx."""
    netloc, chunk = url.split("/")[2], url.split("/")[3].upper()
    for rawx in admin("status")["rawx"]:
        if rawx["addr"] == netloc:
            return Path(rawx["volume"], chunk[:3], chunk)
    raise RuntimeError("no rawx for %s" % url)


def chunk_faults(n, rng, tmp, log):
    """Chunks corrupted, truncated, and EC fragments lost, found by the download."""
    corrupt = Fault("chunk_corrupted", r"corrupt|checksum|md5|hash|integrity|unrecoverable", log)
    short = Fault("chunk_truncated", r"corrupt|checksum|md5|hash|size|short|truncat|incomplete|unrecoverable", log)
    lost = Fault("ec_fragment_lost", r"unrecoverable|not enough|missing|lost|fragment", log)
    data = os.urandom(3 * MiB + 99)
    src = Path(tmp, "chunks.bin")
    src.write_bytes(data)
    dest = Path(tmp, "chunks.out")
    for i in rounds(n):
        for fault in (corrupt, short, lost):
            name = "f-%s-%d" % (fault.name, i)
            policy = "EC" if fault is lost else "THREECOPIES"
            up = oio_task(name=name, src=str(src), policy=policy)
            outcome, _hung, _mid = run_module("oio_object", up, OIO_BUDGET)
            if outcome.failed:
                raise RuntimeError("upload before %s: %s" % (fault.name, outcome.traceback or outcome.msg))
            chunks = locate(name)
            if fault is lost:  # 1 to 3 of the 9 fragments of one position: within what EC 6+3 rebuilds
                pos = rng.choice(sorted({c["pos"].split(".")[0] for c in chunks}))
                frags = [c for c in chunks if c["pos"].split(".")[0] == pos]
                for c in rng.sample(frags, rng.randint(1, 3)):
                    _chunk_file(c["url"]).unlink()
            else:  # one to all replicas of one position
                pos = rng.choice(sorted({c["pos"] for c in chunks}))
                copies = [c for c in chunks if c["pos"] == pos]
                for c in rng.sample(copies, rng.randint(1, len(copies))):
                    path = _chunk_file(c["url"])
                    size = path.stat().st_size
                    if fault is corrupt:
                        offset = rng.randrange(size)
                        with open(path, "r+b") as handle:
                            handle.seek(offset)
                            byte = handle.read(1)
                            handle.seek(offset)
                            handle.write(bytes([byte[0] ^ (1 << rng.randrange(8))]))
                    else:
                        os.truncate(path, rng.randrange(size))
            dest.write_bytes(b"before")
            outcome, hung, mid = run_module("oio_object", oio_task(name=name, dest=str(dest)), OIO_BUDGET)
            fault.judge(outcome, hung, True, i)
            _check_download(fault, i, dest, data, b"before", outcome)
            # repair: the object removed and uploaded again, then downloaded
            run_module("oio_object", oio_task(name=name, state="absent"), OIO_BUDGET)
            run_module("oio_object", up, OIO_BUDGET)
            outcome, hung, _mid = run_module("oio_object", oio_task(name=name, dest=str(dest)), OIO_BUDGET)
            fault.rerun(outcome, hung, lambda: dest.read_bytes() == data, i)  # noqa: B023 (called at once)
    return [corrupt, short, lost]


def oio_family(n, rng, tmp, log):
    outcome, _h, _m = run_module("oio_container", dict(connection("oio_container"), account=ACCOUNT, name=CONTAINER),
                                 OIO_BUDGET)
    if outcome.failed:
        raise RuntimeError("container for the faults: %s" % (outcome.traceback or outcome.msg))
    outcome, _h, _m = run_module("oio_object", oio_task(prefix="f-", state="absent"), 60)  # what a broken run left
    if outcome.failed:
        raise RuntimeError("emptying the container: %s" % (outcome.traceback or outcome.msg))
    try:
        found = rawx_faults(n, rng, tmp, log)
        # the proxy faults (uploads through their relay) and the chunk faults (objects of their own, read straight
        # from the proxy) touch nothing of each other's: they run at once, each with its own random sequence
        return found + at_once([proxy_faults, chunk_faults], n, rng, tmp, log)
    finally:
        run_module("oio_object", oio_task(prefix="f-", state="absent"), 60)


# ---- Ceph ----

def ceph(*args, timeout=60):
    return subprocess.run(["ceph", "-c", os.environ["CEPH_CONF"], *args], capture_output=True, text=True,
                          timeout=timeout, check=False, stdin=subprocess.DEVNULL)


def ceph_pid(daemon):
    return int(Path(os.environ["CEPH_LAB_STATE"], "run", daemon + ".pid").read_text())


def ceph_lab(function):
    """Run one function of the lab's ceph.sh (its daemons are started there, without systemd)."""
    subprocess.run(["bash", "-c", 'LAB_STATE="$1"; export CEPH_CONF="$LAB_STATE/ceph.conf"; . "$2"; %s' % function, "-",
                    os.environ["CEPH_LAB_STATE"], str(CEPH_SH)],
                   stdin=subprocess.DEVNULL, capture_output=True, timeout=300, check=True)


FULL_RATIOS = ("0.85", "0.9", "0.95")  # Ceph's nearfull, backfillfull and full defaults


def set_full_ratios(ratios):
    for which, ratio in zip(("nearfull", "backfillfull", "full"), ratios):
        ceph("osd", "set-%s-ratio" % which, ratio)


def wait_health(full, timeout=60):
    """Wait until ``ceph health`` reports full pools (``full``) or none; False if it did not within ``timeout``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        health = ceph("health", timeout=15)
        if health.returncode == 0 and ("full" in health.stdout.lower()) == full:
            return True
        time.sleep(0.5)
    return False


def make_full():
    """The cluster full: ratios below the OSD's use (a few hundred MiB of 8 GiB), then the FULL flag awaited."""
    set_full_ratios(("0.00005", "0.00008", "0.0001"))
    if not wait_health(True):
        raise RuntimeError("the cluster did not report full: %s" % ceph("health").stdout)


def ceph_restore():
    """Every daemon running and answering, the full ratio back: ``ceph health`` without FULL."""
    for daemon in ("mon.a", "osd.0", "mgr.x"):
        try:
            os.kill(ceph_pid(daemon), signal.SIGCONT)
        except (OSError, ValueError):
            pass
    set_full_ratios(FULL_RATIOS)
    ceph_lab('_ceph_pid_alive osd.0 || svc_osd_restart')
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        health = ceph("health", timeout=15)
        if health.returncode == 0 and "FULL" not in health.stdout:
            return health.stdout.strip()
        time.sleep(1)
    raise RuntimeError("ceph health did not come back: %s" % health.stdout)


def rbd_task(**kwargs):
    args = dict(connection("rbd_image"), pool=os.environ["CEPH_POOL"], connect_timeout=2, op_timeout=2)
    args.update(kwargs)
    return args


RBD_BUDGET = 2.0 + 2.0


def rbd_export(name):
    with tempfile.NamedTemporaryFile() as handle:
        proc = subprocess.run(["rbd", "-c", os.environ["CEPH_CONF"], "export", "--no-progress",
                               "%s/%s" % (os.environ["CEPH_POOL"], name), handle.name + ".x"],
                              capture_output=True, timeout=120, check=False, stdin=subprocess.DEVNULL)
        path = Path(handle.name + ".x")
        if proc.returncode:
            return None
        data = path.read_bytes()
        path.unlink()
        return data


def rbd_size(name):
    info = rbd_cli("info", "%s/%s" % (os.environ["CEPH_POOL"], name), check=False)
    return info and info.get("size")


# How long a stop lasts: the injector resumes the daemon on its own schedule, whatever the tasks do, within the
# OSD's read lease (osd_heartbeat_grace 20 s x read_lease_ratio 0.8 = 16 s; past it the placement groups go laggy).
STOP_SECONDS = 10.0


class Stopper:
    """Stop one Ceph daemon: SIGSTOP, or (``real``) SIGTERM through the lab; resumed :data:`STOP_SECONDS` later by
    a timer of its own (``resume()`` also undoes it at once; each stop is undone once)."""

    def __init__(self, daemon, real):
        self.daemon, self.real, self.pid = daemon, real, ceph_pid(daemon)
        self.lock = threading.Lock()
        self.stopped = False
        self.timer = None

    def stop(self):
        with self.lock:
            if self.real:
                ceph_lab("_ceph_stop %s" % self.daemon)
            else:
                os.kill(self.pid, signal.SIGSTOP)
            self.stopped = True
            self.timer = threading.Timer(STOP_SECONDS, self.resume)
            self.timer.daemon = True
            self.timer.start()

    def resume(self):
        with self.lock:
            if self.timer is not None:
                self.timer.cancel()
            if not self.stopped:
                return
            self.stopped = False
            if not self.real:
                os.kill(self.pid, signal.SIGCONT)
            elif self.daemon == "osd.0":
                ceph_lab("svc_osd_restart")
            else:
                ceph_lab("ceph-mon -i a")
                ceph_restore()


def pgs_stuck():
    """Why the placement groups are not all active+clean, or None; None also when the cluster does not answer."""
    stat = ceph("pg", "stat", "--format", "json", timeout=30)
    try:
        summary = json.loads(stat.stdout)["pg_summary"]
    except (ValueError, KeyError):
        return None
    states = {e["name"]: e["num"] for e in summary["num_pg_by_state"]}
    if states.get("active+clean") == summary["num_pgs"] and "slow ops" not in ceph("health", timeout=30).stdout:
        return None
    return ", ".join("%d %s" % (n, name) for name, n in sorted(states.items())) + " (of %d)" % summary["num_pgs"]


def ceph_recover(log, what, timeout=120):
    """After a stop: placement groups left laggy or ops blocked (a stop that outlasted the OSD's read lease) are the
    harness's problem, not the module's: the OSD is restarted and active+clean awaited (bounded), and the log says
    so (before the run's data is checked, which the stuck placement groups would make time out)."""
    deadline = time.monotonic() + 20  # peering after a resume is normal: only what stays stuck is recovered
    stuck = pgs_stuck()
    while stuck and time.monotonic() < deadline:
        time.sleep(1)
        stuck = pgs_stuck()
    if not stuck:
        return
    log("faults: after %s, placement groups stuck (%s): osd.0 restarted" % (what, stuck))
    ceph_lab("svc_osd_restart")
    deadline = time.monotonic() + timeout
    while pgs_stuck():
        if time.monotonic() > deadline:
            raise RuntimeError("placement groups still not active+clean %d s after the OSD's restart: %s" % (
                timeout, pgs_stuck()))
        time.sleep(1)


def ceph_faults(n, rng, tmp, log):
    """The OSD stopped mid-import and mid-resize, the monitor stopped, the cluster made full."""
    cause = r"timed? ?out|timeout|full|connect|OSDs are down"
    imp = Fault("osd_stopped_import", cause, log)
    resize = Fault("osd_stopped_resize", cause, log)
    mon = Fault("mon_stopped", cause, log)
    full = Fault("cluster_full", r"full|no space|quota", log)
    src = Path(tmp, "image.raw")
    data = os.urandom(8 * MiB)
    src.write_bytes(data)
    prefix = "rel-fault-"
    try:
        rbd_remove(prefix + "rs")
        outcome, _h, _m = run_module("rbd_image", rbd_task(name=prefix + "rs", size="8M", op_timeout=30), 60)

        def plan(fault, i):
            """(fault, image name, task, size before) of one injected run."""
            if fault is resize:
                return fault, prefix + "rs", rbd_task(name=prefix + "rs", size="%dM" % rng.choice([4, 12, 16, 24, 32]),
                                                      allow_shrink=True), rbd_size(prefix + "rs")
            name = "%s%s-%d" % (prefix, fault.name, i)
            if fault is mon:
                return fault, name, rbd_task(name=name, size="%dM" % rng.randint(1, 64)), None
            return fault, name, rbd_task(name=name, src=str(src), size="8M"), None

        def check(fault, i, name, task, before, outcome):
            """The image as the rbd CLI sees it after the injected run."""
            want = int(task["size"][:-1]) * MiB
            if fault is resize:
                size = rbd_size(name)
                if size not in (before, want) or (not outcome.failed and size != want):
                    fault.bad("partial_visible" if outcome.failed else "corruptions", i, "size %s, was %s, asked %s"
                              % (size, before, want))
            elif fault is mon:
                size = rbd_size(name)
                if (not outcome.failed and size != want) or (outcome.failed and size not in (None, want)):
                    fault.bad("corruptions", i, "image size %s, asked %s" % (size, want))
            else:
                got = rbd_export(name)
                if not outcome.failed and got != data:
                    fault.bad("corruptions", i, "imported image differs from the file")
                elif outcome.failed and got is not None:
                    fault.bad("partial_visible", i, "a failed import left the image %s" % name)
            return (lambda: rbd_size(name) == want) if fault in (resize, mon) else (lambda: rbd_export(name) == data)

        for i in rounds(n):
            real = i % 10 == 9
            # the OSD stopped during an import and a resize (each at a point of its own), the monitor stopped
            # during a create, an import into a full cluster
            for group in ((imp, resize), (mon,), (full,)):
                plans = [plan(fault, i) for fault in group]
                stopper = None if full in group else Stopper("mon.a" if mon in group else "osd.0", real)
                try:
                    if stopper is None:  # the flag takes a second or two to spread: set before the task starts
                        make_full()
                        results = [(o, h, True) for o, h, _m in run_modules(
                            [("rbd_image", p[2], RBD_BUDGET, 0.0) for p in plans])]
                    else:
                        results = run_modules([("rbd_image", p[2], RBD_BUDGET, rng.uniform(0.2, 0.9)) for p in plans],
                                              stopper.stop)
                finally:
                    if stopper is None:
                        set_full_ratios(FULL_RATIOS)
                        wait_health(False)
                    else:
                        stopper.resume()
                    ceph_recover(log, "%s #%d" % ("/".join(f.name for f in group), i))
                checks = []
                for (fault, name, task, before), (outcome, hung, mid) in zip(plans, results):
                    fault.judge(outcome, hung, mid, i)
                    checks.append(check(fault, i, name, task, before, outcome))
                    task.update(op_timeout=30)
                reruns = run_modules([("rbd_image", p[2], 60, 0.0) for p in plans])
                for (fault, name, _task, _before), (outcome, hung, _mid), ok in zip(plans, reruns, checks):
                    fault.rerun(outcome, hung, ok, i)
                    if fault is not resize:
                        rbd_remove(name)
    finally:
        health = ceph_restore()
        log("faults: ceph restored, health %s" % health) if "HEALTH_OK" not in health else None
        rbd_remove(prefix + "rs")
    return [imp, resize, mon, full]


# ---- XenStore ----

def xs_private(state, function, extra=""):
    """svc_up/svc_down of the lab's xenstored.sh for a daemon of the family's own (state dir, options)."""
    proc = subprocess.run(["bash", "-c", 'LAB_STATE="$1" LAB_HOME="$2" XENSTORED_ARGS="$3"; . "$2/services/xenstored.sh"; '
                           + function, "-", state, str(REPO / "tests" / "lab"), extra],
                          capture_output=True, text=True, timeout=60, check=True, stdin=subprocess.DEVNULL)
    return proc.stdout


def xs_restart():
    """The lab's xenstored started again (svc_up of its service file: same state directory, same socket)."""
    xs_private(str(Path(os.environ["XENSTORED_PATH"]).parent), "svc_running || svc_up")


def xenstore_faults(n, rng, tmp, log):
    """xenstored killed in the middle of a bulk transaction, then restarted."""
    killed = Fault("xenstored_killed", r"xenstored|connection|closed|reset|refused|socket|broken", log)
    base = "/rel/faults"
    keys = [{"path": "%s/k%04d" % (base, j), "value": "v%d" % j} for j in range(1000)]
    want = {k["path"]: k["value"] for k in keys}
    task = dict(connection("xenstore_key"), keys=keys)
    try:
        for i in rounds(n):
            xs_rm(base)
            pid = int(Path(os.environ["XENSTORED_PATH"]).with_name("xenstored.pid").read_text())
            outcome, hung, mid = run_module("xenstore_key", task, 10.0, lambda pid=pid: os.kill(pid, signal.SIGKILL),
                                            rng.uniform(0.3, 1.2))
            killed.judge(outcome, hung, mid, i)
            xs_restart()
            tree = {k: v for k, v in xs_tree(base).items() if k in want}
            if tree and tree != want:
                killed.bad("partial_visible", i, "%d of %d keys after the restart" % (len(tree), len(want)))
            outcome, hung, _mid = run_module("xenstore_key", task, 10.0)
            killed.rerun(outcome, hung, lambda: {k: v for k, v in xs_tree(base).items() if k in want} == want, i)
    finally:
        xs_restart()
        xs_rm(base)
    return [killed]


class GuestBus:
    """A guest domain's ``/dev/xen/xenbus`` for a module run in the test: a raw pty relayed over the domain's ring.

    The guest (``xs_guest.Guest``: a domain the lab shim makes exist, introduced by dom0, with a home owned by it)
    speaks the ring protocol; the module opens the pty as its ``xenbus_path`` and the relay copies bytes both ways,
    as the guest kernel's xenbus driver would. The daemon then applies the domain's quotas to the module's writes.
    """

    def __init__(self, dom0, shim_dir, domid):
        sys.path.insert(0, str(REPO / "tests" / "functional" / "xenstore"))
        from xs_guest import Guest  # the collection is importable once the lab's settings are loaded
        from ansible_collections.datacenter.storage.plugins.module_utils.xenstore import RingConnection

        self.guest = Guest(dom0, shim_dir, domid).__enter__()
        self.guest.client.close()  # the relay owns the ring from now on
        self.ring = RingConnection(self.guest._page, self.guest.kick)  # pylint: disable=protected-access
        self.ring.connect()
        self.master, self.slave = os.openpty()
        tty.setraw(self.slave)
        self.path = os.ttyname(self.slave)
        self.closed = False
        for target in (self._up, self._down):
            threading.Thread(target=target, daemon=True).start()

    def _up(self):
        while not self.closed:
            if select.select([self.master], [], [], 0.2)[0]:
                self.ring.send_bytes(os.read(self.master, 65536))

    def _down(self):
        while not self.closed:
            data = self.ring.recv_bytes(0.2)
            if data:
                os.write(self.master, data)

    def close(self):
        self.closed = True
        time.sleep(0.5)
        os.close(self.master)
        os.close(self.slave)
        self.ring.close()
        self.guest.__exit__(None, None, None)


def xenstore_quota(n, rng, tmp, log):
    """A bulk ``keys:`` write from a guest domain that meets the daemon's entry quota (``-E``) at a random key.

    dom0 is exempt from xenstored's quotas, so the module runs as guest domain 10 over a :class:`GuestBus`. Before
    each run dom0 fills the domain's home with entries charged to it (a node counts against its owner), leaving
    room for a random 1 to 290 of the 300 keys: the quota is hit in the middle of the transaction. The module
    must fail naming the quota (ENOSPC), and its transaction leave none of the keys; once the fill is removed
    the same task writes them all.
    """
    fault = Fault("xenstore_quota_bulk", r"ENOSPC|no space|quota", log)
    quota, domid = 400, 10
    home = "/local/domain/%d" % domid
    state = Path(tmp, "xs-quota")
    state.mkdir()
    shutil.copy2(Path(os.environ["XS_SHIM_DIR"], "xsshim.so"), state / "xsshim.so")
    os.utime(state / "xsshim.so")
    socket_path = re.search(r"XENSTORED_PATH=(\S+)", xs_private(str(state), "svc_up", "-E %d" % quota)).group(1)
    env = dict(os.environ, XENSTORED_PATH=socket_path)

    def tree(path):
        proc = subprocess.run(["xenstore-ls", "-f", path], capture_output=True, text=True, env=env, check=False,
                              timeout=60)
        return dict(line.split(" = ", 1) for line in proc.stdout.splitlines())

    from ansible_collections.datacenter.storage.plugins.module_utils.xenstore import Client

    dom0 = Client(unix_socket_path=socket_path, timeout=10)
    dom0.connect()
    bus = GuestBus(dom0, str(state), domid)
    try:
        for i in rounds(n):
            room = rng.randint(1, 290)
            for j in range(quota - 2 - room):  # the home and the fill directory count too
                dom0.write("%s/fill/f%04d" % (home, j), b"x")
            keys = [{"path": "%s/bulk/k%03d" % (home, j), "value": "v%d-%d" % (i, j)} for j in range(300)]
            task = dict(xenbus_path=bus.path, timeout=10.0, keys=keys)
            outcome, hung, _mid = run_module("xenstore_key", task, 10.0)
            fault.judge(outcome, hung, True, i)
            if not outcome.failed:
                fault.bad("corruptions", i, "a bulk write past the quota (room for %d keys) reported ok" % room)
            if tree(home + "/bulk"):
                fault.bad("partial_visible", i, "%d keys of the refused bulk write are visible" % len(tree(home + "/bulk")))
            dom0.rm(home + "/fill")  # repaired: the domain has room again
            outcome, hung, _mid = run_module("xenstore_key", task, 10.0)
            want = {k["path"]: '"%s"' % k["value"] for k in keys}
            fault.rerun(outcome, hung, lambda want=want: tree(home + "/bulk") == want, i)
            dom0.rm(home + "/bulk")
    finally:
        bus.close()
        dom0.close()
        xs_private(str(state), "svc_down")
    return [fault]


def xenstore_family(n, rng, tmp, log):
    """The kills (on the lab's daemon) and the quota (on a daemon of its own) at once."""
    return at_once([xenstore_faults, xenstore_quota], n, rng, tmp, log)


def at_once(parts, n, rng, tmp, log):
    """Run ``part(n, rng, tmp, log)`` of each of ``parts`` at once, each with its own random sequence."""
    with concurrent.futures.ThreadPoolExecutor(len(parts)) as pool:
        futures = [pool.submit(part, n, random.Random(rng.random()), tmp, log) for part in parts]
        return [fault for future in futures for fault in future.result()]


GROUPS = {"oio": oio_family, "ceph": ceph_faults, "xenstore": xenstore_family}


def _group(name, n, seed, tmp, log, results):
    start = time.monotonic()
    try:
        results[name] = GROUPS[name](n, random.Random("%s-%s" % (seed, name)), tmp, log)
    except Stopped as exc:
        log("faults: the %s group stopped: %s" % (name, exc))
        results[name] = None
    except Exception:  # the group itself broke: counted as an error of the family, with its reason
        import traceback
        log("faults: the %s group stopped: %s" % (name, traceback.format_exc()))
        results[name] = None
    print("faults    %s group: %.0f s" % (name, time.monotonic() - start), flush=True)


def run(n, log, groups=None, seed="17"):
    """Every fault ``n`` times, the groups (one per service) at once; figures per fault under ``faults``."""
    figures = Figures(injected=0)
    figures["faults"] = {}
    tmp = tempfile.mkdtemp(prefix="rel-faults-")
    results = {}
    threads = [threading.Thread(target=_group, args=(name, n, seed, tmp, log, results))
               for name in (groups or list(GROUPS))]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            while thread.is_alive():
                thread.join(1)
    except KeyboardInterrupt:  # one ^C: the groups end their current injection, restore their service and stop
        STOP.set()
        print("faults: interrupted: restoring the services (^C again to leave them as they are)", flush=True)
        for thread in threads:
            while thread.is_alive():
                thread.join(1)
        raise
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for name in (groups or list(GROUPS)):
        if results.get(name) is None:
            figures.add("errors")
            continue
        for fault in results[name]:
            f = fault.figures
            figures["faults"][fault.name] = f
            figures.add("injected", f["injected"])
            for key, total in (("hangs", "hangs"), ("corruptions", "silent_corruptions"),
                               ("partial_visible", "partial_visible"), ("unclear_failures", "unclear_failures"),
                               ("tracebacks", "tracebacks"), ("not_converged", "not_converged")):
                figures.add(total, f[key])
            print("faults    %-21s %s" % (fault.name, " ".join("%s=%s" % (k, f[k]) for k in FIELDS + (
                "mid_task", "unclear_failures", "tracebacks", "not_converged"))), flush=True)
            for msg in fault.samples:
                print("            e.g. %s" % msg, flush=True)
    return figures


if __name__ == "__main__":
    from harness import load_lab_env
    load_lab_env()
    lines = []
    result = run(int(os.environ.get("REL_FAULTS_N", "3")), lines.append,
                 os.environ.get("REL_FAULT_GROUPS", "").split(",") if os.environ.get("REL_FAULT_GROUPS") else None)
    print("\n".join(lines))
    print(json.dumps({k: v for k, v in result.items() if k != "faults"}))
