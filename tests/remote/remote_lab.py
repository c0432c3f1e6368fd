# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers of the remote tests (tests/lab/lab up hosts): the lab's settings, ansible and ansible-playbook runs, SSH.

Every command runs the controller's ansible from the project's venv against tests/lab/hosts/inventory; the
modules run on the hosts with Debian's python3. Results are read from the tree callback (one JSON file per
host, ad hoc) or from a recording callback (tests/remote/callback_plugins: one JSON line per task result).
"""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "lab"))
import lab_settings  # the lab's settings file reader, shared with the functional and reliability suites

REPO = Path(__file__).resolve().parents[2]
INVENTORY = REPO / "tests" / "lab" / "hosts" / "inventory"
PLAYBOOKS = REPO / "tests" / "remote" / "playbooks"
ADHOC = re.compile(r"^(\S+) \| [A-Z!]+ => (\{.*?^\})$", re.M | re.S)
RECAP = re.compile(r"^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)", re.M)


def _lab_env():
    env = lab_settings.export(dict(os.environ))
    env["ANSIBLE_COLLECTIONS_PATH"] = str(REPO / ".lab" / "collections")
    env["ANSIBLE_CALLBACK_PLUGINS"] = str(REPO / "tests" / "remote" / "callback_plugins")
    env["ANSIBLE_NOCOLOR"] = "1"
    env["ANSIBLE_FORCE_COLOR"] = "0"
    env.pop("ANSIBLE_CONFIG", None)
    return env


ENV = _lab_env()
HOSTS = {name: ENV["LAB_HOST_" + name.upper().replace("-", "_")] for name in ("dom0", "ceph-client", "oio-client")}
BIN = REPO / ".venv" / "bin"


class Run:
    """One ansible or ansible-playbook run: its output, its recap per host, its recorded task results."""

    def __init__(self, proc, records):
        self.rc, self.out = proc.returncode, proc.stdout
        self.recap = {m[0]: dict(zip(("ok", "changed", "unreachable", "failed", "skipped"), map(int, m[1:]))) for m in RECAP.findall(self.out)}
        self.records = records

    def results(self, action):
        """Recorded results of one module (its short name), each with its host and the host it ran on; a loop's
        items, not their summary."""
        return [r for r in self.records if r["action"].rsplit(".", 1)[-1] == action and not (r["status"] == "ok" and "results" in r["result"])]


def ansible_playbook(playbook, *args, tmp_path, env=None, check=True):
    record = tmp_path / ("record-%d.jsonl" % len(list(tmp_path.glob("record-*"))))
    run_env = dict(ENV, DCS_RECORD=str(record), **(env or {}))
    proc = subprocess.run([str(BIN / "ansible-playbook"), "-i", str(INVENTORY), str(playbook), *args],
                          env=run_env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900, check=False)
    records = [json.loads(line) for line in record.read_text().splitlines()] if record.exists() else []
    run = Run(proc, records)
    if check:
        assert run.rc == 0, run.out[-6000:]
    return run


def ansible_adhoc(pattern, module, args, *extra, env=None):
    """ansible PATTERN -m MODULE -a ARGS; returns (rc, output, {host: result}) read from the default output."""
    proc = subprocess.run([str(BIN / "ansible"), "-i", str(INVENTORY), pattern, "-m", module, "-a", args, *extra],
                          env=dict(ENV, **(env or {})), cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=600, check=False)
    results = {host: json.loads(body) for host, body in ADHOC.findall(proc.stdout)}
    return proc.returncode, proc.stdout, results


def ssh(host, command):
    """Run a shell command on a lab host over SSH with the lab's key; returns its stdout."""
    proc = subprocess.run(["ssh", "-o", "BatchMode=yes", "-o", "ControlMaster=no", "-o", "UserKnownHostsFile=" + ENV["LAB_HOSTS_KNOWN_HOSTS"],
                           "-o", "StrictHostKeyChecking=yes", "-i", ENV["LAB_HOSTS_KEY"], "root@" + HOSTS[host], command],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, timeout=60, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def host_layer(host):
    """The host's own writable layer (what it wrote on its root filesystem), seen from the controller."""
    return Path(ENV["LAB_HOSTS_KEY"]).parent / host / "upper"


def cephx_key():
    """The lab's cephx key of the client user: it must never appear in any output."""
    text = Path(ENV["CEPH_KEYRING_ANSIBLE"]).read_text()
    return re.search(r"key = (\S+)", text).group(1)
