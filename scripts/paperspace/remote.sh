# Sourced by up: the part of a run that happens on the machines, over SSH (A3C_PS_SSH). Host 0 runs
# the parameter server under a launcher (restarted from its newest checkpoint if it dies) on its
# private address with a fresh auth token and TLS (a CA made here with openssl, its key never
# leaving this machine); every host runs a worker host.

# Run once as root at a machine's first boot: a JDK >= 21 and Maven (Ubuntu 22.04 has both), or
# nothing for a bundle, which brings its own Java runtime and needs no build.
startup_script() {
  if $ship_bundle; then
    printf '#!/bin/bash\n# a3c-java (scripts/paperspace/up --ship-bundle): the bundle brings its own Java runtime.\ntrue\n'
    return
  fi
  cat <<'EOF'
#!/bin/bash
# a3c-java (scripts/paperspace/up): a JDK >= 21 and Maven.
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q openjdk-21-jdk-headless maven || apt-get install -y -q openjdk-25-jdk-headless maven
EOF
}

# What every host needs before the copy: SSH answers and the startup script has installed its tools.
host_ready() {
  if $ship_bundle; then echo true; else echo 'command -v mvn >/dev/null && ls -d /usr/lib/jvm/*-2[1-9]* >/dev/null 2>&1'; fi
}

# The code the hosts run: the checkout as git sees it (tracked and new files, uncommitted edits
# included; ignored ones such as target/ left out), plus the built jars when shipped; with
# --ship-bundle, the bundle up made before any machine.
pack_checkout() {
  local out=$1
  $ship_bundle && return 0
  (cd "$PS_CHECKOUT" && {
    git ls-files -co --exclude-standard
    if $ship_build; then find launcher/target/lib -type f; fi
  } | tar -cf "$out" --ignore-failed-read --verbatim-files-from -T - 2>/dev/null)
}

# make_tls DIR IP: a CA for this run, and a certificate for the server's private IP signed by it.
make_tls() {
  local dir=$1 ip=$2
  mkdir -p "$dir"
  (cd "$dir" \
    && openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 30 -subj "/CN=a3c-java run CA" \
    && openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out server.key \
    && openssl req -new -key server.key -out server.csr -subj "/CN=$ip" \
    && printf 'subjectAltName=IP:%s\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' "$ip" > server.ext \
    && openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out server.pem -days 30 -extfile server.ext) \
    >/dev/null 2>&1 || { echo "paperspace: openssl could not make the run's TLS certificates" >&2; return 1; }
}

# wait_host IP [READY]: until SSH answers and READY succeeds there (by default: the startup script is done).
wait_host() {
  local ip=$1 ready=${2:-$(host_ready)} deadline=$((SECONDS + ${A3C_PS_SETUP_SECONDS:-900}))
  $dry_run && { on_host "$ip" "$ready"; return 0; }
  until on_host "$ip" "$ready" 2>/dev/null; do
    [ "$SECONDS" -lt "$deadline" ] || { echo "paperspace: $ip: no SSH, or not ready ($ready), after ${A3C_PS_SETUP_SECONDS:-900} s" >&2; return 1; }
    sleep "$PS_POLL"
  done
}

# prepare_host IP WORK SECRETS_TAR: copies the checkout, the ROMs and the run's secrets, builds, and
# prints the host's vCPU count. A shipped build was checked fresh here; its marker is touched there
# because the copy's folders are newer than it, which would make scripts/lib.sh rebuild.
prepare_host() {
  local ip=$1 work=$2 secrets=$3
  wait_host "$ip" \
    && on_host "$ip" "rm -rf ~/$PS_REMOTE_CHECKOUT && mkdir -p ~/$PS_REMOTE_CHECKOUT ~/roms ~/$PS_REMOTE_RUN && tar -x$($ship_bundle && echo J)f - $($ship_bundle && echo --strip-components=1) -C ~/$PS_REMOTE_CHECKOUT" < "$work/code" \
    && on_host "$ip" "tar -xf - -C ~/roms" < "$work/roms.tar" \
    && on_host "$ip" "umask 077 && tar -xf - -C ~/$PS_REMOTE_RUN" < "$secrets" \
    && on_host "$ip" "cd ~/$PS_REMOTE_CHECKOUT && $($ship_build && echo 'touch launcher/target/lib/a3c-launcher.marker && ')bash -c 'source scripts/lib.sh && ensure_built' >&2 && nproc"
}

# server_command BIND [RESUME]: the command that starts host 0's parameter server, from the
# checkpoint RESUME names on the host if given, and waits until it answers. A launcher of no
# workers runs it (the host's workers are its worker host's): it restarts a server that dies or
# hangs, and writes the run folder a local run has (episodes.csv, checkpoints/, scores.png, the
# TensorBoard events, the test games' GIFs at the target). Its console is server.log; launcher.log
# in the same folder holds the same lines. A restarted run appends to the logs.
server_command() {
  local bind=$1 resume=${2:-} args
  args=$(printf ' %q' --n-workers 0 --bind "$bind" --port "$port" --env-name "$env_name" ${server_args[@]+"${server_args[@]}"})
  [ -z "$resume" ] || args+=" --resume $resume"
  cat <<EOF
cd ~/$PS_REMOTE_CHECKOUT && run=~/$PS_REMOTE_RUN && export A3C_AUTH_TOKEN=\$(cat \$run/auth-token) || exit 1
before=\$(cat \$run/server.log 2>/dev/null | wc -l)
nohup scripts/launcher$args --run-dir \$run --rom-dir \$HOME/roms --tls-cert \$run/tls/server.pem --tls-key \$run/tls/server.key >> \$run/server.log 2>&1 < /dev/null &
echo \$! > ~/$PS_REMOTE_RUN/server.pid
for i in \$(seq 240); do
  tail -n +\$((before + 1)) ~/$PS_REMOTE_RUN/server.log | grep -q 'parameter server ready on' && exit 0
  kill -0 \$(cat ~/$PS_REMOTE_RUN/server.pid) 2>/dev/null || break
  sleep 0.5
done
echo "the parameter server did not start:"; tail -5 ~/$PS_REMOTE_RUN/server.log; exit 1
EOF
}

# worker_host_command PS_ADDRESS N FIRST_INDEX: the command that starts a host's N workers
# against the server as a supervised worker host (`scripts/launcher --ps`: one relay holds the
# host's connection, workers that die are restarted), indexed from FIRST_INDEX so that no two
# workers of the run share a seed.
worker_host_command() {
  local ps=$1 count=$2 first=$3 common
  common="$(printf ' %q' --ps "$ps" --env-name "$env_name") --rom-dir \$HOME/roms --tls-ca \$run/tls/ca.pem"
  cat <<EOF
cd ~/$PS_REMOTE_CHECKOUT && run=~/$PS_REMOTE_RUN && export A3C_AUTH_TOKEN=\$(cat \$run/auth-token) || exit 1
nohup scripts/launcher$common --n-workers $count --first-worker-index $first --run-dir \$run/worker-host \
  >> \$run/worker-host.log 2>&1 < /dev/null &
echo \$! > \$run/worker-host.pid
EOF
}

documented_vcpus() {
  case "$1" in C5) echo 4 ;; C6) echo 8 ;; C7) echo 12 ;; C8) echo 16 ;; C9) echo 24 ;; *) echo 2 ;; esac
}

# start_run: the remote part of up; its files (tarballs, the CA's key) go to $ps_work, which up deletes.
start_run() {
  local work=$ps_work i ip private0 secrets pids=() vcpus workers first=0 name
  if ! $dry_run; then
    pack_checkout "$work/code"
    if [ -n "$rom_dir" ]; then (cd "$rom_dir" && find . -maxdepth 1 -name '*.bin' | tar -cf "$work/roms.tar" -T -); else tar -cf "$work/roms.tar" -T /dev/null; fi
    private0=$(state '.machines[0].privateIp')
    make_tls "$work/tls" "$private0" || return
    openssl rand -hex 16 > "$work/auth-token"
    chmod 600 "$work/auth-token" "$work/tls/server.key"
    # Host 0 gets the server's certificate and key, and the checkpoint to resume; every host the CA
    # and the token. The CA's key stays here.
    local resume_entry=()
    [ -z "$resume_file" ] || { cp "$resume_file" "$work/resume.a3c" && resume_entry=(resume.a3c); }
    tar -cf "$work/secrets-0.tar" -C "$work" auth-token tls/ca.pem tls/server.pem tls/server.key ${resume_entry[@]+"${resume_entry[@]}"}
    tar -cf "$work/secrets.tar" -C "$work" auth-token tls/ca.pem
  else
    private0="<private IP of host 0>"
    touch "$work/code" "$work/roms.tar" "$work/secrets.tar" "$work/secrets-0.tar"
    echo "dry-run: $($ship_bundle && echo 'a bundle of this build (scripts/bundle)' || echo 'tar this checkout'), the ROMs in ${rom_dir:-<none>}, an auth token and TLS certificates for $private0 (openssl)$([ -z "$resume_file" ] || echo ", host 0 the checkpoint $resume_file"), then on every host:"
  fi
  for ((i = 0; i < hosts; i++)); do
    ip=$(if $dry_run; then echo "<public IP of host $i>"; else state ".machines[$i].publicIp"; fi)
    secrets=$work/secrets.tar
    [ "$i" -eq 0 ] && secrets=$work/secrets-0.tar
    if $dry_run; then
      prepare_host "$ip" "$work" "$secrets"
    else
      prepare_host "$ip" "$work" "$secrets" > "$work/vcpus-$i" 2> "$work/host-$i.log" &
      pids+=($!)
    fi
  done
  for ((i = 0; i < ${#pids[@]}; i++)); do
    if ! wait "${pids[$i]}"; then
      echo "paperspace: preparing host $i failed:" >&2
      tail -20 "$work/host-$i.log" >&2
      kill "${pids[@]}" 2>/dev/null || true
      return 1
    fi
  done
  $dry_run || echo "hosts prepared: $($ship_bundle && echo 'bundle' || echo 'checkout, build'), ROMs and secrets on each"

  ip=$(if $dry_run; then echo "<public IP of host 0>"; else state ".machines[0].publicIp"; fi)
  on_host "$ip" "$(server_command "$private0" "$([ -z "$resume_file" ] || echo '$run/resume.a3c')")" || return 1
  $dry_run || echo "parameter server listening on $private0:$port (TLS, auth token)"
  for ((i = 0; i < hosts; i++)); do
    ip=$(if $dry_run; then echo "<public IP of host $i>"; else state ".machines[$i].publicIp"; fi)
    name=$(if $dry_run; then echo "$prefix-h$i"; else state ".machines[$i].name"; fi)
    # A dry run assumes the type's documented vCPUs; a real one counts them on the host.
    vcpus=$(if $dry_run; then documented_vcpus "$machine_type"; else tail -1 "$work/vcpus-$i"; fi)
    [[ $vcpus =~ ^[0-9]+$ ]] || { echo "paperspace: host $i reported no vCPU count" >&2; return 1; }
    workers=${workers_per_host:-$vcpus}
    [ "$i" -eq 0 ] && workers=$((workers > 1 ? workers - 1 : 1))
    on_host "$ip" "$(worker_host_command "$private0:$port" "$workers" "$first")" || return 1
    state_update '.machines[$i] += {vcpus: $v, workers: $w}' --argjson i "$i" --argjson v "$vcpus" --argjson w "$workers"
    echo "host $i ($name): n_workers=$workers"
    first=$((first + workers))
  done
}

print_summary() {
  $dry_run && return 0
  local total
  echo
  echo "made: $(state '.machines | length') x $machine_type in $region, private network $(state .networkId), startup script $(state .startupScriptId)"
  state -r '.machines[] | "  \(.name)  \(.id)  public \(.publicIp)  private \(.privateIp)  \(.vcpus) vCPUs  \(.workers) workers"'
  if [ -n "$price" ]; then
    total=$(awk -v n="$hosts" -v p="$price" 'BEGIN { printf "%.2f", n * p }')
    echo "cost: $hosts x \$$price = \$$total per hour while the machines exist (plus their disks by the month)"
  else
    echo "cost: $hosts x the hourly price of $machine_type (see https://www.paperspace.com/pricing, or pass --price-per-hour)"
  fi
  echo "state: $state_file"
  echo "next: scripts/paperspace/status | scripts/paperspace/logs | scripts/paperspace/fetch DIR | scripts/paperspace/down"
}
