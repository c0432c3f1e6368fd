# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""python3 tests/lab/leftovers.py [LAB_DIR]: list processes that still belong to the lab (exit 1 if any).

A process belongs to the lab when its command line names the lab directory, or when its
environment does and it runs in another session than the caller (the lab's daemons detach;
the caller's own commands inherit the lab settings). The caller's ancestors are not counted.
"""

import os
import sys

lab_dir = os.path.realpath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", ".lab"))
needle = lab_dir.encode()

ancestors = set()
pid = os.getpid()
while pid > 1:
    ancestors.add(pid)
    try:
        with open("/proc/%d/stat" % pid, "rb") as stat:
            pid = int(stat.read().rsplit(b")", 1)[1].split()[1])
    except OSError:
        break

own_session = os.getsid(0)
left = []
for entry in os.listdir("/proc"):
    if not entry.isdigit() or int(entry) in ancestors:
        continue
    try:
        with open("/proc/%s/status" % entry, "rb") as status:
            if b"State:\tZ" in status.read():
                continue
        with open("/proc/%s/cmdline" % entry, "rb") as f:
            cmdline = f.read()
        with open("/proc/%s/environ" % entry, "rb") as f:
            environ = f.read()
    except OSError:
        continue
    try:
        other_session = os.getsid(int(entry)) != own_session
    except OSError:
        continue
    if needle in cmdline or (needle in environ and other_session):
        left.append("%s %s" % (entry, cmdline.replace(b"\0", b" ").decode(errors="replace").strip()))

for line in left:
    print(line)
sys.exit(1 if left else 0)
