# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a module needs to know about one backend, declared once per backend."""

from __future__ import annotations


class Backend:
    """One backend's Ansible side, applied by ``StorageModule(argument_spec, backend=...)``.

    ``connection_spec``: the connection options (documented by the backend's doc fragment), merged into every
    module's argument spec; ``mutually_exclusive``: constraints between them; ``errors``: the client's exception
    classes, turned into ``fail_json``; ``requirement``: a callable returning ``(package, import_error)`` (the
    traceback, or None when the package imported); ``open``: ``open(module)``, a context manager yielding a
    connected client that is closed on exit; ``validate``: ``validate(params)``, raising
    :class:`~.errors.ParamError` for a connection option no connection could use.

    Timeouts use one vocabulary across backends, in seconds (float): ``connect_timeout`` to establish the
    connection, ``op_timeout`` for the answer to one request.
    """

    def __init__(self, name, connection_spec, errors, open, requirement=None, mutually_exclusive=(), validate=None):
        self.name = name
        self.validate = validate or (lambda params: None)
        self.connection_spec = connection_spec
        self.errors = tuple(errors)
        self.open = open
        self.requirement = requirement
        self.mutually_exclusive = list(mutually_exclusive)

    def argument_spec(self, argument_spec):
        """The connection options and ``argument_spec`` merged; the module's own options win, aliases included."""
        spec = {}
        for key, option in self.connection_spec.items():
            if key in argument_spec:
                continue
            aliases = [a for a in option.get("aliases", ()) if a not in argument_spec]
            spec[key] = dict(option, aliases=aliases) if "aliases" in option else option
        spec.update(argument_spec)
        return spec
