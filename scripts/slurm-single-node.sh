#!/usr/bin/env bash
# A one-node Slurm cluster on this machine (Debian's slurm-wlm + munge), for the `ddvi bench
# --executor slurm` test: slurmctld and slurmd on localhost, one partition `debug` with every CPU.
#
#   scripts/slurm-single-node.sh start   install (apt) when missing, configure, start; idempotent
#   scripts/slurm-single-node.sh stop    stop the daemons this script started
#   scripts/slurm-single-node.sh status  sinfo, or a non-zero exit when the cluster is not up
#
# Needs root (or sudo). Containers have no systemd and often no writable cgroups, hence
# proctrack/linuxproc and task/none; accounting is off (the runner does not need sacct).
set -euo pipefail

if [[ $(id -u) -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then exec sudo -E "$0" "$@"; fi
  echo "slurm-single-node: needs root (or sudo) to install and start slurmctld, slurmd and munged" >&2
  exit 1
fi

CONF_DIR=/etc/slurm
STATE=/var/spool/ddvi-slurm
LOGS=/var/log/ddvi-slurm
NODE=localhost
PARTITION=debug

log() { echo "slurm-single-node: $*" >&2; }

install() {
  if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null && command -v munged >/dev/null; then
    return
  fi
  log "installing slurm-wlm and munge (apt)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurm-wlm munge >/dev/null
}

configure() {
  mkdir -p "$CONF_DIR" "$STATE/ctld" "$STATE/d" "$LOGS"
  # The node's real shape (CPUs, sockets, memory) as slurmd sees it, under our node name.
  local shape
  shape=$(slurmd -C | head -n 1 | sed -e 's/^NodeName=[^ ]* //')
  cat >"$CONF_DIR/slurm.conf.new" <<EOF
# Written by scripts/slurm-single-node.sh: a one-node test cluster.
ClusterName=ddvi
SlurmctldHost=$NODE(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
SlurmdParameters=config_overrides
StateSaveLocation=$STATE/ctld
SlurmdSpoolDir=$STATE/d
SlurmctldPidFile=$STATE/slurmctld.pid
SlurmdPidFile=$STATE/slurmd.pid
SlurmctldLogFile=$LOGS/slurmctld.log
SlurmdLogFile=$LOGS/slurmd.log
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
# Quick turnarounds for tests: a cancelled task is killed 2 s after SIGTERM.
KillWait=2
MinJobAge=30
SchedulerParameters=sched_interval=2
NodeName=$NODE NodeAddr=127.0.0.1 $shape State=UNKNOWN
PartitionName=$PARTITION Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
  mv "$CONF_DIR/slurm.conf.new" "$CONF_DIR/slurm.conf"
}

running() { [[ -f "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }

start_munge() {
  if munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then return; fi
  mkdir -p /run/munge /var/lib/munge /var/log/munge
  chown munge:munge /run/munge /var/lib/munge /var/log/munge
  chmod 0755 /run/munge
  if [[ ! -s /etc/munge/munge.key ]]; then
    dd if=/dev/urandom bs=1 count=1024 of=/etc/munge/munge.key status=none
    chown munge:munge /etc/munge/munge.key
    chmod 0400 /etc/munge/munge.key
  fi
  runuser -u munge -- /usr/sbin/munged
  for _ in $(seq 50); do
    if munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; then return; fi
    sleep 0.1
  done
  log "munged did not start"
  exit 1
}

start() {
  install
  start_munge
  configure
  if ! running "$STATE/slurmctld.pid"; then
    slurmctld
  else
    scontrol reconfigure >/dev/null 2>&1 || true
  fi
  running "$STATE/slurmd.pid" || slurmd -N "$NODE"
  # Wait until the node takes jobs; a node drained by an earlier run is put back.
  for i in $(seq 120); do
    local s
    s=$(sinfo -h -n "$NODE" -o %T 2>/dev/null || true)
    case "$s" in
      idle* | mixed* | allocated*) log "up: node $NODE ($s), partition $PARTITION"; return ;;
      drain* | down*) scontrol update NodeName="$NODE" State=RESUME >/dev/null 2>&1 || true ;;
    esac
    sleep 0.5
    if [[ $i -eq 120 ]]; then
      log "the node did not come up (state: ${s:-unknown}); logs in $LOGS"
      tail -n 20 "$LOGS"/*.log >&2 || true
      exit 1
    fi
  done
}

stop() {
  for d in slurmd slurmctld; do
    if running "$STATE/$d.pid"; then
      kill "$(cat "$STATE/$d.pid")"
      log "stopped $d"
    fi
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) sinfo ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
