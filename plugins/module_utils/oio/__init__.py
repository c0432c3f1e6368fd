# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""OpenIO SDS client, a drop-in for upstream's ``oio`` 7.x package (same module paths and names)."""

from __future__ import annotations

from .api.object_storage import ObjectStorageApi

__all__ = ["ObjectStorageApi"]
