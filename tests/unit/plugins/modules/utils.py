# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module's ``main()`` in-process on a fake backend client and return what it exited with."""

from __future__ import annotations

import json
from contextlib import contextmanager
from unittest import mock

from ansible.module_utils import basic

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core before 2.19 reads the module's arguments from basic._ANSIBLE_ARGS

    @contextmanager
    def patch_module_args(args):
        with mock.patch.object(basic, "_ANSIBLE_ARGS", json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode()):
            yield


class ModuleExit(Exception):
    """``exit_json``/``fail_json`` were called: ``result`` is what they were given, ``failed`` says which."""

    def __init__(self, result, failed):
        super().__init__(result)
        self.result, self.failed = result, failed


def _exit_json(self, **result):
    raise ModuleExit(result, False)


def _fail_json(self, msg, **result):
    raise ModuleExit(dict(result, msg=msg), True)


def run_module(module, args, client, check_mode=False, diff=False):
    """Run ``module.main()`` with ``args``, its backend's ``open`` yielding ``client``; returns the ModuleExit."""

    @contextmanager
    def fake_open(storage_module):
        yield client

    args = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff)
    with patch_module_args(args), \
            mock.patch.object(basic.AnsibleModule, "exit_json", _exit_json), \
            mock.patch.object(basic.AnsibleModule, "fail_json", _fail_json), \
            mock.patch.object(module.BACKEND, "open", fake_open):
        try:
            module.main()
        except ModuleExit as done:
            return done
    raise AssertionError("%s.main() returned without exit_json or fail_json" % module.__name__)
