# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One comparison that yields ``changed``, the diff and the check-mode answer."""

from __future__ import annotations


class ChangeTracker:
    """Records each compared field as it was and as it should be.

    ``compare`` returns whether the field differs, so callers can decide what
    to apply; ``changed`` and ``diff`` then describe every recorded field.
    """

    def __init__(self):
        self.before = {}
        self.after = {}
        self._changed = False

    def compare(self, name, before, after):
        """Record ``name`` and return True if ``before`` differs from ``after``."""
        self.before[name] = before
        self.after[name] = after
        differs = before != after
        self._changed = self._changed or differs
        return differs

    def mark(self, name, before, after):
        """Record a change that is known to happen (creation, removal)."""
        self.before[name] = before
        self.after[name] = after
        self._changed = True

    @property
    def changed(self):
        return self._changed

    @property
    def diff(self):
        return {"before": self.before, "after": self.after}
