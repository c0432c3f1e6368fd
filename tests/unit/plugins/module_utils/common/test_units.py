# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.datacenter.storage.plugins.module_utils.common.units import format_size, parse_size


@pytest.mark.parametrize("text, size", [
    (4096, 4096),
    ("4096", 4096),
    ("1K", 1024),
    ("10G", 10 << 30),
    ("10g", 10 << 30),
    ("1.5GiB", 3 << 29),
    ("512 MB", 512 << 20),
    ("2T", 2 << 40),
    ("0", 0),
])
def test_parse_size(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["", "G", "-1", -1, "1.3", "10X", "1e3", True, "ten"])
def test_parse_size_refuses_and_names_the_value(text):
    with pytest.raises(ValueError) as info:
        parse_size(text)
    assert repr(text) in str(info.value)


@pytest.mark.parametrize("size, text", [(0, "0"), (1000, "1000"), (1024, "1K"), (10 << 30, "10G"), ((1 << 30) + 1024, "1048577K")])
def test_format_size(size, text):
    assert format_size(size) == text
    assert parse_size(format_size(size)) == size
