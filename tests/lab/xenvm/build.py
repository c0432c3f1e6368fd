# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Build the two initrds of the Xen VM (stdlib only; run as root on the host).

    python3 build.py dom0  <kernel-root> <out.cpio.gz>   busybox, the 9p/xen modules, dom0-init
    python3 build.py guest <repo> <out.cpio.gz>          busybox, Debian's python3.11 (stdlib subset + libs),
                                                 the XenStore client, ansible's module_utils,
                                                 the xenstore modules and guest_test.py
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
BUSYBOX = "/bin/busybox"
PYTHON = "/usr/bin/python3.11"
STDLIB = "/usr/lib/python3.11"
STDLIB_SKIP = {"test", "idlelib", "tkinter", "turtledemo", "lib2to3", "ensurepip", "distutils", "pydoc_data",
               "config-3.11-x86_64-linux-gnu", "site-packages", "dist-packages", "venv", "unittest", "sqlite3"}
ANSIBLE_PARTS = ["__init__.py", "_vendor", "release.py", "module_utils"]
DOM0_MODULES = ["virtio_pci", "9pnet_virtio", "9p", "xen_evtchn", "xenfs", "xen_gntdev", "xen_gntalloc", "xen_privcmd"]


def copy(src, dst_root, dst=None):
    """Copy ``src`` (file, following symlinks) to the same path (or ``dst``) under ``dst_root``."""
    target = os.path.join(dst_root, (dst or src).lstrip("/"))
    os.makedirs(os.path.dirname(target), exist_ok=True)
    shutil.copy2(src, target)


def pack(root, out):
    """``root`` as a gzip'd newc cpio archive at ``out``."""
    tmp = out + ".tmp"
    with open(tmp, "wb") as sink:
        find = subprocess.Popen(["find", "."], cwd=root, stdout=subprocess.PIPE)
        cpio = subprocess.Popen([BUSYBOX, "cpio", "-o", "-H", "newc"], cwd=root, stdin=find.stdout,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        gzip = subprocess.Popen(["gzip", "-1"], stdin=cpio.stdout, stdout=sink)
        find.stdout.close()
        cpio.stdout.close()
        if gzip.wait() or cpio.wait() or find.wait():
            sys.exit("packing %s failed" % out)
    os.replace(tmp, out)


def base(root, init):
    os.makedirs(os.path.join(root, "bin"))
    copy(BUSYBOX, root, "/bin/busybox")
    for name in ("sh", "mount", "insmod", "echo", "cat", "mkdir", "poweroff", "sleep"):
        os.symlink("busybox", os.path.join(root, "bin", name))
    copy(os.path.join(HERE, init), root, "/init")
    os.chmod(os.path.join(root, "init"), 0o755)
    for name in ("dev", "proc", "sys", "tmp", "host", "etc"):
        os.makedirs(os.path.join(root, name), exist_ok=True)


def module_index(kernel_root):
    """``{name: path}`` of every kernel module (names with '_' for '-')."""
    index = {}
    for top, _dirs, files in os.walk(os.path.join(kernel_root, "lib", "modules")):
        for name in files:
            if name.endswith(".ko"):
                index[name[:-3].replace("-", "_")] = os.path.join(top, name)
    return index


def depends(path):
    with open(path, "rb") as handle:
        found = re.search(rb"(?:^|\0)depends=([^\0]*)\0", handle.read())
    return [d.decode().replace("-", "_") for d in found.group(1).split(b",") if d] if found else []


def build_dom0(kernel_root, out):
    index = module_index(kernel_root)
    order = []

    def add(name):
        if name in order:
            return
        if name not in index:
            sys.exit("kernel module %s not found under %s" % (name, kernel_root))
        for dep in depends(index[name]):
            add(dep)
        order.append(name)

    for name in DOM0_MODULES:
        add(name)
    with tempfile.TemporaryDirectory() as root:
        base(root, "dom0-init")
        for name in order:
            copy(index[name], root, "/modules/%s.ko" % name)
        with open(os.path.join(root, "modules.order"), "w") as handle:
            handle.write("\n".join(order) + "\n")
        pack(root, out)


def libraries(binaries):
    """The shared libraries (and the loader) the binaries need, from ldd."""
    libs = set()
    for binary in binaries:
        text = subprocess.run(["ldd", binary], capture_output=True, text=True, check=False).stdout
        libs.update(re.findall(r"(/\S+) \(0x", text))
    return sorted(libs)


def build_guest(repo, out):
    site = subprocess.run([os.path.join(repo, ".venv", "bin", "python"), "-c",
                           "import ansible, os; print(os.path.dirname(os.path.dirname(ansible.__file__)))"],
                          capture_output=True, text=True, check=True).stdout.strip()
    with tempfile.TemporaryDirectory() as root:
        base(root, "guest-init")
        copy(PYTHON, root)
        dynload = []
        for top, dirs, files in os.walk(STDLIB):
            if top == STDLIB:
                dirs[:] = [d for d in dirs if d not in STDLIB_SKIP]
            for name in files:
                copy(os.path.join(top, name), root)
                if name.endswith(".so"):
                    dynload.append(os.path.join(top, name))
        for lib in libraries([PYTHON] + dynload):
            copy(lib, root)
            if os.path.islink(lib) and not os.path.isabs(os.readlink(lib)):
                copy(lib, root, os.path.join(os.path.dirname(lib), os.readlink(lib)))
        with open(os.path.join(root, "etc", "passwd"), "w") as handle:
            handle.write("root:x:0:0:root:/root:/bin/sh\n")
        with open(os.path.join(root, "etc", "group"), "w") as handle:
            handle.write("root:x:0:\n")
        lib = "/opt/xenvm/lib"
        for name in ANSIBLE_PARTS:  # what ansible.module_utils.basic needs on a target
            source = os.path.join(site, "ansible", name)
            if os.path.isdir(source):
                shutil.copytree(source, root + lib + "/ansible/" + name, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                copy(source, root, lib + "/ansible/" + name)
        collection = "/opt/xenvm/coll/ansible_collections/datacenter/storage/plugins"
        shutil.copytree(os.path.join(repo, "plugins", "module_utils"), root + collection + "/module_utils",
                        ignore=shutil.ignore_patterns("__pycache__"))
        modules = os.path.join(repo, "plugins", "modules")
        for name in sorted(os.listdir(modules)) if os.path.isdir(modules) else []:
            if name.startswith("xenstore_") and name.endswith(".py"):
                copy(os.path.join(modules, name), root, collection + "/modules/" + name)
        copy(os.path.join(HERE, "guest_test.py"), root, "/opt/xenvm/guest_test.py")
        pack(root, out)


def main(argv):
    if len(argv) != 4 or argv[1] not in ("dom0", "guest"):
        sys.exit(__doc__)
    (build_dom0 if argv[1] == "dom0" else build_guest)(argv[2], argv[3])


if __name__ == "__main__":
    main(sys.argv)
