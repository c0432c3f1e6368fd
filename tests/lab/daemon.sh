# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# shellcheck shell=bash
# tests/lab/daemon.sh: start and stop a lab daemon written in Python (the oio and b2 services).
# Sourced by tests/lab/lab for every service. A daemon writes $LAB_STATE/endpoints.env (KEY=VALUE lines)
# once it listens; the service names a function that tells whether it answers.

# The interpreter for the lab's Python daemons: $1 if given, else the project venv, else python3.
lab_python() {
  local py=${1:-$REPO/.venv/bin/python}
  [ -x "$py" ] || py=$(command -v python3)
  echo "$py"
}

# daemon_start NAME TRIES ANSWERS -- COMMAND...: run COMMAND detached in $LAB_STATE (log: NAME.log,
# PID: NAME.pid), then wait up to TRIES tenths of a second until endpoints.env exists and ANSWERS
# succeeds; print endpoints.env. On failure, show the log's end and stop the process.
daemon_start() {
  local name=$1 tries=$2 answers=$3 pid
  shift 4
  rm -f "$LAB_STATE/endpoints.env"
  (cd "$LAB_STATE" && exec setsid nohup "$@" >>"$LAB_STATE/$name.log" 2>&1 </dev/null) &
  pid=$!
  echo "$pid" >"$LAB_STATE/$name.pid"
  for _ in $(seq 1 "$tries"); do
    if [ -s "$LAB_STATE/endpoints.env" ] && "$answers"; then
      cat "$LAB_STATE/endpoints.env"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  echo "$name: did not start; last log lines:" >&2
  tail -20 "$LAB_STATE/$name.log" >&2
  kill "$pid" 2>/dev/null
  return 1
}

# daemon_stop NAME PID: SIGTERM, up to 5 s, then SIGKILL; forget the PID file. An empty PID: nothing runs.
daemon_stop() {
  local name=$1 pid=$2
  if [ -n "$pid" ]; then
    kill "$pid"
    for _ in $(seq 1 50); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.1
    done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
  fi
  rm -f "$LAB_STATE/$name.pid"
}
