# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""site.yml over SSH on the lab's three hosts, --forks 3: run time, module runs, connection and AnsiballZ overhead.

First the demo from nothing (tests/remote/playbooks/site_reset.yml, then the guests' domains, then site.yml:
the run that changes everything), then, in each SSH setting, a run that changes nothing (the steady state).
The overhead of one module run (SSH session, AnsiballZ transfer, Python start on the host) is measured with
ansible.builtin.ping tasks, the same number per host as site.yml runs; its share is that time over the run's.
"""

import argparse
import json
import os
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
INVENTORY = REPO / "tests" / "lab" / "hosts" / "inventory"
SITE = REPO / "playbooks" / "site.yml"
LAB_PLAYBOOKS = REPO / "tests" / "remote" / "playbooks"
CALLBACKS = REPO / "tests" / "remote" / "callback_plugins"
# ssh_args come before the inventory's ControlPath on ssh's command line: ControlPath=none wins, so that no
# master left by an earlier run is reused when ControlPersist is off.
NO_MASTER = "-o ControlMaster=no -o ControlPath=none"
PERSIST = "-C -o ControlMaster=auto -o ControlPersist=60s"
SETTINGS = {
    "no ControlPersist": {"ANSIBLE_SSH_ARGS": NO_MASTER, "ANSIBLE_PIPELINING": "0"},
    "ControlPersist 60s (default)": {"ANSIBLE_SSH_ARGS": PERSIST, "ANSIBLE_PIPELINING": "0"},
    "pipelining": {"ANSIBLE_SSH_ARGS": NO_MASTER, "ANSIBLE_PIPELINING": "1"},
    "ControlPersist + pipelining": {"ANSIBLE_SSH_ARGS": PERSIST, "ANSIBLE_PIPELINING": "1"},
}
SKIPPED_ACTIONS = {"include_role", "validate_argument_spec", "debug", "set_fact", "assert", "meta"}
PING = """---
- name: The same number of module runs per host as site.yml, each a no-op
  hosts: all
  gather_facts: false
  tasks:
    - name: Ping
      ansible.builtin.ping:
      loop: "{{ range(bench_runs[inventory_hostname] | default(0)) | list }}"
"""


def close_masters():
    """End the SSH masters that earlier runs kept open: each setting starts with none."""
    control = Path(os.environ["LAB_HOSTS_CONTROL_DIR"])
    for sock in control.glob("*") if control.is_dir() else ():
        subprocess.run(["ssh", "-o", "ControlPath=%s" % sock, "-O", "exit", "lab"], capture_output=True, check=False)


def playbook(path, settings, record, *args):
    """One ansible-playbook run with these settings; its wall time in seconds (fails loudly if the run fails)."""
    env = dict(os.environ, ANSIBLE_CALLBACK_PLUGINS=str(CALLBACKS), DCS_RECORD=str(record), **settings)
    start = time.monotonic()
    proc = subprocess.run([str(REPO / ".venv" / "bin" / "ansible-playbook"), "-i", str(INVENTORY), "--forks", "3", str(path), *args],
                          env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    elapsed = time.monotonic() - start
    if proc.returncode:
        raise SystemExit("%s failed:\n%s" % (path.name, proc.stdout[-3000:]))
    return elapsed


def module_runs(record):
    """Module runs per host that ran them (a delegated task counts on the host it ran on), a loop's items one each;
    actions that run on the controller only (include_role, debug, set_fact, ...) are not counted."""
    runs = {}
    for line in record.read_text().splitlines():
        r = json.loads(line)
        if r["status"] == "skipped" or r["action"].rsplit(".", 1)[-1] in SKIPPED_ACTIONS:
            continue
        if r["status"] == "ok" and "results" in r["result"]:
            continue  # a loop's summary: its items are counted
        host = r["delegated_to"] or r["host"]
        runs[host] = runs.get(host, 0) + 1
    return runs


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=1, help="timed runs per setting (the fastest is kept)")
    args = parser.parse_args()
    default = SETTINGS["ControlPersist 60s (default)"]
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        playbook(LAB_PLAYBOOKS / "site_reset.yml", default, tmp / "reset.jsonl")
        playbook(LAB_PLAYBOOKS / "lab_domains.yml", default, tmp / "domains.jsonl")
        close_masters()
        first = playbook(SITE, default, tmp / "first.jsonl")
        first_runs = sum(module_runs(tmp / "first.jsonl").values())
        playbook(SITE, default, tmp / "warm.jsonl")
        runs = module_runs(tmp / "warm.jsonl")
        ping = tmp / "ping.yml"
        ping.write_text(PING)
        print("site.yml over SSH, 3 hosts, --forks 3")
        print("from nothing (every change made), ControlPersist 60s: %.1f s, %d module runs" % (first, first_runs))
        print("a run that changes nothing: module runs per host %s (%d in all)"
              % (", ".join("%s %d" % kv for kv in sorted(runs.items())), sum(runs.values())))
        print("%-30s %9s %12s %10s" % ("setting", "run (s)", "overhead (s)", "share"))
        for name, settings in SETTINGS.items():
            times = []
            for i in range(args.rounds):
                close_masters()
                run = playbook(SITE, settings, tmp / ("site-%d.jsonl" % i))
                close_masters()
                overhead = playbook(ping, settings, tmp / ("ping-%d.jsonl" % i), "-e", json.dumps({"bench_runs": runs}))
                times.append((run, overhead))
            run, overhead = min(times)
            print("%-30s %9.1f %12.1f %9.0f%%" % (name, run, overhead, 100 * overhead / run))
        close_masters()


if __name__ == "__main__":
    main()
