# SPDX-License-Identifier: GPL-3.0-or-later
# SPDX-FileCopyrightText: 2026 datacenter.storage contributors
# shellcheck shell=bash
# tests/lab/services/hosts.sh: three target hosts that are not the controller, reached over SSH.
#
#   dom0         127.0.0.11  a Xen dom0: the lab's xenstored socket bind-mounted at /run/xenstored/socket
#   ceph-client  127.0.0.12  a Ceph client: librbd1, librados2, python3-cffi-backend
#   oio-client   127.0.0.13  an OpenIO client: python3-urllib3, python3-pyeclib, libisal2 (ISA-L for pyeclib)
#
# Each host is its own Debian 12 root filesystem built by mmdebstrap from Debian's packages (Debian's python3,
# openssh-server, python3-apt and its role's packages; nothing of the controller's venv). Built root
# filesystems are cached in $HOSTS_CACHE (default /var/cache/datacenter-storage/hosts), keyed by their package
# list: a missing one or a changed list builds anew. A host runs its own sshd (port 22 of its own loopback
# address) in its own mount (and UTS) namespace: an overlay of the cached root (changes go to $LAB_STATE/<host>, reset
# at each start), chrooted. Root logs in with a key the lab makes ($LAB_STATE/id_ed25519); the hosts' keys
# go to $LAB_STATE/known_hosts.
# Opt-in (`tests/lab/lab up hosts`): the default `up` does not start it; `down` without arguments stops it.
# LAB_HOSTS_PREFIX (default 127.0.0, always within 127.0.0.0/8) moves the three addresses, so that two
# checkouts can run their hosts at once.
# Settings: LAB_HOSTS_KEY, LAB_HOSTS_KNOWN_HOSTS, LAB_HOSTS_CONTROL_DIR, LAB_HOST_<NAME>=address.
# lab: opt-in

HOSTS_CACHE=${HOSTS_CACHE:-/var/cache/datacenter-storage/hosts}
HOSTS_SUITE=bookworm
LAB_HOSTS_PREFIX=${LAB_HOSTS_PREFIX:-127.0.0}
case $LAB_HOSTS_PREFIX in
  127.[0-9]*.[0-9]*) ;;
  *) echo "hosts: LAB_HOSTS_PREFIX=$LAB_HOSTS_PREFIX is not within 127.0.0.0/8" >&2; exit 2 ;;
esac
HOSTS_NAMES="dom0 ceph-client oio-client"

_hosts_addr() {
  case $1 in
    dom0) echo "$LAB_HOSTS_PREFIX.11" ;;
    ceph-client) echo "$LAB_HOSTS_PREFIX.12" ;;
    oio-client) echo "$LAB_HOSTS_PREFIX.13" ;;
  esac
}

# The Debian packages of a host, one per line (sorted: the cache key).
_hosts_packages() {
  {
    printf '%s\n' python3 openssh-server python3-apt
    case $1 in
      ceph-client) printf '%s\n' librbd1 librados2 python3-cffi-backend ;;
      oio-client) printf '%s\n' python3-urllib3 python3-pyeclib libisal2 ;;
    esac
  } | sort
}

svc_packages() {
  printf '%s\n' mmdebstrap openssh-client
}

_hosts_pid() { cat "$LAB_STATE/$1.pid" 2>/dev/null; }

_hosts_alive() {
  local pid
  pid=$(_hosts_pid "$1") && [ -n "$pid" ] && [ -d "/proc/$pid" ] && ! grep -q '^State:.*Z' "/proc/$pid/status" 2>/dev/null
}

_hosts_ssh() {
  local name=$1
  shift
  ssh -o BatchMode=yes -o ConnectTimeout=5 -o UserKnownHostsFile="$LAB_STATE/known_hosts" \
    -o StrictHostKeyChecking=yes -i "$LAB_STATE/id_ed25519" -o ControlMaster=no \
    "root@$(_hosts_addr "$name")" "$@"
}

svc_running() {
  local name
  for name in $HOSTS_NAMES; do
    _hosts_alive "$name" && _hosts_ssh "$name" true </dev/null >/dev/null 2>&1 || return 1
  done
}

# The cached root filesystem of a host: built (under a lock, into a temporary directory) when missing.
_hosts_rootfs() {
  local name=$1 key dir
  key=$( (echo "$HOSTS_SUITE"; _hosts_packages "$name") | sha256sum | cut -c1-12)
  dir=$HOSTS_CACHE/$name-$key
  mkdir -p "$HOSTS_CACHE"
  (
    flock 9
    if [ ! -x "$dir/usr/sbin/sshd" ]; then
      echo "hosts: building the root filesystem of $name (mmdebstrap, $(_hosts_packages "$name" | xargs))" >&2
      rm -rf "$dir.tmp"
      mmdebstrap --variant=minbase --include="$(_hosts_packages "$name" | paste -sd,)" \
        "$HOSTS_SUITE" "$dir.tmp" /etc/apt/sources.list.d/debian.sources >"$LAB_STATE/mmdebstrap-$name.log" 2>&1 ||
        { tail -20 "$LAB_STATE/mmdebstrap-$name.log" >&2; rm -rf "$dir.tmp"; exit 1; }
      rm -rf "$dir" && mv "$dir.tmp" "$dir"
      # Root filesystems of older package lists of this host are dropped.
      find "$HOSTS_CACHE" -maxdepth 1 -name "$name-*" ! -name "$name-$key" -exec rm -rf {} +
    fi
  ) 9>"$HOSTS_CACHE/.lock" || return 1
  echo "$dir"
}

# A fresh writable layer for the host: the lab's key, sshd on the host's address.
_hosts_layer() {
  local name=$1 up=$LAB_STATE/$1/upper
  rm -rf "${LAB_STATE:?}/$name"
  mkdir -p "$up/root/.ssh" "$up/etc/ssh/sshd_config.d" "$LAB_STATE/$name/work" "$LAB_STATE/$name/root"
  chmod 700 "$up/root" "$up/root/.ssh"
  install -m 600 "$LAB_STATE/id_ed25519.pub" "$up/root/.ssh/authorized_keys"
  cat >"$up/etc/ssh/sshd_config.d/lab.conf" <<EOF
ListenAddress $(_hosts_addr "$name"):22
PermitRootLogin prohibit-password
PasswordAuthentication no
UsePAM no
PidFile none
EOF
  echo "$name" >"$up/etc/hostname"
  printf '127.0.0.1 localhost\n%s %s\n' "$(_hosts_addr "$name")" "$name" >"$up/etc/hosts"
}

_hosts_start() {
  local name=$1 lower=$2 r=$LAB_STATE/$1/root xs="" pid
  [ "$name" = dom0 ] && xs=$LAB_DIR/xenstored && mkdir -p "$xs"
  # The namespace's shell mounts the host's tree, then becomes its sshd (one PID: the one recorded).
  # shellcheck disable=SC2016  # the script's own positional parameters
  (exec setsid nohup unshare --mount --uts --propagation private -- sh -ec '
    r=$1 lower=$2 state=$3 xs=$4 name=$5
    hostname "$name"
    mount -t overlay overlay -o "lowerdir=$lower,upperdir=$state/upper,workdir=$state/work" "$r"
    mount -t proc proc "$r/proc"
    mount --bind /dev "$r/dev"
    # A bind of /dev leaves out the devpts mounted on it: without one of its own, sshd cannot make a PTY
    # ("PTY allocation request failed"; ssh -tt, which Ansible uses without pipelining, then closes).
    mount -t devpts -o newinstance,ptmxmode=0666,mode=0620 devpts "$r/dev/pts"
    mount -t tmpfs -o mode=755 tmpfs "$r/run"
    mkdir -p "$r/run/sshd" "$r/run/xenstored"
    [ -z "$xs" ] || mount --bind "$xs" "$r/run/xenstored"
    exec chroot "$r" /usr/sbin/sshd -D -e' hosts-"$name" "$r" "$lower" "$LAB_STATE/$name" "$xs" "$name" \
    >>"$LAB_STATE/$name.log" 2>&1 </dev/null) &
  pid=$!
  echo "$pid" >"$LAB_STATE/$name.pid"
}

svc_up() {
  set -euo pipefail
  local name root addr
  for name in $HOSTS_NAMES; do
    addr=$(_hosts_addr "$name")
    if ss -Hltn "src $addr and sport = :22" | grep -q . && ! _hosts_alive "$name"; then
      echo "hosts: $addr:22 is taken by another process" >&2
      return 1
    fi
  done
  svc_down >/dev/null 2>&1 || true
  [ -s "$LAB_STATE/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C datacenter-storage-lab -f "$LAB_STATE/id_ed25519"
  : >"$LAB_STATE/known_hosts"
  mkdir -p "$LAB_STATE/cp"
  for name in $HOSTS_NAMES; do
    root=$(_hosts_rootfs "$name")
    _hosts_layer "$name"
    _hosts_start "$name" "$root"
    echo "$(_hosts_addr "$name") $(cut -d' ' -f1,2 "$root/etc/ssh/ssh_host_ed25519_key.pub")" >>"$LAB_STATE/known_hosts"
  done
  for _ in $(seq 100); do
    if svc_running; then
      echo "LAB_HOSTS_KEY=$LAB_STATE/id_ed25519"
      echo "LAB_HOSTS_KNOWN_HOSTS=$LAB_STATE/known_hosts"
      echo "LAB_HOSTS_CONTROL_DIR=$LAB_STATE/cp"
      for name in $HOSTS_NAMES; do echo "LAB_HOST_$(echo "$name" | tr a-z- A-Z_)=$(_hosts_addr "$name")"; done
      return 0
    fi
    sleep 0.1
  done
  echo "hosts: sshd did not answer; logs:" >&2
  tail -5 "$LAB_STATE"/*.log >&2
  return 1
}

svc_down() {
  local name pid s
  # SSH connection masters the controller keeps open to the hosts (ControlPersist) end first.
  for s in "$LAB_STATE"/cp/*; do
    [ -S "$s" ] && ssh -o ControlPath="$s" -O exit lab >/dev/null 2>&1
  done
  for name in $HOSTS_NAMES; do
    pid=$(_hosts_pid "$name") || continue
    if _hosts_alive "$name"; then
      kill -TERM "$pid"
      for _ in $(seq 50); do _hosts_alive "$name" || break; sleep 0.1; done
      _hosts_alive "$name" && kill -KILL "$pid"
    fi
    rm -f "$LAB_STATE/$name.pid"
  done
  return 0
}
