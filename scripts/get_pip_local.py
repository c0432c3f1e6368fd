# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Stand-in for get-pip.py, which ansible-test downloads to bootstrap pip in the venvs it makes.

ansible-test runs it as ``python get_pip_X_Y.py [pip options] pip==X.Y --no-setuptools --no-wheel``.
This one takes pip from the interpreter's own ``ensurepip`` (no download), then lets that pip
install the requested version from the configured package index.
"""

import subprocess
import sys

args = [arg for arg in sys.argv[1:] if arg not in ("--no-setuptools", "--no-wheel")]
subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"], stdout=subprocess.DEVNULL)
subprocess.check_call([sys.executable, "-m", "pip", "install", "--upgrade"] + args)
