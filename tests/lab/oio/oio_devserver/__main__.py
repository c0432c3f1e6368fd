# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Entry point: `python -m oio_devserver serve --state DIR`, `... admin ...` or `... rawx --volume DIR --port N`.

`rawx` runs one rawx service as a process of its own (fault tests kill it); register it in the namespace with
the proxy's `conscience/register` so that the load balancer hands it out.
"""

import argparse
import json
import os
import signal
import sys
import threading
from urllib.parse import urlsplit

from . import admin
from .account import AccountHandler, Accounts
from .conscience import Conscience, add_backblaze_policy, follow_backblaze_settings
from .httpbase import Server
from .meta2 import Directory, Meta2
from .proxy import ProxyHandler
from .rawx import Rawx


class Namespace:
    """Everything one namespace runs: the proxy, the account service, N rawx, the admin port."""

    def __init__(self, state, ns="OPENIO", host="127.0.0.1", nb_rawx=12, base_port=0, verbose=False, max_open=256):
        self.state, self.ns, self.host, self.verbose = state, ns, host, verbose
        os.makedirs(state, exist_ok=True)
        self.ports = self._ports(nb_rawx, base_port)
        self.conscience = Conscience(ns, state)
        self.accounts = Accounts(os.path.join(state, "account.sqlite3"))
        self.directory = Directory(os.path.join(state, "directory.sqlite3"))
        self.meta2 = Meta2(state, self.conscience, self.directory, self.accounts, self.gc, max_open=max_open)
        self.rawx = [Rawx(i, host, port, os.path.join(state, f"rawx-{i}"), ns, verbose)
                     for i, port in enumerate(self.ports["rawx"])]
        self.servers = []

    def _ports(self, nb_rawx, base_port):
        """Ports are chosen once and kept in the state: chunk URLs stored in meta2 name them."""
        path = os.path.join(self.state, "ports.json")
        ports = {}
        if os.path.exists(path):
            with open(path) as f:
                ports = json.load(f)
        if not ports:
            ports = {"proxy": base_port, "account": base_port + 1 if base_port else 0,
                     "admin": base_port + 2 if base_port else 0, "rawx": []}
        while len(ports["rawx"]) < nb_rawx:
            ports["rawx"].append(base_port + 3 + len(ports["rawx"]) if base_port else 0)
        return ports

    def _save_ports(self):
        path = os.path.join(self.state, "ports.json")
        with open(path + ".tmp", "w") as f:
            json.dump(self.ports, f)
        os.replace(path + ".tmp", path)

    def find_rawx(self, key):
        for rawx in self.rawx:
            if key in (rawx.addr, str(rawx.index), f"localhost:{rawx.port}"):
                return rawx
        return None

    def gc(self, url):
        """Delete the file of a chunk meta2 forgot (the event agent's job in a real namespace).

        B2 pseudo-URLs (b2/<CHUNKID>) name no rawx and are left alone: this server holds no B2 key.
        """
        parts = urlsplit(url)
        rawx = self.find_rawx(parts.netloc)
        if rawx is not None:
            rawx.remove(parts.path.strip("/"))

    def start(self):
        common = {"verbose": self.verbose}
        proxy = Server((self.host, self.ports["proxy"]), ProxyHandler, ns=self.ns, conscience=self.conscience,
                       meta2=self.meta2, directory=self.directory, rawx=self.rawx, **common)
        account = Server((self.host, self.ports["account"]), AccountHandler, accounts=self.accounts, **common)
        adm = Server((self.host, self.ports["admin"]), admin.AdminHandler, namespace=self, **common)
        self.ports.update(proxy=proxy.server_address[1], account=account.server_address[1],
                          admin=adm.server_address[1])
        for rawx in self.rawx:
            rawx.start()
        self.ports["rawx"] = [rawx.port for rawx in self.rawx]
        self._save_ports()
        self.meta2.meta2_addr = proxy.addr
        self.conscience.add_builtin("account", account.addr, {"tag.up": True, "tag.loc": "lab.account"})
        self.conscience.add_builtin("meta2", proxy.addr, {"tag.up": True, "tag.loc": "lab.meta2"})
        for rawx in self.rawx:
            self.conscience.add_builtin("rawx", rawx.addr, {"tag.loc": f"lab.rawx{rawx.index}",
                                                            "tag.vol": rawx.volume}, rawx=rawx)
        self.servers = [proxy.start(), account.start(), adm.start()]
        self.proxy, self.account, self.admin = self.servers
        self._write_endpoints()

    def _write_endpoints(self):
        conf = os.path.join(self.state, "sds.conf")
        with open(conf + ".tmp", "w") as f:
            f.write(f"[{self.ns}]\nproxy={self.proxy.addr}\naccount={self.account.addr}\n")
        os.replace(conf + ".tmp", conf)
        lines = self.describe_env(conf)
        path = os.path.join(self.state, "endpoints.env")
        with open(path + ".tmp", "w") as f:
            f.write("".join(f"{k}={v}\n" for k, v in lines.items()))
        os.replace(path + ".tmp", path)

    def describe_env(self, conf):
        return {
            "OIO_NS": self.ns,
            "OIO_PROXY_URL": f"http://{self.proxy.addr}",
            "OIO_ACCOUNT_URL": f"http://{self.account.addr}",
            "OIO_SDS_CONF": conf,
            "OIO_ADMIN_URL": f"http://{self.admin.addr}",
            "OIO_RAWX_COUNT": str(len(self.rawx)),
        }

    def describe(self):
        return {"ns": self.ns, "proxy": self.proxy.addr, "account": self.account.addr, "admin": self.admin.addr,
                "pid": os.getpid(), "rawx": [{"index": r.index, "addr": r.addr, "volume": r.volume,
                                              "running": r.running} for r in self.rawx]}

    def stop(self):
        for rawx in self.rawx:
            rawx.stop()
        for server in self.servers:
            server.stop()


def serve(args):
    if args.b2_env:
        follow_backblaze_settings(args.b2_env)
    elif args.b2_account_id and args.b2_bucket:
        add_backblaze_policy(args.b2_account_id, args.b2_bucket)
    namespace = Namespace(args.state, ns=args.ns, host=args.host, nb_rawx=args.rawx, base_port=args.base_port,
                          verbose=args.verbose, max_open=args.max_open_containers)
    namespace.start()
    print(f"oio-devserver: namespace {args.ns} up, proxy {namespace.proxy.addr}", flush=True)
    _wait_for_signal()
    namespace.stop()
    return 0


def _wait_for_signal():
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_args: done.set())
    done.wait()


def rawx_serve(args):
    rawx = Rawx(0, args.host, args.port, args.volume, args.ns, args.verbose)
    rawx.start()
    print(f"oio-devserver: rawx {rawx.addr} up, volume {args.volume}", flush=True)
    _wait_for_signal()
    rawx.stop()
    return 0


def admin_cli(args):
    url = args.admin_url or os.environ.get("OIO_ADMIN_URL")
    if not url:
        raise SystemExit("admin: give --admin-url or set OIO_ADMIN_URL")
    if args.action == "status":
        result = admin.call(url, "status")
    elif args.action == "start-all-rawx":
        result = admin.call(url, "rawx/start-all")
    elif args.action in ("stop-rawx", "start-rawx"):
        result = admin.call(url, "rawx/" + args.action.split("-")[0], service=args.target)
    else:
        result = admin.call(url, "chunk/" + args.action.split("-")[0], url=args.target)
    print(json.dumps(result, indent=2))
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="oio_devserver", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    srv = sub.add_parser("serve", help="run the namespace in the foreground")
    srv.add_argument("--state", required=True, help="state directory (databases, chunks, ports)")
    srv.add_argument("--ns", default="OPENIO")
    srv.add_argument("--host", default="127.0.0.1")
    srv.add_argument("--rawx", type=int, default=12, help="number of rawx services (default 12)")
    srv.add_argument("--base-port", type=int, default=0,
                     help="first port on the first start (then proxy, account, admin, rawx...); 0 = any free")
    srv.add_argument("--max-open-containers", type=int, default=256,
                     help="container databases kept open; idle ones beyond are closed (default 256)")
    srv.add_argument("--b2-account-id", default=os.environ.get("B2_ACCOUNT_ID"),
                     help="with --b2-bucket: offer the BACKBLAZE policy (default: $B2_ACCOUNT_ID)")
    srv.add_argument("--b2-bucket", default=os.environ.get("B2_BUCKET"), help="default: $B2_BUCKET")
    srv.add_argument("--b2-env", help="instead: offer BACKBLAZE while this settings file (B2_ACCOUNT_ID=…, "
                     "B2_BUCKET=… lines) exists, re-read when it changes")
    srv.add_argument("--verbose", action="store_true", help="log every request")
    adm = sub.add_parser("admin", help="fault controls of a running namespace")
    adm.add_argument("--admin-url", help="default: $OIO_ADMIN_URL")
    actions = ["status", "stop-rawx", "start-rawx", "start-all-rawx", "corrupt-chunk", "remove-chunk"]
    adm.add_argument("action", choices=actions)
    adm.add_argument("target", nargs="?", default="", help="rawx address or index / chunk URL")
    one = sub.add_parser("rawx", help="one rawx service as its own process")
    one.add_argument("--volume", required=True, help="chunk directory")
    one.add_argument("--port", type=int, default=0, help="0 = any free (the address is printed)")
    one.add_argument("--ns", default="OPENIO")
    one.add_argument("--host", default="127.0.0.1")
    one.add_argument("--verbose", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    return {"serve": serve, "rawx": rawx_serve}.get(args.command, admin_cli)(args)


if __name__ == "__main__":
    sys.exit(main())
