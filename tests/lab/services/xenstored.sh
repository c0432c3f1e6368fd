# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# shellcheck shell=bash
# tests/lab/services/xenstored.sh: Debian's real C xenstored 4.17 on a private Unix socket.
#
# There is no hypervisor here, so the daemon runs under an LD_PRELOAD shim
# (tests/lab/xenstored/xsshim.c, built at `up` into $LAB_STATE) that replaces
# only its hypervisor-facing calls; see the shim's header for the files it uses
# in $LAB_STATE (dom-N, ring-N, evtchn, xsd_kva, xsd_port).
# Settings: XENSTORED_PATH (the socket) and XS_SHIM_DIR (the shim's state dir,
# used by the tests to act as an unprivileged guest domain over a ring file).
# XENSTORED_ARGS: extra daemon options (the faults family starts a daemon of its own with an entry quota).

XS_BIN=/usr/lib/xen-4.17/bin/xenstored
XS_SRC=$LAB_HOME/xenstored/xsshim.c

svc_packages() {
  printf '%s\n' xen-utils-4.17 xenstore-utils libxen-dev python3-pyxs gcc
}

_xs_pid() {
  [ -s "$LAB_STATE/xenstored.pid" ] && cat "$LAB_STATE/xenstored.pid"
}

svc_running() {
  local pid
  pid=$(_xs_pid) || return 1
  kill -0 "$pid" 2>/dev/null || return 1
  XENSTORED_PATH=$LAB_STATE/socket timeout 2 xenstore-exists /tool >/dev/null 2>&1
}

svc_up() {
  local shim=$LAB_STATE/xsshim.so
  [ -x "$XS_BIN" ] || { echo "missing $XS_BIN (apt-get install xen-utils-4.17)" >&2; return 1; }
  if [ ! -e "$shim" ] || [ "$XS_SRC" -nt "$shim" ]; then
    gcc -O2 -Wall -shared -fPIC -o "$shim" "$XS_SRC" -ldl >&2 || return 1
  fi
  svc_down >/dev/null 2>&1
  rm -f "$LAB_STATE"/{socket,evtchn,xenstored.pid,ring-*,dom-*}
  truncate -s 0 "$LAB_STATE/xsd_kva"
  truncate -s 4096 "$LAB_STATE/xsd_kva"   # dom0's ring page
  printf 1 >"$LAB_STATE/xsd_port"          # dom0's xenbus event channel
  # The daemon forks itself and writes its pidfile; its tree lives in memory only.
  local extra
  read -r -a extra <<<"${XENSTORED_ARGS:-}"
  XS_SHIM_DIR=$LAB_STATE XENSTORED_RUNDIR=$LAB_STATE XENSTORED_ROOTDIR=$LAB_STATE \
    XENSTORED_PATH=$LAB_STATE/socket LD_PRELOAD=$shim \
    "$XS_BIN" -F "$LAB_STATE/xenstored.pid" "${extra[@]}" >"$LAB_STATE/xenstored.out" 2>&1 </dev/null || {
    cat "$LAB_STATE/xenstored.out" >&2
    return 1
  }
  local _
  for _ in $(seq 100); do
    if svc_running; then
      echo "XENSTORED_PATH=$LAB_STATE/socket"
      echo "XS_SHIM_DIR=$LAB_STATE"
      return 0
    fi
    sleep 0.05
  done
  echo "xenstored did not come up (see $LAB_STATE/xenstored.out)" >&2
  return 1
}

svc_down() {
  local pid _
  pid=$(_xs_pid) || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid"
    for _ in $(seq 100); do
      kill -0 "$pid" 2>/dev/null || break
      sleep 0.05
    done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -f "$LAB_STATE"/{xenstored.pid,socket,evtchn}
  echo "stopped xenstored $pid"
}
