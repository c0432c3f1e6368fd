# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every functional suite needs from the lab: its settings, and one rule for a missing service.

``LAB_REQUIRED=1`` (set by ``scripts/test``) turns a missing lab service into a failure; without it (a
developer running one suite) the tests that need the service are skipped, saying which service to start.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
COLLECTIONS = REPO / ".lab" / "collections"  # the collection as the lab installs it


def missing(why, module_level=False):
    """Fail (lab required) or skip: ``why`` names the service and how to start it."""
    if os.environ.get("LAB_REQUIRED") == "1":
        pytest.fail("lab required: " + why, pytrace=False)
    pytest.skip(why, allow_module_level=module_level)


def need(key, service, module_level=False):
    """The lab setting ``key`` (an environment variable written by ``tests/lab/lab up <service>``)."""
    value = os.environ.get(key)
    if not value:
        missing("the %s lab service is not up (tests/lab/lab up %s): %s is not set" % (service, service, key), module_level)
    return value
