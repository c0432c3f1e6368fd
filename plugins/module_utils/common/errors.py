# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The error planners raise for a refused option value (no Ansible import: unit tests use it alone)."""

from __future__ import annotations


class ParamError(Exception):
    """A refused option value: ``ParamError(name, value, why)``; ``StorageModule`` fails naming them."""

    def __init__(self, name, value, why):
        super().__init__(name, value, why)
        self.name, self.value, self.why = name, value, why

    def __str__(self):
        return "%s=%r: %s" % (self.name, self.value, self.why)
