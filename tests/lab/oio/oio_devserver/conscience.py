# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""Namespace configuration, storage policies, service registry and load balancing."""

import json
import os
import random
import re
import threading

from .errors import OioError

EC_SEGMENT = 1048576

# name: (pool, data security name, data security definition, chunk method params)
POLICY_CATALOGUE = {
    "SINGLE": ("NONE", "NONE", "plain/nb_copy=1", ("plain", {"nb_copy": 1})),
    "TWOCOPIES": ("rawx2", "DUPONETWO", "plain/min_dist=1,nb_copy=2", ("plain", {"nb_copy": 2})),
    "THREECOPIES": ("rawx3", "DUPONETHREE", "plain/max_dist=2,min_dist=1,nb_copy=3", ("plain", {"nb_copy": 3})),
    "17COPIES": ("rawx17", "DUP17", "plain/min_dist=1,nb_copy=17", ("plain", {"nb_copy": 17})),
    "EC": ("NONE", "EC", "ec/k=6,m=3,algo=liberasurecode_rs_vand,min_dist=1",
           ("ec", {"algo": "liberasurecode_rs_vand", "k": 6, "m": 3})),
    "EC21": ("NONE", "EC21", "ec/k=2,m=1,algo=liberasurecode_rs_vand,min_dist=1",
             ("ec", {"algo": "liberasurecode_rs_vand", "k": 2, "m": 1})),
    # small segments: the range examples of upstream's documentation on real reads
    "EC256": ("NONE", "EC256", "ec/k=6,m=3,algo=liberasurecode_rs_vand,ec_segment_size=256,min_dist=1",
              ("ec", {"algo": "liberasurecode_rs_vand", "k": 6, "m": 3, "ec_segment_size": 256})),
    "EC512": ("NONE", "EC512", "ec/k=6,m=3,algo=liberasurecode_rs_vand,ec_segment_size=512,min_dist=1",
              ("ec", {"algo": "liberasurecode_rs_vand", "k": 6, "m": 3, "ec_segment_size": 512})),
    "ECISAL63D1": ("NONE", "ECISAL63D1", "ec/k=6,m=3,algo=isa_l_rs_vand,distance=1",
                   ("ec", {"algo": "isa_l_rs_vand", "k": 6, "m": 3})),
}


def add_backblaze_policy(account_id, bucket_name):
    """Offer the catalogue's BACKBLAZE policy, its data kept in this B2 account and bucket."""
    method = f"backblaze/account_id={account_id},bucket_name={bucket_name}"
    POLICY_CATALOGUE["BACKBLAZE"] = ("NONE", "BACKBLAZE", method + ",min_dist=0,nb_copy=1",
                                     ("backblaze", {"account_id": account_id, "bucket_name": bucket_name}))


_B2_SETTINGS = {"path": None, "stamp": None}
_B2_LOCK = threading.Lock()


def follow_backblaze_settings(path):
    """Offer BACKBLAZE while the settings file `path` (B2_ACCOUNT_ID=…, B2_BUCKET=… lines, as the b2 lab
    service writes them) exists: the policy appears and goes with that service, whenever it starts."""
    _B2_SETTINGS["path"] = path
    refresh_backblaze()


def refresh_backblaze():
    """Re-read the followed B2 settings file if it changed since the last look."""
    path = _B2_SETTINGS["path"]
    if path is None:
        return
    with _B2_LOCK:
        try:
            st = os.stat(path)
            stamp = (st.st_ino, st.st_mtime_ns, st.st_size)
        except OSError:
            stamp = None
        if stamp == _B2_SETTINGS["stamp"]:
            return
        _B2_SETTINGS["stamp"] = stamp
        values = {}
        try:
            with open(path) as f:
                for line in f:
                    key, _sep, value = line.strip().removeprefix("export ").partition("=")
                    values[key] = value
        except OSError:
            pass
        if values.get("B2_ACCOUNT_ID") and values.get("B2_BUCKET"):
            add_backblaze_policy(values["B2_ACCOUNT_ID"], values["B2_BUCKET"])
        else:
            POLICY_CATALOGUE.pop("BACKBLAZE", None)


DEFAULT_CONFIG = {
    "ns.chunk_size": "1048576",
    "ns.storage_policy": "THREECOPIES",
    "ns.service_update_policy": "meta2=KEEP|1|1|;rdir=KEEP|1|1|user_is_a_service=rawx",
    "meta2.max_versions": "1",
    "meta2.batch.maxlen": "1000",
    "proxy.bulk.max.create_many": "100",
    "proxy.bulk.max.delete_many": "100",
    "core.lb.generate_random_chunk_ids": "true",
    "meta2.delete_exceeding_versions": "false",
}


def _valid_value(default, value):
    """A value of the type of the variable whose default is `default` (integer, boolean or text)."""
    if re.match(r"^-?\d+$", default):
        return re.match(r"^-?\d+$", value) is not None
    if default in ("true", "false"):
        return value.lower() in ("true", "false", "yes", "no", "on", "off", "1", "0")
    return True


# The service types the namespace's conscience manages: conscience and lb routes refuse any other one.
SERVICE_TYPES = ("account", "beanstalkd", "echo", "meta0", "meta1", "meta2", "oioproxy", "rawx", "rdir", "redis",
                 "sqlx")

# "none", "plain" and "" (any case) name a built-in plain policy, NONE on the pool rawx, known without the
# namespace's configuration.
BUILTIN_NONE = ("rawx", "NONE", "plain/nb_copy=1", ("plain", {"nb_copy": 1}))


class Policy:
    """A storage policy and what it implies for placement and metachunk sizes."""

    def __init__(self, name):
        refresh_backblaze()
        if str(name).lower() in ("none", "plain", ""):
            name, entry = "NONE", BUILTIN_NONE
        elif name in POLICY_CATALOGUE:
            entry = POLICY_CATALOGUE[name]
        else:
            raise OioError(480, f"Invalid storage policy: {name}")
        self.name = name
        self.pool, self.security_name, self.security, (self.kind, self.params) = entry
        if self.kind == "ec":
            self.k, self.m = self.params["k"], self.params["m"]
            self.nb_chunks = self.k + self.m
            self.segment = self.params.get("ec_segment_size", EC_SEGMENT)
            self.chunk_method = f"ec/algo={self.params['algo']},k={self.k},m={self.m}"
            if self.segment != EC_SEGMENT:
                self.chunk_method += f",ec_segment_size={self.segment}"
        elif self.kind == "backblaze":
            self.k = self.m = 0
            self.nb_chunks = 1
            self.chunk_method = f"backblaze/account_id={self.params['account_id']},bucket_name={self.params['bucket_name']}"
        else:
            self.k = self.m = 0
            self.nb_chunks = self.params["nb_copy"]
            self.chunk_method = f"plain/nb_copy={self.nb_chunks}"

    @property
    def is_ec(self):
        return self.kind == "ec"

    @property
    def is_backblaze(self):
        """Data goes to B2, not to rawx: chunk URLs are the pseudo-URLs b2/<CHUNKID>."""
        return self.kind == "backblaze"

    def metachunk_size(self, chunk_size):
        if not self.is_ec:
            return chunk_size
        size = self.k * chunk_size
        if size > self.segment:
            size -= size % self.segment
        return size

    def positions(self, meta_pos):
        if self.is_ec:
            return [f"{meta_pos}.{i}" for i in range(self.nb_chunks)]
        return [str(meta_pos)] * self.nb_chunks


def parse_chunk_method(text):
    """'ec/algo=x,k=6,m=3' -> ('ec', {'algo': 'x', 'k': '6', 'm': '3'})."""
    kind, _sep, rest = (text or "").partition("/")
    params = {}
    for item in rest.split(","):
        item = item.strip()
        if item:
            key, sep, value = item.partition("=")
            params[key] = value if sep else "1"
    return kind, params


class Conscience:
    """Registry of the namespace's services plus its central configuration (persisted)."""

    def __init__(self, ns, state_dir):
        self.ns = ns
        self.lock = threading.Lock()
        self.config_path = os.path.join(state_dir, "config.json")
        self.config = dict(DEFAULT_CONFIG)
        if os.path.exists(self.config_path):
            with open(self.config_path) as f:
                self.config.update((k, v) for k, v in json.load(f).items() if k in DEFAULT_CONFIG)
        self.builtin = {}      # type -> [service dict]; rawx entries carry a "rawx" object
        self.registered = {}   # type -> {addr: service dict} registered through the API
        self.locks = {}        # (type, addr) -> locked score

    # configuration -------------------------------------------------------------------------
    def get(self, key, default=None):
        return self.config.get(key, default)

    def set_config(self, values):
        """Apply {key: text or None}: {key: applied}; only known variables with a value of their type apply."""
        with self.lock:
            applied = {}
            for key, value in values.items():
                applied[key] = value is not None and key in DEFAULT_CONFIG and _valid_value(DEFAULT_CONFIG[key], value)
                if applied[key]:
                    self.config[key] = value
            tmp = self.config_path + ".tmp"
            with open(tmp, "w") as f:
                json.dump({k: v for k, v in self.config.items() if DEFAULT_CONFIG.get(k) != v}, f)
            os.replace(tmp, self.config_path)
            return applied

    @property
    def chunk_size(self):
        return int(self.config["ns.chunk_size"])

    def policy(self, name=None):
        """The policy called name; None: the namespace's default."""
        return Policy(self.config["ns.storage_policy"] if name is None else name)

    def info(self):
        refresh_backblaze()
        return {
            "ns": self.ns,
            "chunksize": self.chunk_size,
            "options": {k.split(".", 1)[1]: v for k, v in self.config.items() if k.startswith("ns.")},
            "storage_policy": {name: f"{p[0]}:{p[1]}" for name, p in POLICY_CATALOGUE.items()},
            "data_security": {p[1]: p[2] for p in POLICY_CATALOGUE.values() if p[1] != "NONE"},
            "service_pools": {p[0]: f"{p[0][4:]},rawx" for p in POLICY_CATALOGUE.values() if p[0] != "NONE"},
        }

    # services ------------------------------------------------------------------------------
    def add_builtin(self, srvtype, addr, tags, rawx=None):
        self.builtin.setdefault(srvtype, []).append({"addr": addr, "tags": tags, "rawx": rawx})

    def _score(self, srvtype, entry):
        locked = self.locks.get((srvtype, entry["addr"]))
        if locked is not None:
            return locked
        rawx = entry.get("rawx")
        if rawx is not None and not rawx.running:
            return 0
        return entry.get("score", 100)

    def services(self, srvtype):
        """Current view of the services of one type: [{addr, score, tags}]."""
        with self.lock:
            entries = list(self.builtin.get(srvtype, [])) + list(self.registered.get(srvtype, {}).values())
            out = []
            for entry in entries:
                score = self._score(srvtype, entry)
                tags = dict(entry.get("tags") or {})
                tags["tag.up"] = score > 0 if entry.get("rawx") is not None else tags.get("tag.up", True)
                out.append({"addr": entry["addr"], "score": score, "tags": tags})
            return out

    @staticmethod
    def types():
        return list(SERVICE_TYPES)

    @staticmethod
    def pool_targets(pool):
        """(service type, number of targets) of a load-balancing pool, None if unknown: the pools the policies
        name (rawxN: N rawx) and one pool per service type (one service)."""
        if pool in SERVICE_TYPES:
            return pool, 1
        pools = {entry[0] for entry in POLICY_CATALOGUE.values()}
        if pool in pools and re.match(r"^rawx\d+$", pool):
            return "rawx", int(pool[4:])
        return None

    @staticmethod
    def check_type(srvtype):
        """A type the namespace manages, or 404 with status 453."""
        if srvtype not in SERVICE_TYPES:
            raise OioError(453, "Unexpected service type")
        return srvtype

    def service_key(self, srvtype, svc):
        """The load balancer's id of a service: NS|type|<service id or address>."""
        return f"{self.ns}|{srvtype}|{svc['tags'].get('tag.service_id') or svc['addr']}"

    def by_key(self, srvtype, key):
        """The service whose load-balancer id is key, else None."""
        return next((svc for svc in self.services(srvtype) if self.service_key(srvtype, svc) == key), None)

    def resolve(self, service_id):
        """The service registered with that tag.service_id (any type), else 503."""
        for srvtype in SERVICE_TYPES:
            for svc in self.services(srvtype):
                if svc["tags"].get("tag.service_id") == service_id:
                    return svc
        raise OioError(503, f"Conscience error: Service ID [{service_id}] not found")

    def register(self, items):
        with self.lock:
            for item in items:
                item = dict(item, tags=dict(item.get("tags") or {}))
                item.setdefault("score", 100)
                self.registered.setdefault(item["type"], {})[item["addr"]] = item

    def deregister(self, items):
        with self.lock:
            for item in items:
                self.registered.get(item.get("type"), {}).pop(item["addr"], None)

    def flush(self, srvtype):
        with self.lock:
            self.registered.pop(srvtype, None)

    def lock_scores(self, items, lock=True):
        """Lock each service's score at the given one, clamped to 0-100 (unlock: release it)."""
        with self.lock:
            for item in items:
                key = (item["type"], item["addr"])
                if lock:
                    self.locks[key] = min(max(int(item.get("score") or 0), 0), 100)
                else:
                    self.locks.pop(key, None)

    def choose(self, srvtype, size=1, avoid=()):
        """Pick `size` distinct services with a positive score, randomly, or raise 481."""
        candidates = [s for s in self.services(srvtype) if s["score"] > 0 and s["addr"] not in avoid]
        if len(candidates) < size:
            raise OioError(481, f"Not enough {srvtype} services: need {size}, have {len(candidates)}")
        return random.sample(candidates, size)
