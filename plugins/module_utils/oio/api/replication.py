# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Replication helpers of ``oio.api.replication`` (7.x)."""

from __future__ import annotations


class FakeChecksum:
    """A checksum object that returns a hash already computed elsewhere."""

    def __init__(self, actual_checksum):
        self.checksum = actual_checksum

    def update(self, *_args, **_kwargs):
        """Ignore the data: the hash is known."""

    def hexdigest(self):
        return self.checksum
