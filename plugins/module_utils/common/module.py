# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Ansible side shared by every module: argument spec merge, failures, results."""

from __future__ import annotations

from contextlib import contextmanager

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from .diff import ChangeTracker
from .errors import ParamError


class StorageModule:
    """Wraps ``AnsibleModule`` for one :class:`~.backend.Backend`.

    The backend's connection options and constraints are merged into
    ``argument_spec`` and ``mutually_exclusive``, its requirement is checked,
    its exceptions and :class:`ParamError` are turned into ``fail_json`` by
    :meth:`handle_errors` (anything else keeps its traceback, as a bug should),
    and :meth:`open` yields its connected client.
    """

    def __init__(self, argument_spec, backend, **kwargs):
        kwargs["mutually_exclusive"] = backend.mutually_exclusive + list(kwargs.get("mutually_exclusive", ()))
        self.module = AnsibleModule(argument_spec=backend.argument_spec(argument_spec), **kwargs)
        self.params = self.module.params
        self.check_mode = self.module.check_mode
        self.diff_mode = self.module._diff
        self.tracker = ChangeTracker()
        self.backend = backend
        self._errors = backend.errors
        if backend.requirement is not None:
            self.require(*backend.requirement())

    def open(self):
        """``with module.open() as client:`` the backend's client, connected from the module's options."""
        return self.backend.open(self)

    def require(self, package, import_error):
        """Fail naming ``package`` when importing it failed (``import_error``: the traceback, or None)."""
        if import_error is not None:
            self.module.fail_json(msg=missing_required_lib(package), exception=import_error)

    def fail(self, msg, **result):
        self.module.fail_json(msg=msg, **result)

    def fail_param(self, name, value, why, **result):
        """Fail naming the parameter and the value that was refused."""
        self.fail("%s=%r: %s" % (name, value, why), **result)

    @contextmanager
    def handle_errors(self, action=None, **result):
        """Turn the backend's exceptions and :class:`ParamError` into a clean failure; others propagate."""
        try:
            yield
        except ParamError as exc:
            self.fail_param(exc.name, exc.value, exc.why, **result)
        except self._errors as exc:
            msg = str(exc)
            if action:
                msg = "%s: %s" % (action, msg)
            self.fail(msg, **result)

    def exit(self, changed=None, **result):
        """Exit with ``changed`` and, in diff mode, the tracker's diff."""
        if changed is None:
            changed = self.tracker.changed
        if self.diff_mode and "diff" not in result:
            result["diff"] = self.tracker.diff
        self.module.exit_json(changed=changed, **result)
