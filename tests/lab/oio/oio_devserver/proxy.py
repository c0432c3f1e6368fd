# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
"""oio-proxy personality: /v3.0/{NS}/{conscience,lb,reference,container,content,admin}/… (docs/oio-devserver.md, "Protocol notes")."""

import hashlib
import json
import math
import re
import secrets
import time
from urllib.parse import quote, urlsplit

from . import objects
from .conscience import Policy
from .errors import OioError, bad_request
from .httpbase import Handler
from .meta2 import CHUNK_HINT, DEFAULT_MIME, check_hash, new_content_id, now_us
from .rawx import container_id

TRUE = {"yes", "true", "on", "enable", "enabled", "1", "yeah"}
FALSE = {"no", "false", "off", "disable", "disabled", "0", "nope"}
CONTENT_META = "x-oio-content-meta-"
META_KEYS = {"chunk-method", "ctime", "mtime", "deleted", "hash", "hash-method", "id", "length", "mime-type",
             "name", "policy", "size", "version"}
HEADER_UNSAFE = re.compile(r"[^A-Za-z0-9!#$%&'*+.^_`|~-]")
NON_ALNUM = re.compile(r"[^A-Za-z0-9]")
SPECIAL_CONTAINER_HEADERS = {"sys.container_name": "name", "sys.container_size": "size", "sys.m2vers": "seq",
                             "sys.namespace": "ns"}
STATUS_VALUES = {"freeze": "4294967295", "disable": "4294967294", "enable": "0"}
JSON_TYPES = {"string": (str,), "int": (int,), "boolean": (bool,), "array": (list,), "object": (dict,)}
INTEGER = re.compile(r"^\s*[+-]?\d+$")
HEX_ANY = re.compile(r"^(?:[0-9A-Fa-f]{2})*$")


def parse_bool(value, default=False):
    if value is None:
        return default
    text = str(value).strip().lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    return default


def container_headers(admin):
    headers = {}
    for key, value in admin.items():
        if key in SPECIAL_CONTAINER_HEADERS:
            name = "x-oio-container-meta-" + SPECIAL_CONTAINER_HEADERS[key]
        elif key.startswith("user."):
            name = "x-oio-container-meta-user-" + HEADER_UNSAFE.sub("-", key[5:])
        elif key.startswith("sys."):
            name = "x-oio-container-meta-sys-" + NON_ALNUM.sub("-", key[4:])
        else:
            name = "x-oio-container-meta-x-" + NON_ALNUM.sub("-", key)
        headers[name] = quote(str(value), safe="")
    return headers


def split_admin(admin):
    """(user properties without prefix, every other key)."""
    user = {k[5:]: v for k, v in admin.items() if k.startswith("user.")}
    system = {k: v for k, v in admin.items() if not k.startswith("user.")}
    return user, system


def extract_json(obj, fields):
    """Typed fields of a JSON object, as the proxy's JSON mapping checks them: {name: value or None}.

    fields: [(name, type name, mandatory)]; a null value counts as absent; booleans are not integers.
    """
    if not isinstance(obj, dict):
        raise bad_request("Not an object")
    out = {}
    for name, kind, mandatory in fields:
        value = obj.get(name)
        if value is None:
            if mandatory:
                raise bad_request(f"Missing field [{name}]")
            out[name] = None
            continue
        if not isinstance(value, JSON_TYPES[kind]) or (kind == "int" and isinstance(value, bool)):
            raise bad_request(f"Invalid type for field [{name}]")
        out[name] = value
    return out


def json_string(value):
    """The text json-c gives for a scalar (json_object_get_string)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value if isinstance(value, str) else json.dumps(value)


def check_chunk_hash(text):
    """A chunk or content hash: hex of MD5, SHA1, SHA256 or SHA512 length."""
    if not HEX_ANY.match(text):
        raise bad_request(f"JSON: invalid hash: not hexa: '{text}'")
    if len(text) not in (32, 40, 64, 128):
        raise bad_request("JSON: invalid hash: invalid length")


def simplified_chunks(items):
    """The chunks of a spare request (url, pos, size, hash), checked from the last to the first."""
    if not isinstance(items, list):
        raise bad_request("JSON: Not an array")
    for item in reversed(items):
        chunk = extract_json(item, [("url", "string", True), ("pos", "string", True), ("size", "int", True),
                                    ("hash", "string", True)])
        check_chunk_hash(chunk["hash"])
    return items


BEAN_FIELDS = {
    "alias": [("name", "string", True), ("version", "int", True), ("ctime", "int", False), ("mtime", "int", False),
              ("deleted", "boolean", False), ("header", "string", True)],
    "header": [("id", "string", True), ("hash", "string", False), ("size", "int", False), ("ctime", "int", False),
               ("mtime", "int", False), ("policy", "string", False), ("chunk-method", "string", True),
               ("mime-type", "string", True)],
    "chunk": [("id", "string", True), ("hash", "string", True), ("size", "int", True), ("ctime", "int", False),
              ("content", "string", True), ("pos", "string", True)],
}


def typed_beans(body):
    """An array of typed beans (raw_insert, raw_delete, raw_update), checked as meta2's JSON loader does."""
    if not isinstance(body, list):
        raise bad_request("Invalid JSON, exepecting array of beans")
    for bean in body:
        if not isinstance(bean, dict):
            raise bad_request("Invalid object type")
        if "type" not in bean:
            raise bad_request("Missing 'type' field")
        if not isinstance(bean["type"], str):
            raise bad_request("Invalid 'type' field")
        kind = bean["type"].lower()
        if kind not in BEAN_FIELDS:
            raise bad_request("Unexpected 'type' field")
        fields = extract_json(bean, BEAN_FIELDS[kind])
        if kind == "alias" and not HEX_ANY.match(fields["header"]):
            raise bad_request("Invalid alias, not hexadecimal header_id")
        if kind == "header":
            if not HEX_ANY.match(fields["id"]):
                raise bad_request("Invalid header, not hexa id")
            if fields["hash"] is not None and not (HEX_ANY.match(fields["hash"]) and len(fields["hash"]) == 32):
                raise bad_request("Invalid header, not hexa16 hash")
        if kind == "chunk":
            if not HEX_ANY.match(fields["content"]):
                raise bad_request("Invalid header, not hexa id")
            if not HEX_ANY.match(fields["hash"]):
                raise bad_request("Invalid chunk, not hexa header id")
        bean["type"] = kind
    return body


def m1url(srvtype, host):
    return {"seq": 1, "type": srvtype, "host": host, "args": ""}


def m1_hosts(m1):
    """Hosts of an m1url ({"host": "a,b", …}); [] for None."""
    return [h for h in str((m1 or {}).get("host", "")).split(",") if h]


def match_any_address(addr):
    """An address a service cannot be reached at: port 0 or the any-address."""
    host, _sep, port = addr.rpartition(":")
    return int(port) == 0 or host in ("0.0.0.0", "[::]")


def not_utf8(value):
    """True if a query value held bytes that are not UTF-8 (decoded with surrogateescape)."""
    return value is not None and any("\udc80" <= ch <= "\udcff" for ch in value)


class ProxyHandler(Handler):
    """Routes of the proxy. Handlers raise OioError; replies are JSON."""

    query_errors = "surrogateescape"

    def send_error_reply(self, code, message):
        self.send_json(code, {"status": code, "message": message})

    def reply_error(self, exc):
        headers = {"Retry-After": "1"} if exc.http == 503 else None
        self.send_json(exc.http, {"status": exc.status, "message": exc.message}, headers)

    # request helpers ------------------------------------------------------------------------
    @property
    def ns(self):
        return self.server.ns

    def flag(self, name, presence=False):
        if name in self.query:
            return True if presence else parse_bool(self.query[name], default=True)
        modes = [m.strip().lower() for m in (self.headers.get("x-oio-action-mode") or "").split(",")]
        return name in modes

    def json_body(self, default=None):
        raw = self.body.read_all()
        if not raw.strip():
            return default
        try:
            return json.loads(raw)
        except ValueError:
            raise bad_request("Invalid JSON") from None

    def int_param(self, name, default=None):
        value = self.query.get(name)
        if value in (None, ""):
            return default
        try:
            return int(value)
        except ValueError:
            raise bad_request(f"Invalid {name}: {value}") from None

    def cid(self):
        acct, ref, cid = self.query.get("acct"), self.query.get("ref"), self.query.get("cid")
        if acct and ref:
            return container_id(acct, ref)
        if cid:
            cid = cid.split(".", 1)[0].upper()
            if len(cid) == 64 and re.match(r"^[0-9A-F]+$", cid):
                return cid
            raise bad_request(f"Invalid cid: {cid}")
        raise bad_request("Missing acct/ref or cid")

    def container(self):
        return self.server.meta2.get(self.cid())

    def required_param(self, name):
        value = self.query.get(name)
        if not value:
            raise bad_request(f"Missing {name}")
        return value

    def path_param(self):
        return self.required_param("path")

    def version_param(self):
        return self.int_param("version")

    def versioning(self):
        """{"forced": n, "simulate": bool} from x-oio-force-versioning (stored in the container by meta2,
        in the same transaction) and x-oio-simulate-versioning (this request only, as if unlimited)."""
        forced = self.headers.get("x-oio-force-versioning")
        if forced not in (None, ""):
            try:
                forced = int(forced)
            except ValueError:
                raise bad_request(f"Invalid x-oio-force-versioning: {forced}") from None
        else:
            forced = None
        return {"forced": forced, "simulate": parse_bool(self.headers.get("x-oio-simulate-versioning"))}

    def bulk_limit(self, key):
        try:
            return int(self.server.conscience.get(f"proxy.bulk.max.{key}", "100"))
        except ValueError:
            return 100

    # dispatch -------------------------------------------------------------------------------
    def route(self):
        try:
            self._route()
        except OioError as exc:
            self.reply_error(exc)

    def _route(self):
        parts = self.url_path.split("/")
        # ['', 'v3.0', NS, service, action] or ['', 'v3.0', 'config'|'status']
        if len(parts) < 3 or parts[1] != "v3.0":
            raise OioError(404, "No handler found")
        if len(parts) == 3 and parts[2] in ("config", "status"):
            key = (parts[2], self.command)
        elif len(parts) >= 4 and parts[2] == "cache":
            key = ("/".join(parts[2:]), self.command)
        elif len(parts) == 5:
            if parts[2] != self.ns:
                raise OioError(418, f"Namespace not managed: {parts[2]}")
            key = (f"{parts[3]}/{parts[4]}", self.command)
        else:
            raise OioError(404, "No handler found")
        handler = self.ROUTES.get(key)
        if handler is None:  # like oio-proxy, a route is a method and a path
            raise OioError(404, "No handler found")
        # Strict UTF-8 (core.sds.strict_utf8, on by default): checked on every request's URL.
        for param, field in (("ref", "user"), ("path", "path")):
            if not_utf8(self.query.get(param)):
                raise bad_request(f"Invalid parameter '{field}', not UTF-8")
        handler(self)

    # config / status -------------------------------------------------------------------------
    def r_config_get(self):
        self.send_json(200, dict(self.server.conscience.config))

    def r_config_set(self):
        body = self.json_body()
        if not isinstance(body, dict):
            raise bad_request("Object argument expected")
        if not body:
            raise bad_request("Empty object argument")
        self.send_json(200, self.server.conscience.set_config(
            {key: None if value is None else json_string(value) for key, value in body.items()}))

    def r_status(self):
        """The proxy's gauges, as Java properties (this proxy keeps no directory cache: zeros)."""
        gauges = ["cache.dir.count", "cache.dir.max", "cache.dir.ttl", "cache.srv.count", "cache.srv.max",
                  "cache.srv.ttl", "down.srv"]
        known = sum(len(self.server.conscience.services(t)) for t in self.server.conscience.types())
        lines = [f"gauge {name} = 0" for name in gauges] + [f"gauge known.srv = {known}"]
        self.send_text(200, "\n".join(lines) + "\n", content_type="text/x-java-properties")

    def r_cache_status(self):
        """Directory cache statistics: this proxy keeps none."""
        self.send_json(200, {"csm0": {"count": 0, "max": 0, "ttl": 0}, "meta1": {"count": 0, "max": 0, "ttl": 0}})

    def r_cache_flush(self):
        self.send_text(204)

    def r_cache_show(self):
        """The load balancer's services: [{addr, id}]."""
        conscience = self.server.conscience
        self.send_json(200, [{"addr": svc["addr"], "id": conscience.service_key(srvtype, svc)}
                             for srvtype in conscience.types() for svc in conscience.services(srvtype)])

    # conscience / lb ------------------------------------------------------------------------
    def srvtype(self):
        """The type query parameter: 400 when missing, 404/453 when the namespace does not manage it."""
        return self.server.conscience.check_type(self.required_param("type"))

    def r_cs_list(self):
        srvtype = self.srvtype()
        services = self.server.conscience.services(srvtype)
        if self.flag("full"):
            for svc in services:
                svc.update(ns=self.ns, type=srvtype)
        self.send_json(200, services)

    def r_cs_info(self):
        if "type" in self.query:
            self.server.conscience.check_type(self.query["type"])
        if self.query.get("what") == "types":
            return self.send_json(200, self.server.conscience.types())
        self.send_json(200, self.server.conscience.info())

    def r_cs_resolve(self):
        self.required_param("type")
        if not self.query.get("service_id"):
            raise bad_request("Missing service id")
        self.srvtype()
        self.send_json(200, {"addr": self.server.conscience.resolve(self.query["service_id"])["addr"]})

    def r_cs_score(self):
        if not self.query.get("type") or not self.query.get("service_id"):
            raise bad_request("Missing type and/or service_id")
        srvtype = self.srvtype()
        svc = self.server.conscience.by_key(srvtype, f"{self.ns}|{srvtype}|{self.query['service_id']}")
        if svc is None:
            raise OioError(404, "No such item")
        self.send_json(200, {"addr": svc["addr"], "score": svc["score"]})

    def _service_items(self, registration=True):
        """The body's service descriptions (one object or an array), checked as the proxy loads them; a
        registration also needs a usable address and a managed type."""
        body = self.json_body()
        if not isinstance(body, (dict, list)):
            raise bad_request("Expected: json object")
        items = [extract_json(item, [("ns", "string", False), ("type", "string", False), ("addr", "string", True),
                                     ("score", "int", False), ("scores", "object", False),
                                     ("tags", "object", False)])
                 for item in (body if isinstance(body, list) else [body])]
        for item in items:
            match = re.match(r"^(\d{1,3}(?:\.\d{1,3}){3}|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$", item["addr"])
            if not match or int(match.group(2)) > 65535:
                raise bad_request("Invalid address")
        if registration:
            for item in items:
                if match_any_address(item["addr"]):
                    raise bad_request("Invalid service address")
                if not item["type"]:
                    raise bad_request("Service type not specified")
                self.server.conscience.check_type(item["type"])
        return items

    def r_cs_register(self):
        self.server.conscience.register(self._service_items())
        self.send_text(204)

    def r_cs_deregister(self):
        self.server.conscience.deregister(self._service_items(registration=False))
        self.send_text(204)

    def r_cs_flush(self):
        self.server.conscience.flush(self.srvtype())
        self.send_text(204)

    def r_cs_lock(self):
        self.server.conscience.lock_scores(self._service_items(), lock=True)
        self.send_text(204)

    def r_cs_unlock(self):
        self.server.conscience.lock_scores(self._service_items(), lock=False)
        self.send_text(204)

    def _lb_reply(self, srvtype, chosen):
        """[{addr, id}]: id is the load balancer's key, addr its last part (the service id when there is one)."""
        keys = [self.server.conscience.service_key(srvtype, s) for s in chosen]
        self.send_json(200, [{"addr": key.split("|", 2)[2], "id": key} for key in keys])

    def r_lb_choose(self):
        try:
            srvtype = self.srvtype()
        except OioError as exc:
            raise OioError(exc.status, exc.message, http=404) from None
        size = self.query.get("size")
        if size is not None and not re.match(r"^[+-]?\d+$", size):
            raise bad_request("Invalid size")
        try:
            chosen = self.server.conscience.choose(srvtype, max(int(size or 1), 1))
        except OioError as exc:
            raise OioError(exc.status, "found only 0 services matching the criteria: " + exc.message) from None
        self._lb_reply(srvtype, chosen)

    def r_lb_poll(self):
        """Services for the targets of a pool (or of a policy's pool) not already known, away from the avoided."""
        pool, policy = self.query.get("pool"), self.query.get("policy")
        if pool is None and policy is None:
            raise OioError(400, "Missing policy or pool parameter", http=404)
        body = self.json_body()
        if body is not None and not isinstance(body, dict):
            raise bad_request("Expected: json object")
        fields = extract_json(body or {}, [(key, "array", False) for key in
                                           ("avoid", "avoid_locations", "known", "known_locations")])
        conscience = self.server.conscience
        if pool is None:
            try:
                targets = ("rawx", conscience.policy(policy).nb_chunks)
            except OioError:
                raise OioError(481, f"Invalid storage policy: {policy}") from None
        else:
            targets = conscience.pool_targets(pool)
        # Ids the load balancer does not know are ignored, as locations are (the dev LB has none).
        known = [svc["addr"] for svc in (conscience.by_key("rawx", str(i)) for i in fields["known"] or []) if svc]
        avoid = set(known) | {svc["addr"] for svc in (conscience.by_key("rawx", str(i))
                                                      for i in fields["avoid"] or []) if svc}
        try:
            if targets is None:
                raise bad_request(f"pool [{pool}] not found")
            srvtype, count = targets
            chosen = conscience.choose(srvtype, max(count - len(known), 0), avoid=avoid)
        except OioError as exc:
            raise OioError(exc.status, "found only 0 services matching the criteria: " + exc.message) from None
        self._lb_reply(srvtype, chosen)

    def r_lb_reload(self):
        self.send_text(204)

    # reference ------------------------------------------------------------------------------
    def reference(self):
        return self.server.directory.require(self.cid())

    def reference_or_autocreate(self):
        """The reference of the request, created first when it does not exist and the autocreate flag is set."""
        try:
            return self.reference()
        except OioError:
            if not self.flag("autocreate"):
                raise
            self.server.directory.create(*self.names_from_query())
            return self.reference()

    def r_ref_create(self):
        acct, ref = self.names_from_query()
        body = self.json_body({}) or {}
        created = self.server.directory.create(acct, ref, (body or {}).get("properties") or {})
        self.send_text(201 if created else 202)

    def _ref_services(self, ref, srvtype=None):
        return [m1url(t, host) for t, hosts in sorted(ref["services"].items()) for host in hosts
                if srvtype in (None, t)]

    def r_ref_show(self):
        ref = self.reference()
        self.send_json(200, {"dir": [m1url("meta1", self.server.addr)],
                             "srv": self._ref_services(ref, self.query.get("type")),
                             "cid": ref["cid"], "account": ref["account"], "name": ref["name"]})

    def r_ref_destroy(self):
        cid = self.cid()
        ref = self.server.directory.require(cid)
        force = self.flag("force")
        if self.server.meta2.exists(cid) and not force:
            raise OioError(407, "Reference still linked to meta2", http=403)
        ref["services"] = {} if force else ref["services"]
        self.server.directory.destroy(cid, force=force)
        self.send_text(204)

    def _keys_body(self):
        """A JSON array of strings, or null for none."""
        body = self.json_body()
        if body is None:
            return []
        if not isinstance(body, list):
            raise bad_request("Invalid/Unexpected JSON")
        for index, key in enumerate(reversed(body)):
            if not isinstance(key, str):
                raise bad_request(f"Invalid string at [{index + 1}]")
        return body

    def ref_srvtype(self):
        """The service type of a reference route."""
        if not self.query.get("type"):
            raise bad_request("No service type provided")
        return self.query["type"]

    def r_ref_get_properties(self):
        ref = self.reference()
        keys = self._keys_body()
        props = {k: v for k, v in ref["properties"].items() if not keys or k in keys}
        self.send_json(200, {"cid": ref["cid"], "properties": props})

    def r_ref_set_properties(self):
        ref = self.reference()
        body = self.json_body()
        if not isinstance(body, dict) or not isinstance(body.get("properties"), dict):
            raise bad_request("Missing properties")
        if self.flag("flush", presence=True):
            ref["properties"] = {}
        ref["properties"].update({str(k): str(v) for k, v in body["properties"].items()})
        self.server.directory.save(ref)
        self.send_text(204)

    def r_ref_del_properties(self):
        ref = self.reference()
        keys = self._keys_body()
        ref["properties"] = {k: v for k, v in ref["properties"].items() if keys and k not in keys}
        self.server.directory.save(ref)
        self.send_text(204)

    def _link(self, ref, srvtype, renew=False):
        try:
            if srvtype == "meta2":
                hosts = [self.server.addr]
            else:
                hosts = [s["addr"] for s in self.server.conscience.choose(srvtype, 1)]
        except OioError as exc:
            raise OioError(exc.status, exc.message, http=403) from None
        if renew or not ref["services"].get(srvtype):
            ref["services"][srvtype] = hosts
        return ref

    def r_ref_link(self):
        srvtype = self.ref_srvtype()
        ref = self._link(self.reference_or_autocreate(), srvtype)
        if not self.flag("dryrun"):
            self.server.directory.save(ref)
        self.send_json(200, self._ref_services(ref, srvtype))

    def names_from_query(self):
        acct, ref = self.query.get("acct"), self.query.get("ref")
        if not acct or not ref:
            raise bad_request("Missing acct/ref")
        return acct, ref

    def r_ref_renew(self):
        srvtype = self.ref_srvtype()
        ref = self._link(self.reference(), srvtype, renew=True)
        self.server.directory.save(ref)
        self.send_json(200, self._ref_services(ref, srvtype))

    def r_ref_relink(self):
        """Replace the `replaced` service of a reference by another one, keeping `kept`."""
        srvtype = self.ref_srvtype()
        ref = self.reference()
        body = extract_json(self.json_body(), [("kept", "object", False), ("replaced", "object", False)])
        if body["kept"] is None and body["replaced"] is None:
            raise bad_request("Missing [kept] and [replaced]")
        kept, replaced = m1_hosts(body.get("kept")), m1_hosts(body.get("replaced"))
        current = [h for h in ref["services"].get(srvtype, []) if h not in replaced]
        if replaced and srvtype != "meta2":
            try:
                chosen = self.server.conscience.choose(srvtype, len(replaced), avoid=set(kept + replaced + current))
            except OioError as exc:
                raise OioError(exc.status, exc.message, http=403) from None
            current += [s["addr"] for s in chosen]
        ref["services"][srvtype] = current or kept
        self.server.directory.save(ref)
        self.send_json(200, self._ref_services(ref, srvtype))

    def r_ref_unlink(self):
        srvtype = self.ref_srvtype()
        ref = self.reference()
        ref["services"].pop(srvtype, None)
        self.server.directory.save(ref)
        self.send_text(204)

    def r_ref_force(self):
        srvtype = self.ref_srvtype()
        ref = self.reference_or_autocreate()
        body = self.json_body()
        if not isinstance(body, dict) or not body.get("host"):
            raise bad_request("m1url expected")
        if ref["services"].get(srvtype) and not self.flag("replace"):
            raise OioError(455, "Service already linked", http=403)
        ref["services"][srvtype] = m1_hosts(body)
        self.server.directory.save(ref)
        self.send_text(204)

    # container ------------------------------------------------------------------------------
    def _create_container(self, acct, name, body):
        if body is None:
            body = {}
        if not isinstance(body, dict):
            raise bad_request("JSON object expected")
        props, system = body.get("properties") or {}, body.get("system") or {}
        if not isinstance(props, dict) or not isinstance(system, dict):
            raise bad_request("properties and system must be objects")
        return self.server.meta2.create(acct, name, props, system)

    def r_ct_create(self):
        acct, name = self.names_from_query()
        created = self._create_container(acct, name, self.json_body({}))
        self.send_text(201 if created else 204)

    @staticmethod
    def _bulk_items(body, key, name_error, too_large):
        """The items of create_many / delete_many, all checked before any is acted upon."""
        items = body.get(key) if isinstance(body, dict) else None
        if not isinstance(items, list):
            raise bad_request(f"Invalid array of {key}")
        if key == "contents" and not items:
            raise bad_request("At least one element is needed")
        if too_large:
            raise OioError(413, too_large)
        for item in items:
            if not isinstance(item, dict):
                raise bad_request("Invalid content description")
            if not isinstance(item.get("name"), str):
                raise bad_request(name_error)
        return items

    def r_ct_create_many(self):
        body = self.json_body()
        acct = self.query.get("acct")
        if not acct:
            raise bad_request("Missing account or namespace")
        limit = self.bulk_limit("create_many")
        items = body.get("containers") if isinstance(body, dict) else None
        too_large = f"More than {limit} requested" if isinstance(items, list) and len(items) > limit else None
        items = self._bulk_items(body, "containers", "Invalid payload", too_large)
        results = []
        for index, item in enumerate(items):
            props, system = item.get("properties") or {}, item.get("system") or {}
            if not isinstance(props, dict) or not isinstance(system, dict):
                raise bad_request(f"Malformed properties at {index}: (400) properties and system must be objects")
            try:
                created = self.server.meta2.create(acct, item["name"], props, system)
                status, message = (201, "ok") if created else (433, "Container already exists")
            except OioError as exc:
                status, message = exc.status, exc.message
            results.append({"name": item["name"], "status": status, "message": message})
        self.send_json(200, {"containers": results})

    def r_ct_destroy(self):
        self.server.meta2.destroy(self.cid(), force=self.flag("force"))
        self.send_text(204)

    def r_ct_show(self):
        container = self.container()
        with container.lock:
            admin = container.admin()
        user, system = split_admin(admin)
        # the headers carry the keys outside the user. domain only (container/list sends them all)
        self.send_json(200, {"properties": user}, headers=container_headers(system))

    def r_ct_get_properties(self):
        container = self.container()
        self._keys_body()
        with container.lock:
            admin = container.admin()
        user, system = split_admin(admin)
        self.send_json(200, {"properties": user, "system": system})

    def r_ct_set_properties(self):
        body = self.json_body()
        container = self.container()
        if not isinstance(body, dict):
            raise bad_request("JSON object expected")
        props, system = body.get("properties") or {}, body.get("system") or {}
        if not isinstance(props, dict) or not isinstance(system, dict):
            raise bad_request("properties and system must be objects")
        flush = self.flag("flush", presence=True)
        if not props and not system and not flush:
            raise bad_request("No property to set")
        if system.get("sys.m2.policy.storage"):
            Policy(system["sys.m2.policy.storage"])
        with container.transaction() as c:
            if flush:
                c.db.execute("DELETE FROM admin WHERE k LIKE 'user.%'")
            items = [("user." + str(k), v) for k, v in props.items()] + [(str(k), v) for k, v in system.items()]
            for full, value in items:
                if value is None:
                    c.db.execute("DELETE FROM admin WHERE k=?", (full,))
                else:
                    c.admin_set(full, value)
            c.changed = True
        self.send_json(200, {})

    def r_ct_del_properties(self):
        keys = self._keys_body()
        container = self.container()
        with container.transaction() as c:
            if keys:
                for key in keys:
                    c.db.execute("DELETE FROM admin WHERE k=?", ("user." + key,))
            else:
                c.db.execute("DELETE FROM admin WHERE k LIKE 'user.%'")
        self.send_json(200, {})

    def r_ct_touch(self):
        try:
            container = self.container()
        except OioError as exc:
            raise OioError(exc.status, exc.message, http=403) from None
        damaged, missing = self.int_param("damaged_objects"), self.int_param("missing_chunks")
        with container.transaction() as c:
            if parse_bool(self.query.get("recompute")):
                if damaged is not None:
                    c.admin_set("sys.m2.objects.damaged", damaged)
                if missing is not None:
                    c.admin_set("sys.m2.chunks.missing", missing)
            c.recount()
        self.send_text(204)

    def r_ct_flush(self):
        truncated = objects.flush(self.container())
        self.send_text(204, headers={"x-oio-truncated": "true" if truncated else "false"})

    def r_ct_purge(self):
        maxvers = self.maxvers()
        objects.purge(self.container(), None, maxvers)
        self.send_text(204)

    def r_ct_dedup(self):
        self.container()
        self.send_text(204)

    def r_ct_snapshot(self):
        body = extract_json(self.json_body(), [("account", "string", True), ("container", "string", True),
                                               ("seq_num", "int", False)])
        cid = self.cid()
        if not body["account"] or not body["container"]:
            raise bad_request("Missing destination account name or container name")
        self.server.meta2.snapshot(cid, body["account"], body["container"])
        self.send_text(204)

    def _beans(self):
        """The typed beans of the body, checked before the container is looked up."""
        beans = typed_beans(self.json_body())
        if not beans:
            raise bad_request("Empty beans list")
        return beans

    def r_ct_raw_insert(self):
        beans = self._beans()
        objects.raw_apply(self.container(), insert=beans, frozen=self.flag("frozen", presence=True))
        self.send_text(204)

    def r_ct_raw_delete(self):
        beans = self._beans()
        objects.raw_apply(self.container(), delete=beans)
        self.send_text(204)

    def r_ct_raw_update(self):
        body = self.json_body()
        if not isinstance(body, dict):
            raise bad_request("JSON object expected")
        for key in ("old", "new"):
            if key not in body:
                raise bad_request(f"No '{key}' set of beans")
        old, new = typed_beans(body["old"]), typed_beans(body["new"])
        if not old:
            raise bad_request("No bean to update")
        if len(old) != len(new):
            raise bad_request("Length mismatch for bean sets")
        objects.raw_apply(self.container(), insert=new, delete=old, frozen=self.flag("frozen", presence=True))
        self.send_text(204)

    def _set_status(self, action):
        container = self.container()
        with container.transaction() as c:
            c.admin_set("sys.status", STATUS_VALUES[action])
        self.send_json(200, {})

    def r_admin_freeze(self):
        self._set_status("freeze")

    def r_admin_enable(self):
        self._set_status("enable")

    def r_admin_disable(self):
        self._set_status("disable")

    def r_ct_list(self):
        q = self.query
        if q.get("max") is not None and not INTEGER.match(q["max"]):
            raise bad_request("Invalid max number of items")
        max_items = int(q.get("max") or 0)
        max_items = 1000 if max_items <= 0 else min(max_items, 10000)
        container = self.container()
        listed, prefixes, truncated, next_marker = objects.listing(
            container, max_items=max_items, marker=q.get("marker", ""),
            end_marker=q.get("end_marker") or q.get("marker_end") or "", prefix=q.get("prefix", ""),
            delimiter=(q.get("delimiter") or "")[:1], all_versions="all" in q, deleted="deleted" in q,
            properties=parse_bool(q.get("properties")))
        with container.lock:
            admin = container.admin()
        user, system = split_admin(admin)
        headers = container_headers(admin)
        headers["x-oio-list-truncated"] = "true" if truncated else "false"
        if next_marker is not None:
            headers["x-oio-list-marker"] = quote(next_marker, safe="")
        self.send_json(200, {"prefixes": prefixes, "properties": user, "system": system, "objects": listed},
                       headers=headers)

    # content --------------------------------------------------------------------------------
    def content_headers(self, meta, props=None):
        headers = {CONTENT_META + k: (quote(v, safe="") if k == "name" else v) for k, v in meta.items()}
        for key, value in (props or {}).items():
            headers[CONTENT_META + HEADER_UNSAFE.sub("-", key)] = quote(str(value), safe="")
        return headers

    def stgpol(self, name):
        """A storage policy named by a request; an unknown one is 480 "Unexpected storage policy"."""
        try:
            return self.server.conscience.policy(name)
        except OioError as exc:
            raise OioError(exc.status, "Unexpected storage policy") from None

    def _prepare(self):
        body = self.json_body()
        body = body if isinstance(body, dict) else {}
        if body.get("size") is None:
            raise bad_request("Missing size estimation")
        size, position = json_string(body["size"]), json_string(body.get("position", "0"))
        if not INTEGER.match(size):
            raise bad_request("Invalid size format")
        if not INTEGER.match(position):
            raise bad_request("Invalid position format (integer expected)")
        size, position = int(size), int(position)
        path = self.path_param()
        cid = self.cid()
        policy = self.stgpol(None if body.get("policy") is None else json_string(body["policy"]))
        version = self.version_param() or 0
        version = version if version > 0 else now_us()
        content_id = (self.query.get("content") or new_content_id()).upper()
        chunk_size = self.server.conscience.chunk_size
        metachunk = policy.metachunk_size(chunk_size)
        random_ids = parse_bool(self.server.conscience.get("core.lb.generate_random_chunk_ids"), True) \
            or body.get("append") is True
        chunks = []
        for meta_pos in range(position, position + max(1, math.ceil(max(size, 1) / metachunk))):
            if policy.is_backblaze:
                services = [{"addr": None, "score": 100}]
            else:
                services = self.server.conscience.choose("rawx", policy.nb_chunks)
            for svc, pos in zip(services, policy.positions(meta_pos)):
                if random_ids:
                    chunk_id = secrets.token_hex(32).upper()
                else:
                    chunk_id = hashlib.sha256(f"{cid}{path}{version}{pos}{policy.name}".encode()).hexdigest().upper()
                url = f"b2/{chunk_id}" if svc["addr"] is None else f"http://{svc['addr']}/{chunk_id}"
                chunks.append({"url": url, "real_url": url, "pos": pos, "size": chunk_size,
                               "hash": "0" * 32, "score": svc["score"]})
        now = str(int(now_us() / 1000000))
        # The generated content header has an allocated but empty hash: the header is sent, empty.
        meta = {"size": str(size), "length": str(size), "policy": policy.name, "hash": "", "hash-method": "md5",
                "mime-type": DEFAULT_MIME,
                "chunk-method": policy.chunk_method, "id": content_id, "name": path, "version": str(version),
                "deleted": "False", "ctime": now, "mtime": now}
        headers = self.content_headers(meta)
        headers["x-oio-ns-chunk-size"] = str(chunk_size)
        return chunks, headers

    def r_prepare2(self):
        chunks, headers = self._prepare()
        self.send_json(200, {"chunks": chunks, "properties": {}}, headers=headers)

    def r_prepare(self):
        chunks, headers = self._prepare()
        self.send_json(200, chunks, headers=headers)

    def _meta_header(self, key):
        return self.headers.get(CONTENT_META + key)

    def _content_body(self):
        """(chunks, properties, container properties) of content/create and content/update, checked as the
        proxy does before meta2 is asked: chunks are {url, pos, size, hash}."""
        body = self.json_body()
        if body is None:
            raise bad_request("Invalid JSON body")
        props, ct_props = {}, None
        if isinstance(body, dict):
            props, ct_props = body.get("properties") or {}, body.get("container_properties")
            if not isinstance(props, dict):
                raise bad_request("properties error: properties must be an object")
            if "chunks" not in body:
                raise bad_request("No [chunks] field")
            body = body["chunks"]
        if not isinstance(body, list):
            raise bad_request("JSON: Not an array")
        if not body:
            raise bad_request("JSON: Empty array")
        return simplified_chunks(body), props, ct_props

    def _create_meta(self, require_id=True):
        """The content header and alias fields from the x-oio-content-meta-* headers and the path."""
        content_id = self._meta_header("id")
        if content_id is not None and not HEX_ANY.match(content_id):
            raise bad_request("Invalid content ID (not hexa)")
        content_hash = self._meta_header("hash")
        if content_hash is not None:
            check_chunk_hash(content_hash)
        raw_size = self._meta_header("size")
        raw_size = self._meta_header("length") if raw_size is None else raw_size
        if raw_size is None:
            raise bad_request("Header: missing content size")
        if not INTEGER.match(raw_size):
            raise bad_request("Header: bad content size")
        path = self.query.get("path")
        if not path:
            raise bad_request("Missing path in query string")
        raw_version = self._meta_header("version")
        if raw_version is not None and not INTEGER.match(raw_version):
            raise bad_request("Header: negative content version")
        if not content_id and require_id:
            raise bad_request("Missing content id")
        version = int(raw_version or self.query.get("version") or now_us())
        return path, {"id": (content_id or "").upper(), "size": int(raw_size), "version": version,
                      "policy": self._meta_header("policy") or None, "chunk_method": self._meta_header("chunk-method"),
                      "hash": check_hash(content_hash), "mime_type": self._meta_header("mime-type") or DEFAULT_MIME}

    def _legacy_props(self):
        props = {}
        for key, value in self.headers.items():
            key = key.lower()
            if key.startswith(CONTENT_META):
                rest = key[len(CONTENT_META):]
                if rest.startswith("x-") or rest not in META_KEYS:
                    props[rest] = value
        return props

    def _container_for_write(self, container_properties=None):
        try:
            return self.container()
        except OioError as exc:
            if exc.status not in (406, 431) or not self.flag("autocreate"):
                raise
        acct, name = self.names_from_query()
        self._create_container(acct, name, container_properties or {})
        return self.container()

    def r_content_create(self):
        chunks, props, ct_props = self._content_body()
        path, meta = self._create_meta()
        self.cid()
        props = {**self._legacy_props(), **props}
        container = self._container_for_write(ct_props)
        policy = self.server.conscience.policy(meta["policy"])
        meta.update(policy=policy.name, chunk_method=meta["chunk_method"] or policy.chunk_method)
        objects.create(container, path, meta, chunks, props, append=self.flag("append"),
                       change_policy=self.flag("change_policy"), force=self.flag("force"), **self.versioning())
        self.send_text(204)

    def r_content_update(self):
        body = self.json_body()
        if not isinstance(body, list):
            raise bad_request("JSON: Not an array")
        if not body:
            raise bad_request("JSON: Empty array")
        simplified_chunks(body)
        path, meta = self._create_meta(require_id=False)
        objects.update(self.container(), path, self.version_param(), meta["id"], body)
        self.send_text(204)

    def r_content_locate(self):
        """By path (and version), or by content id alone (the newest alias of that content; version ignored)."""
        path, content = self.query.get("path") or None, self.query.get("content") or None
        version = self.version_param() if path else None
        container = self.container()
        meta, chunks, props = objects.locate(container, path, version, deleted=parse_bool(self.query.get("deleted")),
                                             content_id=content)
        scores = {s["addr"]: s["score"] for s in self.server.conscience.services("rawx")}
        body = []
        for chunk in chunks:
            url = chunk["id"]
            netloc = url.split("/")[2] if url.count("/") >= 3 else ""
            body.append({"url": url, "real_url": url, "pos": chunk["position"], "size": chunk["size"],
                         "hash": (chunk["hash"] or "").upper(), "score": scores.get(netloc, 0)})
        with_props = parse_bool(self.query.get("properties"), True)
        self.send_json(200, body, headers=self.content_headers(meta, props if with_props else None))

    def r_content_get_properties(self):
        path = self.path_param()
        self._keys_body()
        meta, props = objects.get_properties(self.container(), path, self.version_param())
        self.send_json(200, {"properties": props}, headers=self.content_headers(meta))

    def r_content_set_properties(self):
        path = self.path_param()
        if "content" in self.query:
            raise bad_request("content= is not accepted here")
        body = self.json_body()
        if not isinstance(body, dict) or not isinstance(body.get("properties"), dict):
            raise bad_request("Missing properties")
        objects.set_properties(self.container(), path, self.version_param(), body["properties"],
                               flush=self.flag("flush", presence=True))
        self.send_text(204)

    def r_content_del_properties(self):
        body = self.json_body()
        if isinstance(body, dict):
            body = body.get("properties")
        elif not isinstance(body, list):
            raise bad_request("Array or object argument expected")
        if not isinstance(body, list) or not all(isinstance(k, str) for k in body):
            raise bad_request("Invalid array of strings")
        path = self.path_param()
        objects.del_properties(self.container(), path, self.version_param(), body)
        self.send_text(204)

    def r_content_delete(self):
        path = self.path_param()
        objects.delete(self.container(), path, self.version_param(), delete_marker=self.flag("delete_marker"),
                       **self.versioning())
        self.send_text(204)

    def r_content_delete_many(self):
        """Checked whole first (container named, 1…max items, each with a string name), then one delete per item."""
        body = self.json_body()
        try:
            self.cid()
        except OioError:
            raise bad_request("Missing url argument") from None
        items = body.get("contents") if isinstance(body, dict) else None
        too_large = isinstance(items, list) and len(items) > self.bulk_limit("delete_many")
        items = self._bulk_items(body, "contents", "Invalid content name", "Payload Too Large" if too_large else None)
        versioning, marker = self.versioning(), self.flag("delete_marker")
        results = []
        for item in items:
            version = "" if item.get("version") is None else json_string(item["version"])
            result = {"name": item["name"]}
            if version:
                result["version"] = version
            try:
                if version and not INTEGER.match(version):
                    raise bad_request(f"Invalid version: {version}")
                objects.delete(self.container(), item["name"], int(version) if version else None,
                               delete_marker=marker, **versioning)
                result.update(status=204, message="ok")
            except OioError as exc:
                result.update(status=exc.status, message=exc.message)
            results.append(result)
        self.send_json(200, {"contents": results})

    def r_content_touch(self):
        try:
            self.cid()
        except OioError:
            raise bad_request("container unspecified") from None
        if not self.query.get("path"):
            raise bad_request("missing content path or ID")
        objects.touch(self.container(), self.query["path"], self.version_param())
        self.send_text(204)

    def r_content_drain(self):
        objects.drain(self.container(), self.path_param(), self.version_param())
        self.send_text(204)

    def r_content_truncate(self):
        size = self.query.get("size")
        if size is None or not INTEGER.match(size):
            raise bad_request(f"Missing/invalid size parameter: {size}")
        path = self.path_param()
        objects.truncate(self.container(), path, self.version_param(), int(size))
        self.send_text(204)

    def maxvers(self):
        value = self.query.get("maxvers")
        if value is not None and not INTEGER.match(value):
            raise bad_request(f"Invalid maxvers parameter: {value}")
        return None if value is None else int(value)

    def r_content_purge(self):
        maxvers = self.maxvers()
        objects.purge(self.container(), self.path_param(), maxvers)
        self.send_text(204)

    def r_content_spare(self):
        """Spare rawx locations: a load-balancer action that never opens the container."""
        body = self.json_body()
        stgpol = self.query.get("stgpol")
        if stgpol is None:
            raise bad_request("'stgpol' field not a string")
        if not isinstance(body, dict):
            raise bad_request("Body is not a valid JSON object")
        for key in ("notin", "broken"):
            if key not in body:
                raise bad_request(f"'{key}' field missing")
        empty = {"aliases": [], "headers": [], "chunks": [], "properties": []}
        if any(key in body and not isinstance(body[key], bool) for key in ("force_fair_constraints", "adjacent_mode")):
            return self.send_json(200, empty)  # upstream leaves without an error nor a bean
        notin = [] if body["notin"] is None else simplified_chunks(body["notin"])
        broken = [] if body["broken"] is None else simplified_chunks(body["broken"])
        policy = self.stgpol(stgpol)
        targets = policy.nb_chunks
        if notin and len(notin) >= targets:
            raise bad_request(f"too many locations already known ({len(notin)}), "
                              f"maximum {targets} locations for this storage policy")
        avoid = {urlsplit(chunk["url"]).netloc for chunk in notin + broken}
        chosen = self.server.conscience.choose("rawx", targets - len(notin), avoid=avoid)
        position = self.query.get("position")
        path, version = self.query.get("path") or "", self.int_param("version", 0)
        quality = json.dumps({"expected_dist": 1, "final_dist": 1, "warn_dist": 0,
                              "expected_slot": policy.pool, "final_slot": "rawx"}, separators=(",", ":"))
        for svc in chosen:
            url = f"http://{svc['addr']}/{secrets.token_hex(32).upper()}"
            empty["chunks"].append({"id": url, "hash": "0" * 32, "size": self.server.conscience.chunk_size,
                                    "ctime": int(time.time()),
                                    "pos": position, "content": ""})
            empty["properties"].append({"alias": path, "version": version, "key": CHUNK_HINT + url,
                                        "value": quality})
        self.send_json(200, empty)

    ROUTES = {
        ("config", "GET"): r_config_get,
        ("config", "POST"): r_config_set,
        ("status", "GET"): r_status,
        ("cache/status", "GET"): r_cache_status,
        ("cache/show", "GET"): r_cache_show,
        ("cache/flush/local", "POST"): r_cache_flush,
        ("cache/flush/low", "POST"): r_cache_flush,
        ("cache/flush/high", "POST"): r_cache_flush,
        ("conscience/list", "GET"): r_cs_list,
        ("conscience/info", "GET"): r_cs_info,
        ("conscience/resolve", "GET"): r_cs_resolve,
        ("conscience/score", "GET"): r_cs_score,
        ("conscience/register", "POST"): r_cs_register,
        ("conscience/deregister", "POST"): r_cs_deregister,
        ("conscience/flush", "POST"): r_cs_flush,
        ("conscience/lock", "POST"): r_cs_lock,
        ("conscience/unlock", "POST"): r_cs_unlock,
        ("lb/choose", "GET"): r_lb_choose,
        ("lb/poll", "POST"): r_lb_poll,
        ("lb/reload", "POST"): r_lb_reload,
        ("reference/create", "POST"): r_ref_create,
        ("reference/show", "GET"): r_ref_show,
        ("reference/destroy", "POST"): r_ref_destroy,
        ("reference/get_properties", "POST"): r_ref_get_properties,
        ("reference/set_properties", "POST"): r_ref_set_properties,
        ("reference/del_properties", "POST"): r_ref_del_properties,
        ("reference/link", "POST"): r_ref_link,
        ("reference/renew", "POST"): r_ref_renew,
        ("reference/relink", "POST"): r_ref_relink,
        ("reference/unlink", "POST"): r_ref_unlink,
        ("reference/force", "POST"): r_ref_force,
        ("container/create", "POST"): r_ct_create,
        ("container/create_many", "POST"): r_ct_create_many,
        ("container/destroy", "POST"): r_ct_destroy,
        ("container/show", "GET"): r_ct_show,
        ("container/get_properties", "POST"): r_ct_get_properties,
        ("container/set_properties", "POST"): r_ct_set_properties,
        ("container/del_properties", "POST"): r_ct_del_properties,
        ("container/touch", "POST"): r_ct_touch,
        ("container/flush", "POST"): r_ct_flush,
        ("container/purge", "POST"): r_ct_purge,
        ("container/dedup", "POST"): r_ct_dedup,
        ("container/snapshot", "POST"): r_ct_snapshot,
        ("container/raw_insert", "POST"): r_ct_raw_insert,
        ("container/raw_update", "POST"): r_ct_raw_update,
        ("container/raw_delete", "POST"): r_ct_raw_delete,
        ("container/list", "GET"): r_ct_list,
        ("admin/freeze", "POST"): r_admin_freeze,
        ("admin/enable", "POST"): r_admin_enable,
        ("admin/disable", "POST"): r_admin_disable,
        ("content/prepare2", "POST"): r_prepare2,
        ("content/prepare", "POST"): r_prepare,
        ("content/create", "POST"): r_content_create,
        ("content/update", "POST"): r_content_update,
        ("content/locate", "GET"): r_content_locate,
        ("content/show", "GET"): r_content_locate,
        ("content/get_properties", "POST"): r_content_get_properties,
        ("content/set_properties", "POST"): r_content_set_properties,
        ("content/del_properties", "POST"): r_content_del_properties,
        ("content/delete", "POST"): r_content_delete,
        ("content/delete_many", "POST"): r_content_delete_many,
        ("content/touch", "POST"): r_content_touch,
        ("content/drain", "POST"): r_content_drain,
        ("content/truncate", "POST"): r_content_truncate,
        ("content/purge", "POST"): r_content_purge,
        ("content/spare", "POST"): r_content_spare,
    }
