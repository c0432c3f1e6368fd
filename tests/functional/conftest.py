# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Functional tests run against the real lab services (tests/lab/lab up)."""

import sys

from labenv import COLLECTIONS, REPO

sys.path.insert(0, str(REPO / "tests" / "lab"))
import lab_settings  # the lab's settings file reader, shared with the remote and reliability suites

lab_settings.export(missing_ok=True)
if str(COLLECTIONS) not in sys.path:
    sys.path.insert(0, str(COLLECTIONS))
