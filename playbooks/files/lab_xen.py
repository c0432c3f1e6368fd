# -*- coding: utf-8 -*-
# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# Copyright: (c) 2026, datacenter.storage contributors
# GNU General Public License v3.0+ (see LICENSES/GPL-3.0-or-later.txt or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Lab only: play the parts of a Xen host that the local lab has no hypervisor for.

  python3 lab_xen.py domain SHIM_DIR SOCKET DOMID       the toolstack: make DOMID exist and introduce it to xenstored
  python3 lab_xen.py ack SOCKET FRONTEND [TIMEOUT]      the guest: once FRONTEND/backend is written, set FRONTEND/state to 4

Both print one JSON line with "changed". Standard library only (XenStore wire protocol over the socket).
"""

import json
import os
import socket
import struct
import sys
import time

HEADER = struct.Struct("=IIII")
READ, INTRODUCE, WRITE, ERROR, IS_DOMAIN_INTRODUCED = 2, 8, 11, 16, 17
CONNECTED = b"4"  # XenbusStateConnected


class Store:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.connect(path)

    def call(self, op, *args):
        payload = b"".join(a.encode() + b"\0" for a in args[:-1]) + args[-1].encode()
        if op in (READ, IS_DOMAIN_INTRODUCED, INTRODUCE):
            payload += b"\0"
        self.sock.sendall(HEADER.pack(op, 0, 0, len(payload)) + payload)
        rtype, dummy, dummy, size = HEADER.unpack(self._recv(HEADER.size))
        body = self._recv(size)
        if rtype == ERROR:
            raise OSError(body.rstrip(b"\0").decode())
        return body

    def _recv(self, size):
        data = b""
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            if not chunk:
                raise OSError("xenstored closed the connection")
            data += chunk
        return data

    def read(self, path):
        try:
            return self.call(READ, path)
        except OSError as exc:
            if str(exc) == "ENOENT":
                return None
            raise


def domain(shim_dir, sock, domid):
    changed = False
    for name, size in (("dom-%d" % domid, 0), ("ring-%d" % domid, 4096)):
        path = os.path.join(shim_dir, name)
        if not os.path.exists(path):
            with open(path, "wb") as out:
                out.truncate(size)
            changed = True
    store = Store(sock)
    if not store.call(IS_DOMAIN_INTRODUCED, str(domid)).startswith(b"T"):
        store.call(INTRODUCE, str(domid), "0", "1")  # the shim maps ring-<domid>: mfn and port are placeholders
        changed = True
    return changed


def ack(sock, frontend, timeout):
    store = Store(sock)
    deadline = time.monotonic() + timeout
    while store.read(frontend + "/backend") is None:
        if time.monotonic() > deadline:
            raise SystemExit("%s/backend did not appear within %s s" % (frontend, timeout))
        time.sleep(0.1)
    if store.read(frontend + "/state") == CONNECTED:
        return False
    store.call(WRITE, frontend + "/state", CONNECTED.decode())
    return True


def main(argv):
    if len(argv) == 5 and argv[1] == "domain":
        changed = domain(argv[2], argv[3], int(argv[4]))
    elif len(argv) in (4, 5) and argv[1] == "ack":
        changed = ack(argv[2], argv[3], float(argv[4]) if len(argv) == 5 else 60)
    else:
        raise SystemExit(__doc__)
    print(json.dumps({"changed": changed}))


if __name__ == "__main__":
    main(sys.argv)
