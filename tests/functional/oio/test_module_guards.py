# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""oio_object run as Ansible runs it on a target: what its raw output shows, and its dependency check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

COLLECTIONS = Path(__file__).resolve().parents[3] / ".lab" / "collections"
MODULE = "ansible_collections.datacenter.storage.plugins.modules.oio_object"


def run_oio_object(prologue="", **args):
    """The module's JSON answer; ``prologue`` is Python run before it (to hide a library)."""
    params = dict(namespace=os.environ["OIO_NS"], endpoint=os.environ["OIO_PROXY_URL"],
                  account_url=os.environ["OIO_ACCOUNT_URL"], **args)
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": params}, handle)
    code = prologue + "\nimport runpy\nrunpy.run_module(%r, run_name='__main__', alter_sys=True)\n" % MODULE
    try:
        proc = subprocess.run([sys.executable, "-c", code, handle.name], capture_output=True, text=True, timeout=120,
                              env=dict(os.environ, PYTHONPATH=str(COLLECTIONS)), check=False)
    finally:
        os.unlink(handle.name)
    return proc.stdout + proc.stderr, json.loads(proc.stdout[proc.stdout.index("{"):])


def test_content_never_in_the_output(api, account, container):
    secret = "seed-password-hash-$6$c0ffee"
    raw, result = run_oio_object(account=account, container=container, name="seed", content=secret)
    assert result["changed"] and not result.get("failed"), result
    assert secret not in raw
    assert result["invocation"]["module_args"]["content"] == "VALUE_SPECIFIED_IN_NO_LOG_PARAMETER"
    assert b"".join(api.object_fetch(account, container, "seed")[1]) == secret.encode()


def test_missing_urllib3_is_reported_by_name(account):
    _raw, result = run_oio_object("import sys\nsys.modules['urllib3'] = None", account=account, container="any",
                                  name="x", content="x")
    assert result["failed"]
    assert result["msg"].startswith("Failed to import the required Python library (urllib3)"), result["msg"]
