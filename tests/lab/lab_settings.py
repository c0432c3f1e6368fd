# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The lab's settings file, ``.lab/lab.env`` (written by ``tests/lab/lab up``), for every Python test suite.

Each line is ``export KEY=VALUE`` with the value quoted as a shell would read it.
"""

from __future__ import annotations

import os
import shlex
from pathlib import Path

LAB_ENV = Path(__file__).resolve().parents[2] / ".lab" / "lab.env"


def read(path=LAB_ENV):
    """The settings as a dict; FileNotFoundError when the lab was never started."""
    settings = {}
    for line in Path(path).read_text().splitlines():
        words = shlex.split(line)
        if len(words) == 2 and words[0] == "export" and "=" in words[1]:
            key, value = words[1].split("=", 1)
            settings[key] = value
    return settings


def export(environ=None, missing_ok=False, path=LAB_ENV):
    """Add the settings to ``environ`` (``os.environ`` by default), the variables already set winning.

    ``missing_ok``: no settings file adds nothing (a developer's run without the lab; the suites then say which
    service is missing); otherwise FileNotFoundError."""
    environ = os.environ if environ is None else environ
    if missing_ok and not Path(path).exists():
        return environ
    for key, value in read(path).items():
        environ.setdefault(key, value)
    return environ
