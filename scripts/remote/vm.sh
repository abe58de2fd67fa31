#!/usr/bin/env bash
# Recipe for runs across rented Linux VMs; see scripts/remote/README.md.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
run_dir=${A3C_RUN_DIR:-$HOME/a3c-run}

case "${1:-}" in
  setup)
    if [ -x "$here/runtime/bin/java" ] && [ ! -f "$here/pom.xml" ]; then
      echo "a bundle (scripts/bundle) with its own Java runtime: nothing to install or build; copy your ROMs (pong.bin, ...) to ~/roms"
      exit 0
    fi
    # A JDK >= 21 and Maven from the distribution, then the build.
    if ! command -v mvn >/dev/null || ! ls -d /usr/lib/jvm/*2[1-9]* /usr/lib/jvm/*-2[1-9]-* >/dev/null 2>&1; then
      sudo apt-get update -q
      sudo apt-get install -y -q openjdk-21-jdk-headless maven || sudo apt-get install -y -q openjdk-25-jdk-headless maven
    fi
    (cd "$here" && scripts/test -DskipTests -q)
    echo "built; copy your ROMs (pong.bin, breakout.bin, ...) to ~/roms"
    ;;
  server)
    shift
    # A fresh run folder each time: the launcher refuses one that holds an earlier run's checkpoints
    # unless told to continue it (--resume ~/a3c-run/<earlier>/checkpoints).
    run=$run_dir/$(date +%Y%m%d-%H%M%S)
    mkdir -p "$run"
    nohup "$here/scripts/launcher" --bind 0.0.0.0 --run-dir "$run" "$@" > "$run/console.log" 2>&1 &
    echo "launcher pid $! ; log: $run/console.log"
    ;;
  workers)
    shift
    server=$1 count=$2 first=$3
    shift 3
    # One supervised worker host: the workers, restarted when they die, behind one relay that holds
    # the host's only connection to the server.
    run=$run_dir/host-$(date +%Y%m%d-%H%M%S)-$first
    mkdir -p "$run"
    nohup "$here/scripts/launcher" --ps "$server:${A3C_PORT:-50051}" --n-workers "$count" --first-worker-index "$first" \
      --run-dir "$run" "$@" > "$run/console.log" 2>&1 &
    echo "worker host pid $! ; log: $run/console.log"
    ;;
  fetch)
    shift
    remote=$1 target=$2
    mkdir -p "$target"
    scp -r "$remote:${A3C_RUN_DIR:-a3c-run}/." "$target/"
    echo "copied to $target"
    ;;
  *)
    echo "usage: $0 setup | server LAUNCHER_FLAGS... | workers SERVER COUNT FIRST_INDEX LAUNCHER_FLAGS... | fetch USER@HOST DIR" >&2
    exit 2
    ;;
esac
