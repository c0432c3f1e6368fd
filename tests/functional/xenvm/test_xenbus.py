# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The XenStore client and modules on a real Xen host: asserts on the report of tests/lab/xenvm/run.

Run by the test command's ``xenvm`` stage with ``XENVM_REPORT=<report.json>`` (the functional stage leaves it out).
Each operation of the guest (over ``/dev/xen/xenbus``) and of dom0 (modules over xenstored's socket)
is its own test, so a failure names the operation.
"""

from __future__ import annotations

import json
import os

import pytest
from labenv import missing

REPORT = os.environ.get("XENVM_REPORT")
if not REPORT:
    missing("XENVM_REPORT is not set (the xenvm stage runs tests/lab/xenvm/run first)", module_level=True)

GUEST_OPERATIONS = ["guest_run", "connect", "read", "write", "ls", "rm", "permissions", "transaction",
                    "transaction_eagain", "pipeline", "ls_large", "watch", "release_domain", "module_xenstore_key"]
DOM0_OPERATIONS = ["xl_create_guest", "module_xenstore_key", "module_xenstore_info", "module_xenstore_watch"]


@pytest.fixture(scope="module")
def report():
    try:
        with open(REPORT) as handle:
            return json.load(handle)
    except (OSError, ValueError) as exc:
        pytest.fail("no readable xenvm report at %s (did tests/lab/xenvm/run boot the VM?): %s" % (REPORT, exc))


def result(report, where, name):
    found = [r for r in report["results"] if r["where"] == where and r["name"] == name]
    assert found, "%s operation %r is not in the report (the run stopped before it)" % (where, name)
    return found[0]


@pytest.mark.parametrize("name", GUEST_OPERATIONS)
def test_guest_over_xenbus(report, name):
    item = result(report, "guest", name)
    assert item["ok"], "guest %s over /dev/xen/xenbus failed: %s" % (name, item["detail"])


@pytest.mark.parametrize("name", DOM0_OPERATIONS)
def test_dom0(report, name):
    item = result(report, "dom0", name)
    assert item["ok"], "dom0 %s failed: %s" % (name, item["detail"])


def test_every_reported_operation_is_known(report):
    known = {("guest", n) for n in GUEST_OPERATIONS} | {("dom0", n) for n in DOM0_OPERATIONS}
    unknown = [(r["where"], r["name"], r["detail"]) for r in report["results"] if (r["where"], r["name"]) not in known]
    assert not unknown, "operations reported but not asserted here: %s" % unknown


def test_real_xen_host(report):
    info = {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in report["xl_info"].splitlines() if ":" in line)}
    assert (info["xen_major"], info["xen_minor"]) == ("4", "17"), report["xl_info"]
