# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every reliability family shares: the lab's settings, running modules and playbooks, independent readers.

The readers never use the collection's code: the ``rbd`` CLI, the ``xenstore-*`` tools and plain HTTP to the
OpenIO proxy, so a bug in our client cannot hide itself.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.request
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lab"))
import lab_settings  # the lab's settings file reader, shared with the functional and remote suites

REPO = Path(__file__).resolve().parents[2]
COLLECTIONS = REPO / ".lab" / "collections"
FQ = "ansible_collections.datacenter.storage.plugins.modules."
MODULES = sorted(p.stem for p in (REPO / "plugins" / "modules").glob("*.py") if p.stem != "__init__")


def load_lab_env():
    """The lab's connection settings (.lab/lab.env) into os.environ; the collection onto sys.path."""
    lab_settings.export()
    if str(COLLECTIONS) not in sys.path:
        sys.path.insert(0, str(COLLECTIONS))


def connection(module):
    """The lab's connection options for one module, as a task would give them."""
    if module.startswith("rbd"):
        return dict(ceph_conf=os.environ["CEPH_CONF"], client_name=os.environ["CEPH_CLIENT_NAME"],
                    keyring=os.environ["CEPH_KEYRING_ANSIBLE"], connect_timeout=10, op_timeout=30)
    if module.startswith("oio"):
        return dict(namespace=os.environ["OIO_NS"], endpoint=os.environ["OIO_PROXY_URL"],
                    account_url=os.environ["OIO_ACCOUNT_URL"], connection_timeout=2.0, read_timeout=10.0,
                    write_timeout=10.0)
    return dict(socket_path=os.environ["XENSTORED_PATH"], timeout=10.0)


class Outcome:
    """One module run: its JSON result, or the traceback that escaped it."""

    def __init__(self, result=None, traceback_text=None, raw=""):
        self.result = result or {}
        self.traceback = traceback_text
        self.raw = raw

    @property
    def failed(self):
        return bool(self.result.get("failed")) or self.traceback is not None

    @property
    def msg(self):
        return str(self.result.get("msg", ""))


def run_inprocess(module, args, check=False):
    """Run a module's main() in this process (as Ansible would on a target, minus the fork)."""
    from ansible.module_utils.testing import patch_module_args
    import importlib
    mod = importlib.import_module(FQ + module)
    out = io.StringIO()
    params = dict(args, _ansible_check_mode=check, _ansible_remote_tmp=tempfile.gettempdir(),
                  _ansible_tmpdir=tempfile.gettempdir())
    try:
        with patch_module_args(params), contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            try:
                mod.main()
            except SystemExit:
                pass
    except Exception:  # an escaped exception is exactly what the families count
        return Outcome(traceback_text=traceback.format_exc(), raw=out.getvalue())
    text = out.getvalue()
    if "{" not in text:
        return Outcome(traceback_text="no JSON result: %r" % text[-500:], raw=text)
    try:
        result = json.loads(text[text.index("{"):])
    except ValueError:
        return Outcome(traceback_text="unreadable result: %r" % text[-500:], raw=text)
    if "exception" in result or "MODULE FAILURE" in str(result.get("msg", "")):
        return Outcome(result, result.get("exception") or result.get("msg"), text)
    return Outcome(result, None, text)


def run_subprocess(module, args, check=False, diff=False, timeout=300, env=None):
    """Run a module as its own process (the way Ansible runs it), with a timeout: (Outcome, seconds, timed out)."""
    params = dict(args, _ansible_check_mode=check, _ansible_diff=diff)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": params}, handle)
    start = time.monotonic()
    try:
        proc = subprocess.run([sys.executable, "-m", FQ + module, handle.name], capture_output=True, text=True,
                              timeout=timeout, env=dict(os.environ, PYTHONPATH=str(COLLECTIONS), **(env or {})),
                              check=False)
    except subprocess.TimeoutExpired as exc:
        return Outcome(traceback_text="hung: no answer within %s s" % timeout, raw=str(exc.stdout or "")), \
            time.monotonic() - start, True
    finally:
        os.unlink(handle.name)
    elapsed = time.monotonic() - start
    text = proc.stdout
    if "{" not in text:
        return Outcome(traceback_text="no JSON result: %s %s" % (text[-300:], proc.stderr[-2000:]), raw=text), elapsed, False
    try:
        result = json.loads(text[text.index("{"):])
    except ValueError:
        return Outcome(traceback_text="unreadable result: %r" % text[-500:], raw=text), elapsed, False
    tb = result.get("exception") or ("Traceback" in proc.stderr and proc.stderr) or None
    return Outcome(result, tb, text + proc.stderr), elapsed, False


def playbook(path, extra_vars=None, verbosity=0, env=None, timeout=900, check=False, diff=False, extra_vars_file=None):
    """ansible-playbook on localhost: (return code, output)."""
    cmd = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", "localhost,", "-c", "local", str(path)]
    if verbosity:
        cmd.append("-" + "v" * verbosity)
    if check:
        cmd.append("--check")
    if diff:
        cmd.append("--diff")
    if extra_vars:
        cmd += ["-e", json.dumps(extra_vars)]
    if extra_vars_file:
        cmd += ["-e", "@%s" % extra_vars_file]
    full_env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), ANSIBLE_PYTHON_INTERPRETER=sys.executable,
                    ANSIBLE_NOCOLOR="1", ANSIBLE_HOST_KEY_CHECKING="0", **(env or {}))
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=full_env, check=False)
    except subprocess.TimeoutExpired as exc:
        return None, str(exc.stdout or "") + str(exc.stderr or "")
    return proc.returncode, proc.stdout + proc.stderr


# ---- independent readers ----

def rbd_cli(*args, check=True, timeout=120):
    """The rbd CLI as client.admin, JSON output parsed (None if empty)."""
    cmd = ["rbd", "-c", os.environ["CEPH_CONF"], *args, "--format", "json"]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if check and proc.returncode:
        raise RuntimeError("%s: %s" % (" ".join(cmd), proc.stderr.strip()))
    return json.loads(proc.stdout) if proc.stdout.strip() else None


def rbd_images(prefix):
    """{name: size} of the lab pool's images whose name starts with ``prefix``."""
    listing = rbd_cli("ls", "-l", os.environ["CEPH_POOL"]) or []
    return {e["image"]: e["size"] for e in listing if e["image"].startswith(prefix) and "snapshot" not in e}


def rbd_remove(name):
    """Remove an image of the lab pool, its snapshots first."""
    spec = "%s/%s" % (os.environ["CEPH_POOL"], name)
    rbd = ["rbd", "-c", os.environ["CEPH_CONF"]]
    for snap in rbd_cli("snap", "ls", spec, check=False) or []:
        if snap.get("protected") == "true":
            subprocess.run(rbd + ["snap", "unprotect", "%s@%s" % (spec, snap["name"])], capture_output=True, timeout=300,
                           check=False)
    for action in (["snap", "purge"], ["rm"]):
        subprocess.run(rbd + action + ["--no-progress", spec], capture_output=True, timeout=300, check=False)


def xs_tree(path):
    """{path: value} below ``path`` from the xenstore-ls tool (empty if absent)."""
    env = dict(os.environ, XENSTORED_PATH=os.environ["XENSTORED_PATH"])
    proc = subprocess.run(["xenstore-ls", "-f", path], capture_output=True, text=True, timeout=120, env=env, check=False)
    tree = {}
    for line in proc.stdout.splitlines():
        key, _sep, value = line.partition(" = ")
        tree[key.strip()] = value.strip().strip('"')
    return tree


def xs_rm(path):
    subprocess.run(["xenstore-rm", path], capture_output=True, timeout=600, check=False,
                   env=dict(os.environ, XENSTORED_PATH=os.environ["XENSTORED_PATH"]))


def oio_http(method, path, body=None, timeout=30):
    """A request to the OpenIO proxy over plain HTTP: (status, headers, body bytes)."""
    url = os.environ["OIO_PROXY_URL"].rstrip("/") + "/v3.0/%s/%s" % (os.environ["OIO_NS"], path)
    request = urllib.request.Request(url, method=method, data=body)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as resp:
            return resp.status, dict(resp.headers), resp.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


def oio_listing(account, container):
    """{name: (size, hash)} of a container, as the proxy lists it; None if the container does not exist."""
    listing, marker = {}, ""
    while True:
        status, headers, body = oio_http("GET", "container/list?acct=%s&ref=%s&max=1000&marker=%s" % (
            quote(account), quote(container), quote(marker)))
        if status == 404:
            return None
        if status != 200:
            raise RuntimeError("listing %s/%s: HTTP %s %r" % (account, container, status, body[:200]))
        objects = json.loads(body).get("objects", [])
        listing.update((o["name"], (int(o["size"]), o["hash"].upper())) for o in objects)
        truncated = {k.lower(): v for k, v in headers.items()}.get("x-oio-list-truncated", "").lower() == "true"
        if not objects or not truncated:
            return listing
        marker = objects[-1]["name"]


class Figures(dict):
    """Counters of one family; ``bad()`` is the sum of the counters that must stay zero."""

    MUST_BE_ZERO = ("hangs", "tracebacks", "silent_corruptions", "partial_visible", "unclear_failures",
                    "not_converged", "unnamed_parameter", "backend_changes", "crashes", "leaks", "bad_modes",
                    "not_idempotent", "not_serializable", "errors", "accepted")

    def add(self, key, n=1):
        self[key] = self.get(key, 0) + n

    def bad(self):
        return sum(self.get(k, 0) for k in self.MUST_BE_ZERO)
