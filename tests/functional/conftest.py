# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Functional tests run against the real lab services (tests/lab/lab up)."""

import os
import shlex
import sys

from labenv import COLLECTIONS, REPO


def _load_lab_env():
    env_file = REPO / ".lab" / "lab.env"
    if not env_file.exists():
        return
    for line in env_file.read_text().splitlines():
        words = shlex.split(line)
        if len(words) == 2 and words[0] == "export" and "=" in words[1]:
            key, value = words[1].split("=", 1)
            os.environ.setdefault(key, value)


_load_lab_env()
if str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))
