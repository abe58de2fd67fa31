# Sourced by the scripts in this folder: finds a JDK >= 21, builds the jars once, runs a main class.
A3C_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

# JAVA_HOME if it is >= 21, else a bundle's own runtime (scripts/bundle), else `java` on the PATH if
# it is >= 21, else the newest JDK under /usr/lib/jvm.
find_java_home() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" "$A3C_HOME/runtime" "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")" \
      $(ls -d /usr/lib/jvm/*/ /Library/Java/JavaVirtualMachines/*/Contents/Home/ 2>/dev/null | sort -rV); do
    candidate=${candidate%/}
    [ -n "$candidate" ] && [ -x "$candidate/bin/java" ] || continue
    major=$(java_major "$candidate/bin/java")
    if [ "${major:-0}" -ge 21 ] 2>/dev/null; then echo "$candidate"; return 0; fi
  done
  echo "a3c-java needs a JDK 21 or newer: set JAVA_HOME to one (none found in JAVA_HOME, on the PATH or under /usr/lib/jvm)" >&2
  return 1
}

# Assigned, then exported: `export X=$(f) || exit` takes export's status, which is 0 even when f fails.
JAVA_HOME=$(find_java_home) || exit 1
export JAVA_HOME
A3C_LIB="$A3C_HOME/launcher/target/lib"

ensure_built() {
  # A bundle (scripts/bundle) has no sources: its jars are what it runs.
  [ -f "$A3C_HOME/pom.xml" ] || return 0
  # jvm.options is packaged in the jars too (a3c.jvm.JvmOptions reads that copy).
  if [ ! -f "$A3C_LIB/a3c-launcher.marker" ] || [ -n "$(find "$A3C_HOME" \( -path '*/src/main/*' -o -path "$A3C_HOME/scripts/jvm.options" \) -newer "$A3C_LIB/a3c-launcher.marker" -print -quit 2>/dev/null)" ]; then
    echo "building a3c-java (mvn package) ..." >&2
    (cd "$A3C_HOME" && mvn -q -B -DskipTests package >&2) || { echo "build failed" >&2; exit 1; }
    touch "$A3C_LIB/a3c-launcher.marker"
  fi
}

# jvm_options KIND: sets JVM_OPTIONS to what scripts/jvm.options declares for every JVM and for KIND
# (server, worker, relay, launcher, tool), on this JDK; the file says why each option is there.
jvm_options() {
  local kind=$1 major line_kind from option
  major=$(java_major "$JAVA_HOME/bin/java")
  JVM_OPTIONS=()
  while read -r line_kind from option; do
    case "$line_kind" in '' | '#'*) continue ;; esac
    if { [ "$line_kind" = all ] || [ "$line_kind" = "$kind" ]; } && [ "$major" -ge "$from" ]; then
      JVM_OPTIONS+=("$option")
    fi
  done < "$A3C_HOME/scripts/jvm.options"
}

# run_main KIND CLASS [ARGS...]: CLASS in a JVM of KIND (see jvm_options), then $A3C_JAVA_OPTS, which win.
run_main() {
  ensure_built
  local kind=$1 main=$2; shift 2
  jvm_options "$kind"
  exec "$JAVA_HOME/bin/java" "${JVM_OPTIONS[@]}" ${A3C_JAVA_OPTS:-} -cp "$A3C_LIB/*" "$main" "$@"
}

# Simulated hosts (scripts/bench-hosts, scripts/check-link-outage): network namespaces, kept in the
# caller's array `namespaces`, and the processes started in them, in its array `pids`.
# add_namespace SCRIPT NAME: creates NAME with its loopback up; without CAP_NET_ADMIN (root), says
# so in SCRIPT's name and exits 2.
add_namespace() {
  local err
  if ! err=$(ip netns add "$2" 2>&1); then
    echo "$1: cannot create a network namespace (needs root with CAP_NET_ADMIN): $err" >&2
    exit 2
  fi
  namespaces+=("$2")
  ip netns exec "$2" ip link set lo up
}

# end_namespaces: stops the processes in `pids` (TERM, then KILL after 20 s), then deletes the
# namespaces in `namespaces` (their veths go with them).
end_namespaces() {
  local pid ns deadline=$((SECONDS + 20))
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  for ns in "${namespaces[@]}"; do ip netns del "$ns" 2>/dev/null || true; done
}
