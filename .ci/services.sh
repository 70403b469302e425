#!/usr/bin/env bash
# Start or stop the services the real-engine tests need, all inside one private folder:
# a Docker daemon on its own socket (Debian's docker.io) and Debian's docker-registry on
# 127.0.0.1:5000. CI (.ci/run) and developers use the same script:
#
#   .ci/services.sh start DIR     # start both; writes DIR/env (source it: DOCKER_HOST=...)
#   .ci/services.sh start-ns DIR  # the same inside a new network namespace, kept at DIR/netns
#   .ci/services.sh stop DIR      # stop both (only the processes whose pids are in DIR)
#                                 # and unmount what dockerd (and start-ns) left under DIR
#
# REGISTRY_ADDR (default 127.0.0.1:5000) moves the registry when that port is taken;
# DOCKERD_ARGS adds dockerd flags. One daemon per network namespace: a second dockerd beside
# the first shares docker0 and iptables with it (and with --bridge=none deletes docker0 under
# it). `start-ns` gives a second daemon and registry a namespace of their own (loopback
# only): their containers' host ports and 127.0.0.1:5000 are seen only from inside it
# (`nsenter --net=DIR/netns`, or tests/second_daemon.py), their socket from anywhere.
set -euo pipefail

usage() { echo "usage: $0 start|stop DIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
action=$1
dir=$(realpath -m "$2")
registry_addr=${REGISTRY_ADDR:-127.0.0.1:5000}

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
    local seconds=$1 what=$2
    shift 2
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        if ((SECONDS >= deadline)); then
            echo "services: $what did not come up within ${seconds}s" >&2
            return 1
        fi
        sleep 0.5
    done
}

stop_pidfile() {  # stop_pidfile FILE: TERM the process, then KILL it after 20 s
    local file=$1 pid
    [[ -s $file ]] || return 0
    pid=$(cat "$file")
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$file"
}

inside=()  # the command prefix that runs a program in the services' network namespace

start() {
    mkdir -p "$dir/data" "$dir/exec" "$dir/registry"
    local sock="$dir/docker.sock"
    "${inside[@]}" dockerd --host "unix://$sock" --data-root "$dir/data" --exec-root "$dir/exec" \
        --pidfile "$dir/docker.pid" ${DOCKERD_ARGS:-} >"$dir/dockerd.log" 2>&1 &
    wait_for 60 "dockerd (log: $dir/dockerd.log)" \
        curl -fsS --unix-socket "$sock" http://docker/_ping || {
        tail -n 30 "$dir/dockerd.log" >&2
        return 1
    }

    cat >"$dir/registry.yml" <<YAML
version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: $dir/registry
  delete:
    enabled: true
http:
  addr: $registry_addr
YAML
    "${inside[@]}" docker-registry serve "$dir/registry.yml" >"$dir/registry.log" 2>&1 &
    echo $! >"$dir/registry.pid"
    wait_for 30 "docker-registry (log: $dir/registry.log)" \
        "${inside[@]}" curl -fsS "http://$registry_addr/v2/" || {
        tail -n 30 "$dir/registry.log" >&2
        return 1
    }

    cat >"$dir/env" <<ENV
export DOCKER_HOST=unix://$sock
export COURSE_REGISTRY=$registry_addr
ENV
    if ((${#inside[@]})); then
        echo "export COURSE_NETNS=$dir/netns" >>"$dir/env"
    fi
    echo "services: dockerd at unix://$sock, registry at $registry_addr (source $dir/env)"
}

start_ns() {  # a persistent network namespace (a bind mount at DIR/netns), loopback up
    mkdir -p "$dir"
    touch "$dir/netns"
    unshare --net="$dir/netns" true
    inside=(nsenter "--net=$dir/netns")
    "${inside[@]}" ip link set lo up
    start
}

stop() {
    stop_pidfile "$dir/registry.pid"
    stop_pidfile "$dir/docker.pid"
    # dockerd unmounts its layers on a clean stop; after a KILL some may remain.
    local mount
    awk -v d="$dir/" 'index($2, d) == 1 {print $2}' /proc/mounts | sort -r |
        while read -r mount; do umount -l "$mount" 2>/dev/null || true; done
}

case $action in
    start) start ;;
    start-ns) start_ns ;;
    stop) stop ;;
    *) usage ;;
esac
