# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Independent peers for cross-checks: Debian's xenstore-* tools (XENSTORED_PATH) and pyxs under /usr/bin/python3."""

import json
import subprocess

PEER_PYTHON = "/usr/bin/python3"


def xenstore_tool(tool, *args, check=True):
    """Run one of Debian's xenstore-* tools against the lab daemon; returns stdout."""
    result = subprocess.run(["xenstore-" + tool, *args], capture_output=True, text=True, check=False, timeout=30)
    if check and result.returncode:
        raise AssertionError("xenstore-%s %s failed: %s" % (tool, " ".join(args), result.stderr))
    return result.stdout


def pyxs(code, **variables):
    """Run ``code`` with pyxs under Debian's python (``c`` is a connected pyxs Client); returns ``result`` as JSON."""
    script = "import json, sys, pyxs\nv = json.loads(sys.argv[1])\nwith pyxs.Client() as c:\n"
    script += "".join("    " + line + "\n" for line in code.strip().splitlines())
    script += "print(json.dumps(result))\n"
    out = subprocess.run([PEER_PYTHON, "-c", script, json.dumps(variables)], capture_output=True, text=True,
                         check=True, timeout=60)
    return json.loads(out.stdout)
