# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# shellcheck shell=bash
# tests/lab/services/b2.sh: a Backblaze B2 native-API emulator (tests/lab/b2/b2emu.py), in memory, one process.
# Settings: B2_URL (the API base, in place of https://api.backblazeb2.com), B2_ACCOUNT_ID, B2_APPLICATION_KEY,
# B2_BUCKET (created at start). Lab-only fault control: POST $B2_URL/emu/fail?status=503&count=N.

svc_packages() {
  :
}

b2_pid() {
  local pid
  pid=$(cat "$LAB_STATE/b2.pid" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && echo "$pid"
}

b2_answers() {
  local url
  url=$(sed -n 's/^B2_URL=//p' "$LAB_STATE/endpoints.env" 2>/dev/null) || return 1
  [ -n "$url" ] || return 1
  "$(lab_python)" - "$url/b2api/v2/b2_authorize_account" <<'PY' >/dev/null 2>&1
import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(sys.argv[1], timeout=2)
except urllib.error.HTTPError as exc:
    sys.exit(0 if exc.code == 401 else 1)
PY
}

svc_running() {
  b2_pid >/dev/null && b2_answers
}

svc_up() {
  daemon_start b2 100 b2_answers -- "$(lab_python)" "$LAB_HOME/b2/b2emu.py" --state "$LAB_STATE" \
    --min-part "${B2_LAB_MIN_PART:-5000000}"
}

svc_down() {
  daemon_stop b2 "$(b2_pid)"
}
