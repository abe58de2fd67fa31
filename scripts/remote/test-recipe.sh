#!/usr/bin/env bash
# Tests vm.sh's recipe on this host, as two VMs would use it: `vm.sh server` runs the parameter
# server with no local workers, `vm.sh workers` starts a worker host of two workers against it over
# TCP with the shared secret, a host with a wrong secret is turned away, the run ends on its step
# limit, and the worker host exits with it, having made its relay's and workers' JVM caches (JDK 24+).
# `setup` (apt-get) and `fetch` (scp to another host) are left out: they need root and a second host.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "test-recipe FAILED: $*" >&2
  for log in "$work"/run/*/console.log; do
    [ -f "$log" ] && { echo "--- $log" >&2; tail -20 "$log" >&2; }
  done
  exit 1
}
# Waits up to $2 seconds for process $1 (not our child: vm.sh detached it) to exit.
await_exit() {
  local deadline=$((SECONDS + $2))
  while kill -0 "$1" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || return 1
    sleep 0.5
  done
}

# A free port: nothing answers on it now.
port=$((20000 + RANDOM % 20000))
while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done

# JVM caches of their own: a worker host's first run makes them.
export A3C_RUN_DIR="$work/run" A3C_PORT="$port" A3C_AUTH_TOKEN="recipe-$RANDOM$RANDOM" XDG_CACHE_HOME="$work/cache"
server=$("$here/scripts/remote/vm.sh" server --env-name CartPole-v1 --n-workers 0 --lr 0.001 \
  --port "$port" --max-steps 20000)
launcher_pid=$(echo "$server" | awk '/^launcher pid/ {print $3}')
[ -n "$launcher_pid" ] || fail "vm.sh server printed no pid: $server"
run=$(dirname "$(echo "$server" | awk '/^launcher pid/ {print $6}')")
[ -d "$run" ] || fail "vm.sh server named no run folder: $server"
pids+=("$launcher_pid")
"$here/scripts/remote/vm.sh" workers 127.0.0.1 2 100 --env-name CartPole-v1 > "$work/workers.txt"
read -r _ _ _ host_pid _ _ host_log < "$work/workers.txt"
[ -n "$host_pid" ] && [ -n "$host_log" ] || fail "vm.sh workers printed no pid and log: $(cat "$work/workers.txt")"
pids+=("$host_pid")

# A host without the secret is turned away at once, and says why.
A3C_AUTH_TOKEN=wrong "$here/scripts/remote/vm.sh" workers 127.0.0.1 1 102 --env-name CartPole-v1 > "$work/intruder.txt"
read -r _ _ _ intruder_pid _ _ intruder_log < "$work/intruder.txt"
pids+=("$intruder_pid")
await_exit "$intruder_pid" 60 || fail "a worker host with the wrong token was not turned away within 60 s"
grep -q "refused this host: wrong auth token" "$intruder_log" || fail "the turned-away worker host did not say why"

await_exit "$launcher_pid" 180 || fail "the run did not end within 180 s"
grep -q "run-summary env=CartPole-v1 workers=0 .*exit=step_limit" "$run/console.log" \
  || fail "no run-summary with exit=step_limit in console.log"
await_exit "$host_pid" 60 || fail "the worker host (pid $host_pid) outlived the run"
for index in 100 101; do
  grep -q "worker $(hostname)-$index episode" "$host_log" || fail "worker $index played no episode"
  grep -q "worker $(hostname)-$index stops" "$host_log" || fail "worker $index did not stop cleanly"
done
grep -q "host-summary workers=2" "$host_log" || fail "the worker host printed no summary"
major=$(source "$here/scripts/lib.sh" && java_major "$JAVA_HOME/bin/java")
if [ "$major" -ge 24 ]; then
  for kind in relay worker; do
    grep -q "JVM cache for the $kind made" "$host_log" && ls "$work/cache/a3c-java/jvm/$kind-"*.aot > /dev/null 2>&1 \
      || fail "the worker host made no JVM cache for its $kind"
  done
fi
grep -q "$(hostname)-100" "$run/episodes.csv" || fail "the server recorded no episode of worker 100"
echo "test-recipe passed: vm.sh server + a vm.sh workers host on port $port, the run ended at its step limit"
