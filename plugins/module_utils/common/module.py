# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Ansible side shared by every module: argument spec merge, failures, results."""

from __future__ import annotations

from contextlib import contextmanager

from ansible.module_utils.basic import AnsibleModule, _load_params, missing_required_lib
from ansible.module_utils.common.validation import check_type_dict

from .diff import ChangeTracker
from .errors import ParamError


def _holds_options(value, top=True):
    """Whether ansible-core can read options from ``value``: a dict, a string it parses as one, a list of them."""
    if isinstance(value, str):
        try:
            check_type_dict(value)
        except (TypeError, ValueError):  # ansible-core before 2.18 lets a ValueError of dict() through
            return False
        return True
    if top and isinstance(value, (list, tuple)):
        return all(isinstance(item, (list, tuple)) or _holds_options(item, False) for item in value)
    return (top and value is None) or isinstance(value, dict)


def guard_suboptions(spec, params):
    """``spec`` without the suboptions of the options whose value cannot hold options (an int, a float...).

    ansible-core looks the suboptions' fallbacks up in such a value before it checks its type and crashes
    (``TypeError: argument of type 'int' is not iterable``), and refuses a string it cannot parse as a dict
    without naming the option; without ``options`` it refuses both with its own message naming the option.
    """
    guarded = dict(spec)
    for name, option in spec.items():
        if not option.get("options"):
            continue
        given = [params[key] for key in [name] + list(option.get("aliases") or ()) if key in params]
        if not all(_holds_options(value) for value in given):
            guarded[name] = dict((k, v) for k, v in option.items() if k != "options")
    return guarded


def _nul_paths(value, label, binary):
    """(label, string) of the strings holding a NUL byte in ``value`` (dict keys and values, list items)."""
    if isinstance(value, str):
        return [(label, value)] if "\x00" in value else []
    if isinstance(value, dict):
        return [found for key, item in value.items() if key not in binary
                for found in _nul_paths(key, label, binary) + _nul_paths(item, "%s.%s" % (label, key), binary)]
    if isinstance(value, (list, tuple)):
        return [found for index, item in enumerate(value)
                for found in _nul_paths(item, "%s[%d]" % (label, index), binary)]
    return []


def refuse_nul(spec, params, binary=()):
    """Raise ParamError for the first option (or suboption) whose strings hold a NUL byte.

    ``binary``: the names of the options and suboptions whose values may hold one (data, not names).
    """
    for name, option in sorted(spec.items()):
        if name in binary or option.get("type") == "raw" or params.get(name) is None:
            continue
        found = _nul_paths(params[name], name, binary)
        if found:
            label, text = found[0]
            raise ParamError(label, "********" if option.get("no_log") else text, "a NUL byte is not allowed here")


class _AnsibleModule(AnsibleModule):
    """``AnsibleModule`` whose log lines carry NUL bytes escaped: syslog refuses them, and ansible-core 2.20 then
    fails the module before :func:`refuse_nul` can name the option."""

    def log(self, msg, log_args=None):
        super().log(msg.replace("\x00", "\\x00") if isinstance(msg, str) else msg, log_args=log_args)


class StorageModule:
    """Wraps ``AnsibleModule`` for one :class:`~.backend.Backend`.

    The backend's connection options and constraints are merged into
    ``argument_spec`` and ``mutually_exclusive``, its requirement is checked,
    its exceptions and :class:`ParamError` are turned into ``fail_json`` by
    :meth:`handle_errors` (anything else keeps its traceback, as a bug should),
    and :meth:`open` yields its connected client.

    Before any backend call, a NUL byte in a string option is refused (``binary``: the options whose values
    may hold one) and the backend's ``validate`` checks the connection options.
    """

    def __init__(self, argument_spec, backend, binary=(), **kwargs):
        kwargs["mutually_exclusive"] = backend.mutually_exclusive + list(kwargs.get("mutually_exclusive", ()))
        spec = backend.argument_spec(argument_spec)
        self.module = _AnsibleModule(argument_spec=guard_suboptions(spec, _load_params() or {}), **kwargs)
        self.params = self.module.params
        self.check_mode = self.module.check_mode
        self.diff_mode = self.module._diff
        self.tracker = ChangeTracker()
        self.backend = backend
        self._errors = backend.errors
        if backend.requirement is not None:
            self.require(*backend.requirement())
        with self.handle_errors():
            refuse_nul(spec, self.params, binary)
            backend.validate(self.params)

    def open(self):
        """``with module.open() as client:`` the backend's client, connected from the module's options."""
        return self.backend.open(self)

    def require(self, package, import_error):
        """Fail naming ``package`` when importing it failed (``import_error``: the traceback, or None)."""
        if import_error is not None:
            self.module.fail_json(msg=missing_required_lib(package), exception=import_error)

    def fail(self, msg, **result):
        self.module.fail_json(msg=msg, **result)

    def warn(self, msg):
        self.module.warn(msg)

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
