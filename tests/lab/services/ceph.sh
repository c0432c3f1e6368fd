# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# shellcheck shell=bash
# Ceph lab service: one mon, one mgr and one bluestore OSD (sparse file, survives restarts) on 127.0.0.1, cephx on, no systemd.
# State in $LAB_STATE; daemons write their PIDs to $LAB_STATE/run/<name>.pid.
# Pools: rbd (images) and rbd-data (data_pool tests); rados and rados-twin (object I/O, application "rados":
# the rados binding's differential tests run the same calls through python3-rados on the twin). Users:
# client.admin (lab only: pool create/delete, mon/mgr/osd commands) and client.ansible with "profile rbd" on
# the rbd pools, which the module tests use.
# Env: CEPH_STORE_GB (size of the sparse OSD block file, default 8), CEPH_MON_PORT (3300), CEPH_MON_V1_PORT (6789).

svc_packages() {
  printf '%s\n' ceph-mon ceph-mgr ceph-osd ceph-common librbd1 librados2 librbd-dev librados-dev \
    python3-rbd python3-rados uuid-runtime bc
}

_ceph_conf() { echo "$LAB_STATE/ceph.conf"; }

# A PID that runs and is not a zombie (PID 1 reaps late here).
# A process lives while any of its threads does: a daemon whose main thread has exited shows as a zombie while
# its other threads still hold its files (the pid file's lock among them).
_ceph_live() {
  [ -d "/proc/$1" ] || return 1
  ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null || [ "$(find "/proc/$1/task" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l)" -gt 1 ]
}

# A Ceph daemon of THIS lab: another checkout's lab (or a recycled PID in a stale pid file) is never ours.
# A process whose environment can no longer be read (its main thread gone) counts by its name alone.
_ceph_ours() {
  local env
  grep -q '^ceph-' "/proc/$1/comm" 2>/dev/null || return 1
  env=$(tr '\0' '\n' <"/proc/$1/environ" 2>/dev/null) || return 0
  [ -z "$env" ] || grep -qxF "CEPH_CONF=$(_ceph_conf)" <<<"$env"
}

_ceph_pid_alive() {
  local f=$LAB_STATE/run/$1.pid p
  [ -s "$f" ] && p=$(cat "$f") && _ceph_live "$p" && _ceph_ours "$p"
}

svc_running() {
  _ceph_pid_alive mon.a && _ceph_pid_alive osd.0 && _ceph_pid_alive mgr.x || return 1
  CEPH_CONF=$(_ceph_conf) timeout 10 ceph osd pool ls 2>/dev/null | grep -qx rados-twin &&
    CEPH_CONF=$(_ceph_conf) timeout 8 rbd ls rbd >/dev/null 2>&1
}

# Stop daemons by recorded PID; SIGKILL after 10 s.
_ceph_stop() {
  local pids=() n p left=()
  for n in "$@"; do
    p=$(cat "$LAB_STATE/run/$n.pid" 2>/dev/null) || continue
    if _ceph_live "$p" && _ceph_ours "$p"; then
      kill -TERM "$p" && pids+=("$p")
      kill -CONT "$p" 2>/dev/null
    fi
  done
  [ ${#pids[@]} -eq 0 ] && return 0
  for _ in $(seq 200); do
    left=()
    for p in "${pids[@]}"; do _ceph_live "$p" && left+=("$p"); done
    [ ${#left[@]} -eq 0 ] && return 0
    sleep 0.05
  done
  kill -KILL "${left[@]}" 2>/dev/null
  sleep 0.2
}

svc_down() {
  _ceph_stop osd.0
  _ceph_stop mgr.x mon.a
  rm -f "$LAB_STATE"/run/*.pid "$LAB_STATE"/run/*.asok
}

# Restart only the OSD (after a fault test stopped it); waits until I/O works again.
svc_osd_restart() {
  export CEPH_CONF; CEPH_CONF=$(_ceph_conf)
  local deadline=$((SECONDS + 90))
  # A start can lose the pid file's lock to an OSD still exiting: start again until I/O works or time is up.
  until { _ceph_pid_alive osd.0 || ceph-osd -i 0 2>>"$LAB_STATE/log/osd.0.stderr"; } &&
      { timeout 10 rbd create rbd/osd-probe --size 1M 2>/dev/null || timeout 10 rbd info rbd/osd-probe >/dev/null 2>&1; }; do
    [ "$SECONDS" -lt "$deadline" ] || return 124
    sleep 0.5
  done
  timeout 30 rbd rm --no-progress rbd/osd-probe >/dev/null 2>&1
}

_ceph_write_conf() {
  local d=$1 fsid=$2 mon=$3 gb=$4
  cat >"$d/ceph.conf" <<EOF
[global]
fsid = $fsid
mon host = $mon
public addr = 127.0.0.1
public network = 127.0.0.0/8
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
keyring = $d/keyring
run dir = $d/run
pid file = $d/run/\$name.pid
log file = $d/log/\$name.log
crash dir = $d/crash
mon data = $d/\$name
mgr data = $d/\$name
osd data = $d/\$name
osd pool default size = 1
osd pool default min size = 1
osd pool default pg autoscale mode = off
osd pool default pg num = 8
osd pool default pgp num = 8
mon max pg per osd = 1000
osd crush chooseleaf type = 0
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
mon data avail warn = 1
mon data avail crit = 0
paxos propose interval = 0.1
[mon]
mon cluster log file = $d/log/cluster.log
[osd]
osd objectstore = bluestore
bluestore block path = $d/osd.0.block
bluestore block create = true
bluestore block size = $((gb << 30))
osd memory target = 1073741824
EOF
}

_ceph_settings() {
  local d=$LAB_STATE
  echo "CEPH_CONF=$d/ceph.conf"
  echo "CEPH_KEYRING_ANSIBLE=$d/client.ansible.keyring"
  echo "CEPH_KEYRING_NOCAPS=$d/client.nocaps.keyring"
  echo "CEPH_CLIENT_NAME=client.ansible"
  echo "CEPH_KEYRING_ADMIN=$d/keyring"
  echo "CEPH_RADOS_POOL=rados"
  echo "CEPH_RADOS_TWIN_POOL=rados-twin"
  echo "CEPH_POOL=rbd"
  echo "CEPH_DATA_POOL=rbd-data"
  echo "CEPH_LAB_STATE=$d"
}

# The monitor still runs (a fault test stopped a daemon): start what is missing, keep the cluster and its keys.
_ceph_repair() {
  export CEPH_CONF; CEPH_CONF=$(_ceph_conf)
  _ceph_pid_alive mon.a && [ -s "$LAB_STATE/client.ansible.keyring" ] && timeout 10 ceph health >/dev/null 2>&1 || return 1
  _ceph_pid_alive mgr.x || ceph-mgr -i x
  svc_osd_restart
  _ceph_rados_pools
}

# The object pools (a lab started before they existed gets them on its next `lab up`).
_ceph_rados_pools() {
  local p have
  have=$(timeout 30 ceph osd pool ls)
  for p in rados rados-twin; do
    grep -qx "$p" <<<"$have" && continue
    timeout 60 ceph osd pool create "$p" 8 8 replicated >/dev/null 2>&1
    timeout 60 ceph osd pool application enable "$p" rados >/dev/null 2>&1
  done
}

svc_up() {
  set -euo pipefail
  local d=$LAB_STATE p2=${CEPH_MON_PORT:-3300} p1=${CEPH_MON_V1_PORT:-6789} gb=${CEPH_STORE_GB:-8}
  local fsid osd_uuid mon k p
  if _ceph_repair >/dev/null 2>&1; then _ceph_settings; return 0; fi
  svc_down >/dev/null 2>&1 || true
  rm -rf "${d:?}"/{run,log,crash,mon.a,mgr.x,osd.0,osd.0.block,keyring,*.keyring,ceph.conf,monmap}
  for p in "$p2" "$p1"; do
    if ss -Hltn "sport = :$p" | grep -q .; then echo "ceph: port $p busy" >&2; return 1; fi
  done
  mkdir -p "$d"/{run,log,crash,mon.a,mgr.x,osd.0}
  fsid=$(uuidgen); osd_uuid=$(uuidgen); mon="[v2:127.0.0.1:$p2,v1:127.0.0.1:$p1]"
  _ceph_write_conf "$d" "$fsid" "$mon" "$gb"
  export CEPH_CONF=$d/ceph.conf
  k=$d/keyring
  {
    ceph-authtool -C "$k" --gen-key -n mon. --cap mon 'allow *'
    ceph-authtool "$k" --gen-key -n client.admin --cap mon 'allow *' --cap osd 'allow *' \
      --cap mgr 'allow *' --cap mds 'allow *'
    ceph-authtool "$k" --gen-key -n mgr.x --cap mon 'allow profile mgr' --cap osd 'allow *' --cap mds 'allow *'
    ceph-authtool "$k" --gen-key -n osd.0 --cap mon 'allow profile osd' --cap mgr 'allow profile osd' \
      --cap osd 'allow *'
    ceph-authtool -C "$d/client.ansible.keyring" --gen-key -n client.ansible --cap mon 'profile rbd' \
      --cap osd 'profile rbd pool=rbd, profile rbd pool=rbd-data' --cap mgr 'profile rbd'
    ceph-authtool -C "$d/client.nocaps.keyring" --gen-key -n client.nocaps --cap mon 'allow r'
    ceph-authtool "$k" --import-keyring "$d/client.ansible.keyring"
    ceph-authtool "$k" --import-keyring "$d/client.nocaps.keyring"
    monmaptool --create --fsid "$fsid" --addv a "$mon" "$d/monmap"
  } >/dev/null
  chmod 600 "$k" "$d"/client.*.keyring
  ceph-mon --mkfs -i a --monmap "$d/monmap" --keyring "$k"
  ceph-mon -i a
  ceph-osd -i 0 --mkfs --osd-uuid "$osd_uuid" >"$d/log/osd.0.mkfs.log" 2>&1 ||
    { tail -5 "$d/log/osd.0.mkfs.log" >&2; return 1; }
  timeout 60 ceph osd new "$osd_uuid" 0 >/dev/null
  ceph-osd -i 0 2>>"$d/log/osd.0.stderr"
  ceph-mgr -i x
  for p in rbd rbd-data; do
    timeout 60 ceph osd pool create "$p" 8 8 replicated >/dev/null 2>&1
    timeout 120 rbd pool init "$p"
  done
  _ceph_rados_pools
  timeout 60 rbd create rbd/probe --size 1M && timeout 60 rbd rm --no-progress rbd/probe
  _ceph_settings
}
