# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""python import_all.py COLLECTIONS_ROOT: import every module and module_utils file of datacenter.storage.

Prints each name; exits 1 on the first one that fails to import (with its traceback).
"""

import importlib
import pathlib
import sys

root = pathlib.Path(sys.argv[1])
sys.path.insert(0, str(root))
base = root / "ansible_collections" / "datacenter" / "storage" / "plugins"
names = sorted(".".join(path.relative_to(root).with_suffix("").parts)
               for sub in ("module_utils", "modules") for path in (base / sub).rglob("*.py"))
for name in names:
    importlib.import_module(name.removesuffix(".__init__"))
    print("imported", name)
print("%d files imported with Python %s" % (len(names), sys.version.split()[0]))
