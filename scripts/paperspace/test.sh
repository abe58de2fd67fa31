#!/usr/bin/env bash
# Tests scripts/paperspace/ against fake_api.py, a local fake of Paperspace's API that records every
# request: the exact calls and their bodies, paging, a missing and a rejected key, --dry-run, the
# refusal to overwrite a state file, cleanup after a failed `up`, and `down` deleting this run's
# machines only, twice. Then a whole `up` against two simulated hosts (network namespaces a3cps-*
# on 198.19.0.0/16, reached through A3C_PS_SSH instead of ssh): a short CartPole run starts with
# TLS and an auth token, reports, ends; status, logs, fetch and down see it through.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
ps=$here/scripts/paperspace
work=$(mktemp -d)
fake_pid=""
namespaces=()
cleanup() {
  local ns pid
  [ -n "$fake_pid" ] && kill "$fake_pid" 2>/dev/null
  for ns in "${namespaces[@]+"${namespaces[@]}"}"; do
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$ns" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
fail() {
  echo "paperspace test FAILED: $*" >&2
  for f in "$work"/out "$work"/err; do [ -s "$f" ] && { echo "--- $f" >&2; tail -30 "$f" >&2; }; done
  [ -s "$work/requests" ] && { echo "--- requests" >&2; calls >&2; }
  exit 1
}

export PAPERSPACE_API_KEY=test-key-$RANDOM A3C_PS_POLL_SECONDS=0.05
export A3C_PS_STATE=$work/state.json A3C_PS_SSH=$work/no-ssh
# Until a case installs the simulated hosts, any SSH call is a failure the case can see.
printf '#!/bin/sh\necho "$*" >> %s/ssh-calls\nexit 255\n' "$work" > "$work/no-ssh"
chmod +x "$work/no-ssh"

# pyenv's shim takes seconds to start a python; its interpreter does not.
python=$(pyenv which python3 2>/dev/null || command -v python3)
# start_fake CONFIG_JSON: a fresh fake with an empty request log.
start_fake() {
  if [ -n "$fake_pid" ]; then kill "$fake_pid"; wait "$fake_pid" 2>/dev/null || true; fi
  rm -f "$work/port" "$work/requests" "$work/ssh-calls"
  touch "$work/requests"
  echo "$1" | jq --arg key "$PAPERSPACE_API_KEY" '. + {apiKey: $key}' > "$work/fake.json"
  "$python" "$ps/fake_api.py" "$work/fake.json" "$work/requests" "$work/port" 2>"$work/fake.err" &
  fake_pid=$!
  for _ in $(seq 100); do [ -f "$work/port" ] && break; sleep 0.1; done
  [ -f "$work/port" ] || fail "the fake API did not start: $(cat "$work/fake.err")"
  export A3C_PS_API_URL="http://127.0.0.1:$(cat "$work/port")/v1"
}
# The requests so far, one "METHOD PATH?QUERY" a line.
calls() { jq -r '"\(.method) \(.path)\(if .query == {} then "" else "?" + (.query | to_entries | map("\(.key)=\(.value)") | join("&")) end)"' "$work/requests"; }
# run NAME ARGS...: runs scripts/paperspace/NAME, its exit status in $rc, output in $work/out and err.
run() { rc=0; "$ps/$1" "${@:2}" > "$work/out" 2> "$work/err" || rc=$?; }
expect_calls() {
  diff <(printf '%s\n' "$@") <(calls) > "$work/calls.diff" || fail "the API calls differ from those expected (< expected, > made):
$(cat "$work/calls.diff")"
}
# The machines the fake still holds, by name.
machine_names() { (source "$ps/lib.sh" && api_list /machines >/dev/null && jq -r '.[].name' <<<"$reply" | LC_ALL=C sort | tr '\n' ' '); }
others='[{"id":"other1","name":"someone-else-gpu","state":"ready"},{"id":"other2","name":"a3c-fff000-h0x","state":"off"}]'

# --- A missing key, a rejected key: exit 2 and one line, nothing made. ---
start_fake '{"addresses": [["198.19.250.1","198.19.251.1"]]}'
rc=0; env -u PAPERSPACE_API_KEY "$ps/up" --hosts 1 --env-name CartPole-v1 > "$work/out" 2> "$work/err" || rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l < "$work/err")" -eq 1 ] && grep -q PAPERSPACE_API_KEY "$work/err" || fail "up without a key: exit $rc, not 2 with one line"
[ ! -s "$work/requests" ] || fail "up without a key called the API"
rc=0; PAPERSPACE_API_KEY=wrong "$ps/up" --hosts 1 --env-name CartPole-v1 > "$work/out" 2> "$work/err" || rc=$?
[ "$rc" -eq 2 ] && [ "$(wc -l < "$work/err")" -eq 1 ] && grep -q "rejected PAPERSPACE_API_KEY (HTTP 401: Invalid API key)" "$work/err" \
  || fail "up with a rejected key: exit $rc, not 2 with one line"
expect_calls "GET /os-templates?limit=100"
[ ! -f "$A3C_PS_STATE" ] || fail "up with a rejected key left a state file"
rc=0; A3C_PS_API_URL=http://127.0.0.1:9/v1 "$ps/up" --hosts 1 --env-name CartPole-v1 > "$work/out" 2> "$work/err" || rc=$?
[ "$rc" -eq 1 ] && grep -q "GET /os-templates?limit=100: cannot reach http://127.0.0.1:9/v1" "$work/err" && [ ! -f "$A3C_PS_STATE" ] \
  || fail "up with the API unreachable: exit $rc, not 1 with the reason"

# --- Bad flags: exit 2 with the reason, nothing called. ---
: > "$work/requests"
run up --hosts 0
[ "$rc" -eq 2 ] && grep -q -- "--hosts must be 1..99, got '0'" "$work/err" || fail "up --hosts 0: exit $rc, not 2 with the reason"
run up --hosts 1 --env-name PongNoFrameskip-v4
[ "$rc" -eq 2 ] && grep -q -- "--rom-dir is needed for PongNoFrameskip-v4" "$work/err" || fail "up for Pong without ROMs: exit $rc, not 2"
run up --hosts 1 --env-name CartPole-v1 --ship-build --ship-bundle
[ "$rc" -eq 2 ] && grep -q -- "--ship-build and --ship-bundle exclude each other" "$work/err" || fail "up with both --ship-build and --ship-bundle: exit $rc, not 2"
run up --hosts 1 --rom-dir "$work"
[ "$rc" -eq 2 ] && grep -q -- "--rom-dir $work holds no \*.bin ROM" "$work/err" || fail "up with an empty --rom-dir: exit $rc, not 2"
mkdir -p "$work/pong-only" && : > "$work/pong-only/pong.bin"
run up --hosts 1 --rom-dir "$work/pong-only" --env-name SpaceInvadersNoFrameskip-v4
[ "$rc" -eq 2 ] && grep -qF -- "--rom-dir $work/pong-only holds no space_invaders.bin, the ROM of SpaceInvadersNoFrameskip-v4" "$work/err" \
  || fail "up without the game's ROM: exit $rc, not 2: $(cat "$work/err")"
run up --hosts 1 --env-name Pong-v5
[ "$rc" -eq 2 ] && grep -qF -- "--env-name must be CartPole-v1 or <Game>NoFrameskip-v4, got 'Pong-v5'" "$work/err" || fail "up --env-name Pong-v5: exit $rc, not 2"
[ ! -s "$work/requests" ] && [ ! -f "$A3C_PS_STATE" ] || fail "up with bad flags called the API or wrote state"

# --- --dry-run prints every call and SSH command, and calls nothing. ---
run up --hosts 2 --env-name CartPole-v1 --dry-run -- --max-steps 100
[ "$rc" -eq 0 ] || fail "up --dry-run: exit $rc"
[ "$(grep -c "dry-run: curl -X POST $A3C_PS_API_URL/machines -d" "$work/out")" -eq 2 ] || fail "up --dry-run did not print two POST /machines"
grep -q "dry-run: curl -X GET $A3C_PS_API_URL/os-templates" "$work/out" || fail "up --dry-run did not print GET /os-templates"
grep -q "nohup scripts/launcher --n-workers 0 --bind .* --max-steps 100 .*--tls-cert" "$work/out" || fail "up --dry-run did not print the server's command"
[ "$(grep -c 'dry-run: .*no-ssh paperspace@<public IP of host [01]>: cd ~/a3c-java && run=' "$work/out")" -eq 3 ] \
  && [ "$(grep -cE 'nohup scripts/launcher --ps .* --tls-ca .* --first-worker-index [0-9]+ ' "$work/out")" -eq 2 ] || fail "up --dry-run did not print both worker hosts' commands"
# A C7 has 12 vCPUs: 11 workers beside the server on host 0, 12 on host 1, indexed 0-10 and 11-22.
grep -qE 'host 0 \(a3c-[0-9a-f]{6}-h0\): n_workers=11$' "$work/out" && grep -qE 'host 1 \(a3c-[0-9a-f]{6}-h1\): n_workers=12$' "$work/out" \
  && grep -q -- '--n-workers 12 --first-worker-index 11 ' "$work/out" || fail "up --dry-run did not plan 11 workers on host 0 and 12 on host 1"
[ ! -s "$work/requests" ] && [ ! -f "$work/ssh-calls" ] && [ ! -f "$A3C_PS_STATE" ] || fail "up --dry-run called the API or SSH, or wrote state"

# --- A failed up (no capacity for the 2nd machine) deletes what it made, and only that. ---
start_fake "{\"pageSize\": 2, \"machines\": $others, \"addresses\": [[\"198.19.250.1\",\"198.19.251.1\"]],
  \"fail\": [{\"method\": \"POST\", \"path\": \"/machines\", \"call\": 2, \"status\": 400, \"message\": \"Out of capacity for C7 in East Coast (NY2)\"}]}"
run up --hosts 3 --env-name CartPole-v1
[ "$rc" -eq 1 ] || fail "up with a failing create: exit $rc, not 1"
grep -q "POST /machines failed: HTTP 400: Out of capacity for C7 in East Coast (NY2)" "$work/err" || fail "up did not print the API's status and message"
grep -q "everything it made is deleted" "$work/err" || fail "up did not say it cleaned up"
expect_calls "GET /os-templates?limit=100" "GET /os-templates?limit=100&after=tmpl-u20" \
  "POST /private-networks" "POST /startup-scripts" "POST /machines" "POST /machines" \
  "GET /machines?limit=100" "GET /machines?limit=100&after=other2" \
  "GET /machines/ps0003" "PATCH /machines/ps0003/stop" "GET /machines/ps0003" "GET /machines/ps0003" \
  "DELETE /machines/ps0003" "GET /machines/ps0003" "DELETE /startup-scripts/sc0002" "DELETE /private-networks/pn0001"
body=$(jq -c 'select(.method == "POST" and .path == "/machines") | .body' "$work/requests" | head -1)
expected=$(jq -c '.' <<<'{"name":"X","machineType":"C7","templateId":"tmpl-u22-server","diskSize":50,"region":"East Coast (NY2)",
  "publicIpType":"dynamic","startupScriptId":"sc0002","networkId":"pn0001","startOnCreate":true}')
[ "$(jq -c '.name = "X"' <<<"$body")" = "$expected" ] || fail "POST /machines body $body, not $expected"
[[ $(jq -r .name <<<"$body") =~ ^a3c-[0-9a-f]{6}-h0$ ]] || fail "machine name $(jq -r .name <<<"$body") is not a3c-RUNID-h0"
jq -s -e 'map(select(.method == "POST" and .path == "/startup-scripts"))[0].body | .isRunOnce == true and (.script | test("openjdk-21-jdk-headless maven"))' "$work/requests" >/dev/null \
  || fail "the startup script does not install a JDK 21 and Maven once"
jq -e -s 'all(.auth)' "$work/requests" >/dev/null || fail "a request went without the key"
[ "$(machine_names)" = "a3c-fff000-h0x someone-else-gpu " ] || fail "after the failed up the fake holds: $(machine_names)"
[ ! -f "$A3C_PS_STATE" ] || fail "the failed up left its state file"

# --- A failed remote part (no host ever answers SSH) deletes the machines too. ---
start_fake '{"addresses": [["198.19.250.1","198.19.251.1"]]}'
A3C_PS_SETUP_SECONDS=1 run up --hosts 1 --env-name CartPole-v1
[ "$rc" -eq 1 ] && grep -q "198.19.250.1: no SSH" "$work/err" || fail "up with unreachable hosts: exit $rc, not 1 with the reason"
[ -s "$work/ssh-calls" ] || fail "up did not try SSH"
[ -z "$(machine_names)" ] && [ ! -f "$A3C_PS_STATE" ] || fail "up with unreachable hosts left: $(machine_names)"

# --- up refuses an existing state file; down deletes this run's machines only (found across pages), twice. ---
start_fake "$(jq -n --argjson others "$others" '{pageSize: 2, machines: ($others + [
  {id: "ps9001", name: "a3c-abc123-h0", state: "ready"}, {id: "ps9002", name: "a3c-abc123-h1", state: "off"},
  {id: "ps9003", name: "a3c-abc1234-h0", state: "ready"}, {id: "ps9004", name: "a3c-abc123-h1-old", state: "ready"}])}')"
# ps9002's create reply was lost (not recorded); other1 is recorded by mistake and must be left alone.
jq -n '{prefix: "a3c-abc123", region: "East Coast (NY2)", machineType: "C7", envName: "CartPole-v1", phase: "running",
  networkId: "pn-shared", networkCreated: false, machines: [{id: "ps9001", name: "a3c-abc123-h0"}, {id: "other1", name: "a3c-abc123-h1"}]}' > "$A3C_PS_STATE"
sum=$(md5sum < "$A3C_PS_STATE")
run up --hosts 1 --env-name CartPole-v1
[ "$rc" -eq 2 ] && grep -q "already records a run (a3c-abc123-h0, a3c-abc123-h1): take it down with scripts/paperspace/down first, or pass --force" "$work/err" \
  || fail "up over a state file: exit $rc, not 2 with the reason"
[ ! -s "$work/requests" ] && [ "$(md5sum < "$A3C_PS_STATE")" = "$sum" ] || fail "up over a state file called the API or changed the file"
run down --dry-run
[ "$rc" -eq 0 ] && grep -q "dry-run: curl -X DELETE $A3C_PS_API_URL/machines/ps9001" "$work/out" && [ ! -s "$work/requests" ] && [ -f "$A3C_PS_STATE" ] \
  || fail "down --dry-run: exit $rc, or it called the API or removed the state"
run down
[ "$rc" -eq 0 ] || fail "down: exit $rc"
grep -q "machine other1 is named 'someone-else-gpu', not one of this run's (a3c-abc123-h<N>): left alone" "$work/err" || fail "down did not refuse the foreign machine"
expect_calls "GET /machines?limit=100" "GET /machines?limit=100&after=other2" "GET /machines?limit=100&after=ps9002" \
  "GET /machines/other1" \
  "GET /machines/ps9001" "PATCH /machines/ps9001/stop" "GET /machines/ps9001" "GET /machines/ps9001" "DELETE /machines/ps9001" "GET /machines/ps9001" \
  "GET /machines/ps9002" "DELETE /machines/ps9002" "GET /machines/ps9002"
[ "$(machine_names)" = "a3c-abc123-h1-old a3c-abc1234-h0 a3c-fff000-h0x someone-else-gpu " ] || fail "after down the fake holds: $(machine_names)"
: > "$work/requests"
run down
[ "$rc" -eq 0 ] && grep -q "nothing to take down" "$work/out" && [ ! -s "$work/requests" ] || fail "a second down: exit $rc, or it called the API"
echo "paperspace API cases passed: calls, paging, keys, dry runs, refusal, cleanup, down twice"

# --- A whole run on two simulated hosts: network namespaces joined by a veth pair, private IPs
# 198.19.N.1 and .2; their "public" IPs .101 and .102 are only what the ssh stand-in maps to them. ---
net=198.19.$(($$ % 200 + 20))
ns0=a3cps-h0-$$ ns1=a3cps-h1-$$
if ! ip netns add "$ns0"; then
  # Namespaces need root (CAP_NET_ADMIN); CI has it, so there this is a failure, not a skip.
  [ "${CI:-}" = true ] && fail "cannot make network namespaces (needs root with CAP_NET_ADMIN)"
  echo "paperspace test SKIPPED the run on simulated hosts: network namespaces need root with CAP_NET_ADMIN" >&2
  exit 0
fi
namespaces+=("$ns0")
ip netns add "$ns1" && namespaces+=("$ns1")
ip link add "a3cps$$a" netns "$ns0" type veth peer name "a3cps$$b" netns "$ns1"
ip -n "$ns0" addr add "$net.1/24" dev "a3cps$$a"
ip -n "$ns1" addr add "$net.2/24" dev "a3cps$$b"
for ns in "$ns0" "$ns1"; do ip -n "$ns" link set lo up; done
ip -n "$ns0" link set "a3cps$$a" up
ip -n "$ns1" link set "a3cps$$b" up
cat > "$work/ssh" <<EOF
#!/usr/bin/env bash
# ssh stand-in: "ssh USER@PUBLIC_IP COMMAND" runs COMMAND in that host's namespace and home folder.
echo "\$1" >> "$work/ssh-calls"
case "\${1#*@}" in
  $net.101) ns=$ns0 ;;
  $net.102) ns=$ns1 ;;
  *) echo "ssh: connect to host \${1#*@} port 22: No route to host" >&2; exit 255 ;;
esac
mkdir -p "$work/home-\$ns" && cd "$work/home-\$ns" && exec ip netns exec "\$ns" env -u JAVA_HOME HOME="$work/home-\$ns" bash -c "\$2"
EOF
chmod +x "$work/ssh"
export A3C_PS_SSH=$work/ssh
run0=$work/home-$ns0/a3c-run run1=$work/home-$ns1/a3c-run

start_fake "{\"addresses\": [[\"$net.101\", \"$net.1\"], [\"$net.102\", \"$net.2\"]]}"
run up --hosts 2 --machine-type C5 --env-name CartPole-v1 --ship-build --workers-per-host 1 --price-per-hour 0.5 -- --max-steps 2000 --lr 0.001
[ "$rc" -eq 0 ] || fail "up on two simulated hosts: exit $rc"
grep -q "parameter server listening on $net.1:50051 (TLS, auth token)" "$work/out" || fail "up did not start the server on host 0's private IP"
grep -qE "host 0 \(a3c-[0-9a-f]{6}-h0\): n_workers=1$" "$work/out" && grep -qE "host 1 \(a3c-[0-9a-f]{6}-h1\): n_workers=1$" "$work/out" \
  || fail "up did not start one worker on each host"
grep -q 'cost: 2 x \$0.5 = \$1.00 per hour' "$work/out" || fail "up did not print the cost per hour"
grep -q "parameter-server listening on $net.1:50051" "$run0/server.log" || fail "the server does not listen on $net.1"
[ "$(stat -c %a "$run0/auth-token")" = 600 ] && [ "$(stat -c %a "$run0/tls/server.key")" = 600 ] && [ ! -e "$run1/tls/server.key" ] \
  || fail "the auth token or the server's key is readable by others, or was sent to host 1"
[ "$(jq -r '.phase' "$A3C_PS_STATE")" = running ] || fail "the state file does not record a running run"
# Each machine was polled through provisioning and starting to ready before SSH.
[ "$(calls | grep -c '^POST /machines$')" -eq 2 ] && [ "$(calls | grep -c '^GET /machines/ps000[34]$')" -ge 6 ] || fail "up did not create and poll two machines"

# The run reports while it trains and ends at its step limit; every process on both hosts ends with it.
deadline=$((SECONDS + 150))
until "$ps/status" > "$work/status" 2>&1 && grep -q "^server: ended" "$work/status"; do
  [ "$SECONDS" -lt "$deadline" ] || { cat "$work/status" >&2; tail -5 "$run0/server.log" "$run1"/*.log >&2; fail "the run did not end within 150 s"; }
  sleep 1
done
grep -qE "a3c-[0-9a-f]{6}-h1  ps0004  ready  public $net.102  private $net.2" "$work/status" || fail "status did not show host 1 ready"
grep -qE "^progress episodes=[1-9][0-9]* global_step=[0-9]+ mean100=" "$work/status" || fail "status showed no progress line: $(cat "$work/status")"
grep -q "parameter-server stopped: STOP_REASON_MAX_STEPS" "$run0/server.log" && grep -q "^server: ended: run-summary .*exit=step_limit" "$work/status" \
  || fail "the server did not stop at its step limit: $(tail -3 "$run0/server.log")"
grep -l " episode" "$run1"/*.log > /dev/null || fail "no worker on host 1 played an episode"
[ "$(cut -d, -f4 "$run0/episodes.csv" | sed 1d | sort -u | wc -l)" -ge 2 ] || fail "episodes.csv holds fewer than two workers' episodes"
deadline=$((SECONDS + 60))
while [ -n "$(ip netns pids "$ns0")$(ip netns pids "$ns1")" ]; do
  [ "$SECONDS" -lt "$deadline" ] || fail "processes outlived the run: $(ip netns pids "$ns0") $(ip netns pids "$ns1")"
  sleep 0.5
done

run logs --lines 3
[ "$rc" -eq 0 ] && grep -q "=== host 0" "$work/out" && grep -q "=== host 1" "$work/out" && grep -q -- "--- server.log" "$work/out" \
  || fail "logs: exit $rc, or a host's logs missing"
run fetch "$work/fetched"
[ "$rc" -eq 0 ] || fail "fetch: exit $rc"
for f in episodes.csv server.log scores.png; do [ -s "$work/fetched/$f" ] || fail "fetch brought no $f"; done
[ -n "$(ls "$work/fetched/checkpoints")" ] || fail "fetch brought no checkpoint"
ls "$work/fetched"/hosts/a3c-*-h1/*.log > /dev/null || fail "fetch brought no log of host 1"
[ -z "$(find "$work/fetched" -name auth-token -o -name server.key -o -name tls)" ] || fail "fetch copied the run's secrets"

# Every verb's --dry-run prints its calls and SSH commands and makes none; without a key, each stops.
: > "$work/requests"
: > "$work/ssh-calls"
for verb in status logs "fetch $work/dry" down; do
  run $verb --dry-run
  [ "$rc" -eq 0 ] && grep -q "^dry-run: curl -X GET $A3C_PS_API_URL/machines" "$work/out" || fail "$verb --dry-run: exit $rc, or no call printed"
  [ "$verb" = down ] || grep -q "^dry-run: $work/ssh paperspace@$net.101: " "$work/out" || fail "$verb --dry-run printed no SSH command"
  rc=0; env -u PAPERSPACE_API_KEY "$ps/${verb%% *}" ${verb#* } > "$work/out" 2> "$work/err" || rc=$?
  [ "$rc" -eq 2 ] && [ "$(wc -l < "$work/err")" -eq 1 ] || fail "$verb without a key: exit $rc, not 2 with one line"
done
[ ! -s "$work/requests" ] && [ ! -s "$work/ssh-calls" ] && [ ! -e "$work/dry" ] || fail "a --dry-run or a keyless verb called the API or SSH, or wrote files"

run down
[ "$rc" -eq 0 ] || fail "down after the run: exit $rc"
for call in "DELETE /machines/ps0003" "DELETE /machines/ps0004" "DELETE /startup-scripts/sc0002" "DELETE /private-networks/pn0001"; do
  calls | grep -qx "$call" || fail "down did not call $call"
done
[ -z "$(machine_names)" ] && [ ! -f "$A3C_PS_STATE" ] || fail "after down the fake holds: $(machine_names)"
run down
[ "$rc" -eq 0 ] && grep -q "nothing to take down" "$work/out" || fail "a second down: exit $rc"

# A checkpoint to resume is checked before anything is made: no file, not a checkpoint, another game.
: > "$work/requests"
mkdir -p "$work/roms" && : > "$work/roms/pong.bin"
printf 'not a checkpoint' > "$work/junk.a3c"
for case in "--env-name CartPole-v1 --resume $work/nothing|--resume $work/nothing: no such file or folder" \
  "--env-name CartPole-v1 --resume $work/junk.a3c|--resume $work/junk.a3c is not an a3c-java checkpoint" \
  "--env-name CartPole-v1 --resume $work/roms|--resume $work/roms holds no checkpoint-NNNNNN.a3c" \
  "--rom-dir $work/roms --resume $work/fetched/checkpoints|is not a run of PongNoFrameskip-v4: pass the --env-name it was trained on" \
  "--env-name CartPole-v1 -- --resume x|give --resume to up, before --"; do
  run up --hosts 1 ${case%%|*}
  [ "$rc" -eq 2 ] && grep -qF -- "${case#*|}" "$work/err" || fail "up ${case%%|*}: exit $rc, not 2 with '${case#*|}': $(cat "$work/err")"
done
[ ! -s "$work/requests" ] && [ ! -f "$A3C_PS_STATE" ] || fail "up with a bad --resume called the API or wrote state"

# --- A run from a bundle on one simulated host: its startup script installs nothing, and the server
# runs on the bundle's Java runtime, from a folder with no sources to build. ---
rm -rf "$work/home-$ns0" "$work/home-$ns1"
start_fake "{\"addresses\": [[\"$net.101\", \"$net.1\"]]}"
# It continues the first run from the checkpoints fetch brought.
run up --hosts 1 --machine-type C5 --env-name CartPole-v1 --ship-bundle --workers-per-host 2 --resume "$work/fetched/checkpoints" \
  -- --max-steps 100000000 --lr 0.001 --checkpoint-every 5
[ "$rc" -eq 0 ] || fail "up --ship-bundle on a simulated host: exit $rc"
jq -se '[.[] | select(.method == "POST" and .path == "/startup-scripts")] | length == 1 and (.[0].body.script | test("apt-get") | not)' \
  "$work/requests" > /dev/null || fail "up --ship-bundle made no startup script, or one that installs packages"
exe=$(readlink "/proc/$(cat "$run0/server.pid")/exe" || true)
[ "$exe" = "$work/home-$ns0/a3c-java/runtime/bin/java" ] && [ ! -e "$work/home-$ns0/a3c-java/pom.xml" ] \
  || fail "the server on the host runs '$exe', not the bundle's runtime, or the host holds the sources"
grep -q "hosts prepared: bundle, ROMs and secrets on each" "$work/out" || fail "up --ship-bundle did not say it sent the bundle"
grep -q "\[ps\] .*resumed from .*/resume.a3c: version [1-9]" "$run0/server.log" || fail "the bundle's run did not resume the fetched checkpoint: $(grep '\[ps\]' "$run0/server.log" | head -5)"
# The server runs under a launcher: killed, it is restarted from its newest checkpoint and the host's workers go on.
wait_for() {  # wait_for SECONDS WHAT COMMAND...: until COMMAND succeeds
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@"; do [ "$SECONDS" -lt "$deadline" ] || fail "$what: $(tail -5 "$run0/server.log")"; sleep 0.5; done
}
checkpointed() { [ -n "$(ls "$run0/checkpoints" 2>/dev/null)" ]; }
wait_for 120 "no checkpoint of the bundle's run" checkpointed
ps_pid=$(pgrep -P "$(cat "$run0/server.pid")" -f a3c.ps.ParameterServerCommand) || fail "no server JVM under host 0's launcher"
kill -KILL "$ps_pid"
wait_for 60 "the server's launcher did not restart it" grep -q "\[supervisor\] ps exited with 137; restart 1/" "$run0/server.log"
relisten() { [ "$(grep -c "parameter-server listening on $net.1:50051" "$run0/server.log")" -ge 2 ]; }
wait_for 120 "the restarted server did not listen again" relisten
resumed() { grep -q "\[ps\] .*resumed from .*/checkpoints/checkpoint-" "$run0/server.log"; }
wait_for 30 "the restarted server did not resume from a checkpoint" resumed
launcher_line() { "$ps/status" > "$work/status" 2>&1 && grep -qE "^launcher: progress seconds=.* agent_steps_per_s=[0-9.]+ " "$work/status"; }
wait_for 60 "status showed no progress line of the server's launcher" launcher_line
episodes=$(wc -l < "$run0/episodes.csv")
more_episodes() { [ "$(wc -l < "$run0/episodes.csv")" -gt $((episodes + 5)) ]; }
wait_for 120 "no episode after the server's restart" more_episodes

# stop pauses the run (worker host, then the server with a final checkpoint, then the machines); start continues it.
# A watch running meanwhile ends without fetching or taking anything down.
timeout 300 "$ps/watch" "$work/watched" --every 1 > "$work/watch-out" 2>&1 &
watch_pid=$!
run stop
[ "$rc" -eq 0 ] && grep -q "stopped: its machines are off" "$work/out" || fail "stop: exit $rc: $(cat "$work/err")"
[ "$(jq -r .phase "$A3C_PS_STATE")" = stopped ] && calls | grep -qE "^PATCH /machines/ps[0-9]+/stop$" || fail "stop did not stop the machine"
grep -q "run-summary .*exit=stopped_by_user" "$run0/server.log" || fail "the server did not stop gracefully: $(tail -3 "$run0/server.log")"
no_process() { [ -z "$(ip netns pids "$ns0")" ]; }
wait_for 60 "processes outlived stop: $(ip netns pids "$ns0")" no_process
rc=0; wait "$watch_pid" || rc=$?
[ "$rc" -eq 0 ] && grep -q "^the run was stopped (scripts/paperspace/stop): nothing fetched" "$work/watch-out" && [ ! -e "$work/watched" ] \
  || fail "a watch during stop: exit $rc, or it fetched: $(cat "$work/watch-out")"
run status
[ "$rc" -eq 0 ] && grep -q "^the run is stopped" "$work/out" || fail "status of a stopped run: exit $rc: $(cat "$work/out")"
run watch "$work/watched"
[ "$rc" -eq 2 ] && grep -q "the run is not running (phase stopped)" "$work/err" || fail "watch of a stopped run: exit $rc, not 2"
resumes=$(grep -c "\[ps\] .*resumed from .*/checkpoints" "$run0/server.log")
episodes=$(wc -l < "$run0/episodes.csv")
run start
[ "$rc" -eq 0 ] && [ "$(jq -r .phase "$A3C_PS_STATE")" = running ] || fail "start: exit $rc: $(cat "$work/err")"
[ "$(grep -c "\[ps\] .*resumed from .*/checkpoints" "$run0/server.log")" -gt "$resumes" ] || fail "start did not resume the server's newest checkpoint"
wait_for 120 "no episode after start" more_episodes
run start
[ "$rc" -eq 2 ] && grep -q "the run is not stopped (phase running)" "$work/err" || fail "start of a running run: exit $rc, not 2"

# watch follows the run until its server ends (here: its launcher asked to stop), then fetches it and takes it down.
run watch --dry-run "$work/watched"
[ "$rc" -eq 0 ] && grep -q "^dry-run: curl -X GET $A3C_PS_API_URL/machines" "$work/out" && [ ! -e "$work/watched" ] \
  && [ -f "$A3C_PS_STATE" ] || fail "watch --dry-run: exit $rc, or it made files or took the run down"
run watch "$work/watched" --every 0
[ "$rc" -eq 2 ] && grep -q -- "--every must be a whole number of seconds >= 1" "$work/err" || fail "watch --every 0: exit $rc, not 2"
kill -TERM "$(cat "$run0/server.pid")"
rc=0; timeout 300 "$ps/watch" "$work/watched" --every 1 > "$work/out" 2> "$work/err" || rc=$?
[ "$rc" -eq 0 ] || fail "watch: exit $rc: $(tail -5 "$work/err")"
grep -q "^server: ended: run-summary .*exit=stopped_by_user" "$work/out" && grep -q "^all gone" "$work/out" \
  || fail "watch did not see the run end and take it down: $(cat "$work/out")"
[ -s "$work/watched/episodes.csv" ] && [ -n "$(ls "$work/watched/checkpoints")" ] || fail "watch fetched no episodes or checkpoints"
[ ! -f "$A3C_PS_STATE" ] && [ -z "$(machine_names)" ] || fail "after watch the fake holds: $(machine_names)"
for pid in $(ip netns pids "$ns0"); do kill -TERM "$pid" 2>/dev/null || true; done
echo "paperspace test passed: up on two simulated hosts, a CartPole run over TLS to its step limit, status, logs, fetch, down twice; a bad --resume; a run from a bundle that resumed the fetched checkpoint, whose killed server came back, stopped and started again, and that watch fetched and took down once it ended"
