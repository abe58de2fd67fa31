# Sourced by the scripts in this folder: finds a JDK >= 21, builds the jars once, runs a main class.
A3C_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}

# JAVA_HOME if it is >= 21, else `java` on the PATH if it is, else the newest JDK under /usr/lib/jvm.
find_java_home() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" "$(dirname "$(dirname "$(readlink -f "$(command -v java 2>/dev/null || echo /nonexistent)")")")" \
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
  if [ ! -f "$A3C_LIB/a3c-launcher.marker" ] || [ -n "$(find "$A3C_HOME" -path '*/src/main/*' -newer "$A3C_LIB/a3c-launcher.marker" -print -quit 2>/dev/null)" ]; then
    echo "building a3c-java (mvn package) ..." >&2
    (cd "$A3C_HOME" && mvn -q -B -DskipTests package >&2) || { echo "build failed" >&2; exit 1; }
    touch "$A3C_LIB/a3c-launcher.marker"
  fi
}

# run_main CLASS [ARGS...]: one compute thread per JVM; the workers are the parallelism.
run_main() {
  ensure_built
  local main=$1; shift
  local unsafe=""
  # protobuf and netty still use sun.misc.Unsafe; JDK 23+ would warn about it at every start.
  [ "$(java_major "$JAVA_HOME/bin/java")" -ge 23 ] && unsafe="--sun-misc-unsafe-memory-access=allow"
  # The Atari network acts through the Vector API, still an incubator module.
  exec "$JAVA_HOME/bin/java" $unsafe --enable-native-access=ALL-UNNAMED --add-modules jdk.incubator.vector ${A3C_JAVA_OPTS:-} -Dai.djl.offline=true -cp "$A3C_LIB/*" "$main" "$@"
}
