# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# shellcheck shell=bash
# tests/lab/services/oio.sh: the OpenIO SDS dev namespace (tests/lab/oio/oio_devserver), one process:
# proxy, account service, OIO_LAB_RAWX rawx services (default 12) and a lab-only admin port.
# State (sds.conf, SQLite databases, chunk volumes, chosen ports) lives in $LAB_STATE and survives restarts;
# `lab reset oio` (down --purge, up) deletes all of it but the ports: the namespace starts empty, as new.
# While the b2 lab service runs (its settings in $LAB_DIR/env/b2.env, whichever of the two started first), the
# namespace also offers the BACKBLAZE storage policy on that emulator's account and bucket.

svc_packages() {
  :
}

# The recorded PID, if that process is still our server (a reused PID is not).
oio_pid() {
  local pid
  pid=$(cat "$LAB_STATE/oio.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "oio_devserver serve --state $LAB_STATE " || return 1
  echo "$pid"
}

oio_answers() {
  local url
  url=$(sed -n 's/^OIO_ACCOUNT_URL=//p' "$LAB_STATE/endpoints.env" 2>/dev/null) || return 1
  [ -n "$url" ] || return 1
  "$(lab_python "${OIO_LAB_PYTHON:-}")" - "$url/status" <<'PY' >/dev/null 2>&1
import sys, urllib.request
urllib.request.urlopen(sys.argv[1], timeout=2).read()
PY
}

svc_running() {
  oio_pid >/dev/null && oio_answers
}

# The b2 service's settings file is followed, not read once: BACKBLAZE appears as soon as b2 starts, before or
# after oio, and goes when it stops.
svc_up() {
  PYTHONPATH="$LAB_HOME/oio${PYTHONPATH:+:$PYTHONPATH}" daemon_start oio 300 oio_answers -- \
    "$(lab_python "${OIO_LAB_PYTHON:-}")" -m oio_devserver serve \
    --state "$LAB_STATE" --ns "${OIO_LAB_NS:-OPENIO}" --rawx "${OIO_LAB_RAWX:-12}" \
    --base-port "${OIO_LAB_BASE_PORT:-0}" --max-open-containers "${OIO_LAB_MAX_OPEN:-256}" \
    --b2-env "${LAB_DIR:-$REPO/.lab}/env/b2.env"
}

svc_down() {
  daemon_stop oio "$(oio_pid)"
}

# Everything the namespace stored (containers, references, accounts, chunks, configuration changes, logs);
# ports.json stays, so a reset namespace answers on the same endpoints.
svc_purge() {
  find "$LAB_STATE" -mindepth 1 -maxdepth 1 ! -name ports.json -exec rm -rf {} +
}
