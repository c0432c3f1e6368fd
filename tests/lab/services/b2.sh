# shellcheck shell=bash
# tests/lab/services/b2.sh: a Backblaze B2 native-API emulator (tests/lab/b2/b2emu.py), in memory, one process.
# Settings: B2_URL (the API base, in place of https://api.backblazeb2.com), B2_ACCOUNT_ID, B2_APPLICATION_KEY,
# B2_BUCKET (created at start). Lab-only fault control: POST $B2_URL/emu/fail?status=503&count=N.

b2_python() {
  local py=$REPO/.venv/bin/python
  [ -x "$py" ] || py=$(command -v python3)
  echo "$py"
}

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
  "$(b2_python)" - "$url/b2api/v2/b2_authorize_account" <<'PY' >/dev/null 2>&1
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
  local pid
  rm -f "$LAB_STATE/endpoints.env"
  (
    cd "$LAB_STATE" || exit 1
    exec setsid nohup "$(b2_python)" "$LAB_HOME/b2/b2emu.py" --state "$LAB_STATE" \
      --min-part "${B2_LAB_MIN_PART:-5000000}" >>"$LAB_STATE/b2.log" 2>&1 </dev/null
  ) &
  pid=$!
  echo "$pid" >"$LAB_STATE/b2.pid"
  for _ in $(seq 1 100); do
    if [ -s "$LAB_STATE/endpoints.env" ] && b2_answers; then
      cat "$LAB_STATE/endpoints.env"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "b2: the emulator did not start; last log lines:" >&2
  tail -20 "$LAB_STATE/b2.log" >&2
  kill "$pid" 2>/dev/null
  return 1
}

svc_down() {
  local pid
  pid=$(b2_pid) || { rm -f "$LAB_STATE/b2.pid"; return 0; }
  kill "$pid"
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  rm -f "$LAB_STATE/b2.pid"
}
