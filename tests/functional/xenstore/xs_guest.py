# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""An unprivileged guest domain for the tests, over the lab shim's ring files.

The lab's xenstored runs under tests/lab/xenstored/xsshim.c, which turns the
hypervisor into files in $XS_SHIM_DIR: ``dom-N`` makes domain N exist,
``ring-N`` is its shared ring page, ``evtchn`` a FIFO that wakes the daemon.
:class:`Guest` creates them, has dom0 introduce the domain and give it a home
(``/local/domain/N``, owned by N, readable by dom0), and hands out a
:class:`Client` speaking the ring protocol as domain N, so permission and
quota errors come from the real daemon.
"""

import mmap
import os
import struct

from ansible_collections.datacenter.storage.plugins.module_utils.xenstore import Client, RingConnection, XenStoreError

# Any port other than 1 (VIRQ_DOM_EXC) just wakes the daemon, which then checks every ring.
KICK_PORT = 2
PAGE = 4096


class Guest:
    def __init__(self, dom0, shim_dir, domid):
        self.dom0 = dom0
        self.shim_dir = shim_dir
        self.domid = domid
        self.home = "/local/domain/%d" % domid
        self._page = None
        self._fifo = None
        self.client = None

    def _file(self, name):
        return os.path.join(self.shim_dir, "%s-%d" % (name, self.domid))

    def kick(self, port=KICK_PORT):
        os.write(self._fifo, struct.pack("=I", port))

    def __enter__(self):
        if self.dom0.is_domain_introduced(self.domid):  # left over by an interrupted run
            self.dom0.release_domain(self.domid)
        with open(self._file("dom"), "w"):
            pass
        with open(self._file("ring"), "wb") as ring:
            ring.write(b"\0" * PAGE)
        self._fifo = os.open(os.path.join(self.shim_dir, "evtchn"), os.O_WRONLY | os.O_NONBLOCK)
        self.dom0.introduce_domain(self.domid, self.domid, 7)
        self.dom0.mkdir(self.home)
        self.dom0.set_perms(self.home, ["n%d" % self.domid, "r0"])
        fd = os.open(self._file("ring"), os.O_RDWR)
        try:
            self._page = mmap.mmap(fd, PAGE)
        finally:
            os.close(fd)
        self.client = Client(connection=RingConnection(self._page, self.kick), timeout=10)
        self.client.connect()
        return self

    def __exit__(self, *exc):
        self.client.close()
        try:
            self.dom0.release_domain(self.domid)
        except XenStoreError:
            pass
        self._page.close()
        for name in ("dom", "ring"):
            os.unlink(self._file(name))
        self.kick(1)  # VIRQ_DOM_EXC: let the daemon notice the domain is gone
        os.close(self._fifo)
