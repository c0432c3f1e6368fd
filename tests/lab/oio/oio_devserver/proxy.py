"""oio-proxy personality: /v3.0/{NS}/{conscience,lb,reference,container,content,admin}/… (spec §2–§6)."""

import hashlib
import json
import math
import re
import secrets
from urllib.parse import quote

from . import objects
from .conscience import Policy
from .errors import OioError, bad_request
from .httpbase import Handler
from .meta2 import DEFAULT_MIME, check_hash, new_content_id, now_us
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
MAX_BULK = 100


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


def m1url(srvtype, host):
    return {"seq": 1, "type": srvtype, "host": host, "args": ""}


def m1_hosts(m1):
    """Hosts of an m1url ({"host": "a,b", …}); [] for None."""
    return [h for h in str((m1 or {}).get("host", "")).split(",") if h]


class ProxyHandler(Handler):
    """Routes of the proxy. Handlers raise OioError; replies are JSON."""

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
            raise bad_request("Invalid JSON body") from None

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

    def versioning_override(self):
        """x-oio-force-versioning: <int>, or x-oio-simulate-versioning (unlimited); else None."""
        forced = self.headers.get("x-oio-force-versioning")
        if forced not in (None, ""):
            try:
                return int(forced)
            except ValueError:
                raise bad_request(f"Invalid x-oio-force-versioning: {forced}") from None
        if parse_bool(self.headers.get("x-oio-simulate-versioning")):
            return -1
        return None

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
        elif len(parts) == 5:
            if parts[2] != self.ns:
                raise OioError(418, f"Namespace not managed: {parts[2]}")
            key = (f"{parts[3]}/{parts[4]}", self.command)
        else:
            raise OioError(404, "No handler found")
        handler = self.ROUTES.get(key)
        if handler is None:  # like oio-proxy, a route is a method and a path
            raise OioError(404, "No handler found")
        handler(self)

    # config / status -------------------------------------------------------------------------
    def r_config_get(self):
        self.send_json(200, dict(self.server.conscience.config))

    def r_config_set(self):
        body = self.json_body()
        if not isinstance(body, dict):
            raise bad_request("JSON object expected")
        self.send_json(200, self.server.conscience.set_config(body))

    def r_status(self):
        self.send_json(200, {"ns": self.ns, "rawx": len(self.server.rawx)})

    # conscience / lb ------------------------------------------------------------------------
    def srvtype(self):
        return self.required_param("type")

    def r_cs_list(self):
        srvtype = self.srvtype()
        services = self.server.conscience.services(srvtype)
        if parse_bool(self.query.get("full")):
            for svc in services:
                svc.update(ns=self.ns, type=srvtype)
        self.send_json(200, services)

    def r_cs_info(self):
        if self.query.get("what") == "types":
            return self.send_json(200, self.server.conscience.types())
        self.send_json(200, self.server.conscience.info())

    def r_cs_resolve(self):
        svc = self.server.conscience.resolve(self.srvtype(), self.query.get("service_id", ""))
        self.send_json(200, {"addr": svc["addr"]})

    def r_cs_score(self):
        svc = self.server.conscience.resolve(self.srvtype(), self.query.get("service_id", ""))
        self.send_json(200, {"addr": svc["addr"], "score": svc["score"]})

    def _service_items(self):
        body = self.json_body()
        if isinstance(body, dict):
            body = [body]
        if not isinstance(body, list):
            raise bad_request("Service description expected")
        return body

    def r_cs_register(self):
        self.server.conscience.register(self._service_items())
        self.send_text(204)

    def r_cs_deregister(self):
        self.server.conscience.deregister(self._service_items())
        self.send_text(204)

    def r_cs_flush(self):
        self.server.conscience.flush(self.srvtype())
        self.send_text(204)

    def r_cs_lock(self):
        self.server.conscience.lock_scores(self._service_items(), score=0)
        self.send_text(204)

    def r_cs_unlock(self):
        self.server.conscience.lock_scores(self._service_items(), score=None)
        self.send_text(204)

    def r_lb_choose(self):
        size = self.int_param("size", 1)
        chosen = self.server.conscience.choose(self.srvtype(), max(size, 1))
        self.send_json(200, [{"addr": s["addr"], "id": s["tags"].get("tag.service_id", s["addr"])} for s in chosen])

    def r_lb_poll(self):
        pool = self.query.get("pool") or ""
        body = self.json_body({}) or {}
        avoid = set(body.get("avoid") or ()) if isinstance(body, dict) else set()
        try:
            count = Policy(pool).nb_chunks
        except OioError:
            match = re.match(r"^rawx(\d+)$", pool)
            count = int(match.group(1)) if match else 1
        chosen = self.server.conscience.choose("rawx", count, avoid=avoid)
        self.send_json(200, [{"addr": s["addr"], "id": s["addr"], "type": "rawx", "score": s["score"]}
                             for s in chosen])

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
        body = self.json_body([])
        if body is None:
            body = []
        if not isinstance(body, list):
            raise bad_request("JSON array of keys expected")
        return [str(k) for k in body]

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
        srvtype = self.srvtype()
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
        srvtype = self.srvtype()
        ref = self._link(self.reference(), srvtype, renew=True)
        self.server.directory.save(ref)
        self.send_json(200, self._ref_services(ref, srvtype))

    def r_ref_relink(self):
        """Replace the `replaced` service of a reference by another one, keeping `kept`."""
        srvtype = self.srvtype()
        ref = self.reference()
        body = self.json_body()
        if not isinstance(body, dict) or "kept" not in body:
            raise bad_request("Missing kept/replaced")
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
        srvtype = self.srvtype()
        ref = self.reference()
        ref["services"].pop(srvtype, None)
        self.server.directory.save(ref)
        self.send_text(204)

    def r_ref_force(self):
        srvtype = self.srvtype()
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

    def _bulk(self, body, key, each):
        """create_many / delete_many: 1…100 items, one {name, status, message} result per item."""
        items = body.get(key) if isinstance(body, dict) else None
        if not isinstance(items, list) or not items:
            raise bad_request(f"Missing {key}")
        if len(items) > MAX_BULK:
            raise OioError(413, f"Too many {key}", http=413)
        results = []
        for item in items:
            name = item.get("name") if isinstance(item, dict) else None
            try:
                if not name:
                    raise bad_request("Missing name")
                status, message = each(name, item)
            except OioError as exc:
                status, message = exc.status, exc.message
            results.append({"name": name, "status": status, "message": message})
        self.send_json(200, {key: results})

    def r_ct_create_many(self):
        acct = self.required_param("acct")

        def create(name, item):
            if self._create_container(acct, name, item):
                return 201, "ok"
            return 433, "Container already exists"

        self._bulk(self.json_body(), "containers", create)

    def r_ct_destroy(self):
        self.server.meta2.destroy(self.cid(), force=self.flag("force"))
        self.send_text(204)

    def r_ct_show(self):
        container = self.container()
        with container.lock:
            admin = container.admin()
        user, _system = split_admin(admin)
        self.send_json(200, {"properties": user}, headers=container_headers(admin))

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
        objects.purge(self.container(), None, self.int_param("maxvers"))
        self.send_text(204)

    def r_ct_dedup(self):
        self.container()
        self.send_text(204)

    def r_ct_snapshot(self):
        body = self.json_body()
        if not isinstance(body, dict) or not body.get("account") or not body.get("container"):
            raise bad_request("Missing account/container")
        self.server.meta2.snapshot(self.cid(), body["account"], body["container"])
        self.send_text(204)

    def _beans(self):
        body = self.json_body()
        if not isinstance(body, list):
            raise bad_request("JSON array of beans expected")
        return body

    def r_ct_raw_insert(self):
        objects.raw_apply(self.container(), insert=self._beans(), frozen=self.flag("frozen", presence=True))
        self.send_text(204)

    def r_ct_raw_delete(self):
        objects.raw_apply(self.container(), delete=self._beans())
        self.send_text(204)

    def r_ct_raw_update(self):
        body = self.json_body()
        if not isinstance(body, dict) or not isinstance(body.get("old"), list) or not isinstance(body.get("new"), list) \
                or len(body["old"]) != len(body["new"]):
            raise bad_request("old and new must be arrays of the same length")
        objects.raw_apply(self.container(), insert=body["new"], delete=body["old"],
                          frozen=self.flag("frozen", presence=True))
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
        container = self.container()
        q = self.query
        max_items = self.int_param("max", 1000)
        max_items = 1000 if max_items <= 0 else min(max_items, 10000)
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

    def _prepare(self):
        body = self.json_body()
        if not isinstance(body, dict) or body.get("size") is None:
            raise bad_request("Missing size")
        try:
            size = int(body["size"])
            position = int(body.get("position") or 0)
        except (TypeError, ValueError):
            raise bad_request("Invalid size or position") from None
        path = self.path_param()
        cid = self.cid()
        policy = self.server.conscience.policy(body.get("policy") or None)
        version = self.version_param() or 0
        version = version if version > 0 else now_us()
        content_id = (self.query.get("content") or new_content_id()).upper()
        chunk_size = self.server.conscience.chunk_size
        metachunk = policy.metachunk_size(chunk_size)
        random_ids = parse_bool(self.server.conscience.get("core.lb.generate_random_chunk_ids"), True)
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
        meta = {"size": str(size), "length": str(size), "policy": policy.name, "hash-method": "md5", "mime-type": DEFAULT_MIME,
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

    def _create_meta(self):
        content_id = self._meta_header("id")
        if not content_id:
            raise bad_request("Missing content id")
        raw_size = self._meta_header("size") or self._meta_header("length")
        try:
            size = int(raw_size)
            version = int(self._meta_header("version") or self.query.get("version") or now_us())
        except (TypeError, ValueError):
            raise bad_request("Missing or invalid size/version") from None
        if size < 0:
            raise bad_request("Invalid size")
        policy = self.server.conscience.policy(self._meta_header("policy") or None)
        return {"id": content_id.upper(), "size": size, "version": version, "policy": policy.name,
                "chunk_method": self._meta_header("chunk-method") or policy.chunk_method,
                "hash": check_hash(self._meta_header("hash")),
                "mime_type": self._meta_header("mime-type") or DEFAULT_MIME}

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
        path = self.path_param()
        self.cid()
        meta = self._create_meta()
        body = self.json_body()
        if isinstance(body, list):
            chunks, props, ct_props = body, {}, None
        elif isinstance(body, dict):
            chunks, props, ct_props = body.get("chunks"), body.get("properties") or {}, body.get("container_properties")
        else:
            raise bad_request("Missing chunks")
        if not isinstance(props, dict):
            raise bad_request("properties must be an object")
        props = {**self._legacy_props(), **props}
        container = self._container_for_write(ct_props)
        objects.create(container, path, meta, chunks, props, append=self.flag("append"),
                       change_policy=self.flag("change_policy"), force=self.flag("force"),
                       versioning=self.versioning_override())
        self.send_text(204)

    def r_content_update(self):
        path = self.path_param()
        body = self.json_body()
        container = self.container()
        if isinstance(body, dict):
            body = body.get("chunks")
        objects.update(container, path, self.version_param(), self._meta_header("id"), body)
        self.send_text(204)

    def r_content_locate(self):
        path = self.path_param()
        container = self.container()
        meta, chunks, props = objects.locate(container, path, self.version_param(),
                                             deleted=parse_bool(self.query.get("deleted")))
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
        path = self.path_param()
        body = self.json_body()
        if not isinstance(body, list):
            raise bad_request("JSON array of keys expected")
        objects.del_properties(self.container(), path, self.version_param(), [str(k) for k in body])
        self.send_text(204)

    def r_content_delete(self):
        path = self.path_param()
        objects.delete(self.container(), path, self.version_param(), delete_marker=self.flag("delete_marker"),
                       versioning=self.versioning_override())
        self.send_text(204)

    def r_content_delete_many(self):
        body = self.json_body()
        container = self.container()

        def delete(name, item):
            version = item.get("version")
            objects.delete(container, name, int(version) if version not in (None, "") else None,
                           delete_marker=self.flag("delete_marker"), versioning=self.versioning_override())
            return 204, "ok"

        self._bulk(body, "contents", delete)

    def r_content_touch(self):
        objects.touch(self.container(), self.path_param(), self.version_param())
        self.send_text(204)

    def r_content_drain(self):
        objects.drain(self.container(), self.path_param(), self.version_param())
        self.send_text(204)

    def r_content_truncate(self):
        path = self.path_param()
        size = self.int_param("size")
        if size is None:
            raise bad_request("Missing size")
        objects.truncate(self.container(), path, self.version_param(), size)
        self.send_text(204)

    def r_content_purge(self):
        objects.purge(self.container(), self.path_param(), self.int_param("maxvers"))
        self.send_text(204)

    def r_content_spare(self):
        self.container()
        body = self.json_body({}) or {}
        if not isinstance(body, dict):
            raise bad_request("JSON object expected")
        notin, broken = body.get("notin") or [], body.get("broken") or []
        avoid = {str(ch.get("url", ch.get("id", ""))).split("/")[2] for ch in notin + broken
                 if isinstance(ch, dict) and str(ch.get("url", ch.get("id", ""))).count("/") >= 3}
        position = self.query.get("position", "0")
        self.server.conscience.policy(self.query.get("stgpol") or None)
        chosen = self.server.conscience.choose("rawx", max(1, len(broken)), avoid=avoid)
        chunks = [{"id": f"http://{svc['addr']}/{secrets.token_hex(32).upper()}", "pos": position,
                   "hash": "0" * 32, "size": self.server.conscience.chunk_size} for svc in chosen]
        self.send_json(200, {"aliases": [], "headers": [], "chunks": chunks, "properties": []})

    ROUTES = {
        ("config", "GET"): r_config_get,
        ("config", "POST"): r_config_set,
        ("status", "GET"): r_status,
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
