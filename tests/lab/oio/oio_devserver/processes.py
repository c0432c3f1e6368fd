# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Rawx services as processes of their own, for fault tests that kill or freeze one (client side).

``with RawxProcesses(directory, proxy_url, admin_url, ns) as rawx:`` starts ``count`` rawx processes, registers
them in the namespace's conscience and stops the built-in rawx, so that every new chunk goes to the processes;
on exit the built-in rawx start again, the processes are deregistered and killed. ``kill(k)``, ``restart(k)``
(same port and volume) and ``signal(k, SIGSTOP)`` act on process ``k``.
"""

import json
import os
import re
import subprocess
import sys
import urllib.request

from . import admin


class RawxProcesses:
    def __init__(self, directory, proxy_url, admin_url, ns, count=3):
        self.directory, self.proxy_url, self.admin_url, self.ns = directory, proxy_url.rstrip("/"), admin_url, ns
        self.procs, self.ports = {}, []
        for k in range(count):
            self.ports.append(self._start(k, 0))

    def _start(self, k, port):
        env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        proc = subprocess.Popen([sys.executable, "-m", "oio_devserver", "rawx", "--volume", self.volume(k),
                                 "--port", str(port), "--ns", self.ns], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL, text=True)
        line = proc.stdout.readline()
        self.procs[k] = proc
        return int(re.search(r"rawx 127\.0\.0\.1:(\d+) up", line).group(1))

    def volume(self, k):
        return os.path.join(self.directory, "rawx-%d" % k)

    def addr(self, k):
        return "127.0.0.1:%d" % self.ports[k]

    def _conscience(self, action):
        items = [{"addr": self.addr(k), "type": "rawx", "score": 100,
                  "tags": {"tag.loc": "proc.rawx%d" % k, "tag.up": True, "tag.vol": self.volume(k)}}
                 for k in range(len(self.ports))]
        request = urllib.request.Request("%s/v3.0/%s/conscience/%s" % (self.proxy_url, self.ns, action),
                                         data=json.dumps(items).encode(), method="POST")
        with urllib.request.urlopen(request, timeout=30):
            pass

    def __enter__(self):
        self._conscience("register")
        for rawx in admin.call(self.admin_url, "status")["rawx"]:
            admin.call(self.admin_url, "rawx/stop", service=rawx["addr"])
        return self

    def __exit__(self, *exc):
        admin.call(self.admin_url, "rawx/start-all")
        self._conscience("deregister")
        for proc in self.procs.values():
            proc.kill()
            proc.wait()

    def kill(self, k):
        self.procs[k].kill()
        self.procs[k].wait()

    def restart(self, k):
        if self.procs[k].poll() is not None:
            self._start(k, self.ports[k])

    def signal(self, k, sig):
        self.procs[k].send_signal(sig)
