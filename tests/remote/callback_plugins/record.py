# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tests only: write each task result as one JSON line to $DCS_RECORD (nothing when it is unset)."""

from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: record
type: aggregate
short_description: each task result as a JSON line (tests/remote)
description: Writes host, the inventory name of the delegated host, task, action, status and the result to the file named by DCS_RECORD.
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "record"
    CALLBACK_NEEDS_ENABLED = False

    def _record(self, result, status):
        path = os.environ.get("DCS_RECORD")
        if not path:
            return
        res = dict(result._result)
        line = {
            "host": result._host.get_name(),
            "delegated_to": result._task.delegate_to or None,
            "task": result._task.get_name(),
            "action": result._task.action,
            "status": status,
            "changed": bool(res.get("changed")),
            "result": {k: v for k, v in res.items() if not k.startswith("_ansible")},
        }
        with open(path, "a") as out:
            out.write(json.dumps(line, default=str) + "\n")

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_runner_item_on_ok(self, result):
        self._record(result, "item_ok")
