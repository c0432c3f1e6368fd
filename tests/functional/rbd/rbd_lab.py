# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers of the RBD tests: where the collection is, the target's Python, and running a module as Ansible does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile

from labenv import COLLECTIONS

PYTHON = os.environ.get("RBD_TEST_PYTHON", sys.executable)  # the target's Python: it needs cffi


def crashed_in_librados_thread(proc):
    """A SIGSEGV in a thread that is not Python's: faulthandler then names no "Current thread"."""
    return proc.returncode == -11 and "Fatal Python error: Segmentation fault" in proc.stderr \
        and "Current thread" not in proc.stderr


def run_past_librados_crash(attempts, run, *args, **kwargs):
    """``run(*args, **kwargs)`` (a finished child process, with faulthandler on), run again while it crashed in a
    librados thread, ``attempts`` runs at most: ``(the last process, how many runs were retried)``."""
    proc, retried = run(*args, **kwargs), 0
    while crashed_in_librados_thread(proc) and retried < attempts - 1:
        proc, retried = run(*args, **kwargs), retried + 1
    return proc, retried


RUN_AFTER_PRELUDE = "\nimport runpy, sys\nname = sys.argv.pop(1)\nrunpy.run_module(name, run_name='__main__', alter_sys=True)\n"


def run_module(lab, module, check=False, diff=False, prelude=None, **args):
    """Run one of our modules as Ansible does on a target (arguments file, JSON result on stdout).

    Connection options default to the lab's client.ansible; ``args`` may override them (None removes one).
    ``prelude``: Python code run in the module's process before it starts (a fault injected at a chosen point).
    """
    params = dict(ceph_conf=lab.conf, client_name=lab.client, keyring=lab.keyring)
    params.update(args)
    params = {key: value for key, value in params.items() if value is not None}
    params.update(_ansible_check_mode=check, _ansible_diff=diff)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": params}, handle)
    try:
        env = dict(os.environ, PYTHONPATH=str(COLLECTIONS))
        name = "ansible_collections.datacenter.storage.plugins.modules." + module
        command = [PYTHON, "-c", prelude + RUN_AFTER_PRELUDE, name] if prelude else [PYTHON, "-m", name]
        proc = subprocess.run(command + [handle.name], capture_output=True, text=True, env=env, timeout=300, check=False)
    finally:
        os.unlink(handle.name)
    if "{" not in proc.stdout:
        raise AssertionError("%s gave no result: %s %s" % (module, proc.stdout, proc.stderr))
    return json.loads(proc.stdout[proc.stdout.index("{"):])
