# Sourced by up, status, logs, fetch and down: Paperspace's REST API through curl, SSH to the
# machines, and the local state file that records what a run made. See scripts/paperspace/README.md.
PS_CHECKOUT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PS_API=${A3C_PS_API_URL:-https://api.paperspace.com/v1}
PS_USER=${A3C_PS_USER:-paperspace}
# Seconds between polls of a machine's state or its SSH; the tests make it short.
PS_POLL=${A3C_PS_POLL_SECONDS:-5}
# Where each host keeps the checkout, the ROMs and the run (relative to its home folder).
PS_REMOTE_CHECKOUT=a3c-java
PS_REMOTE_RUN=a3c-run
state_file=${A3C_PS_STATE:-$PS_CHECKOUT/.paperspace/state.json}
dry_run=false
for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "paperspace: needs $tool (apt-get install -y $tool)" >&2; exit 2; }
done

usage_error() { echo "paperspace: $*" >&2; exit 2; }

# Parses the options every verb takes; the rest of the arguments are left in verb_args.
common_options() {
  verb_args=()
  while [ $# -gt 0 ]; do
    case "$1" in
      --dry-run) dry_run=true ;;
      --state) [ $# -ge 2 ] || usage_error "--state needs a FILE"; state_file=$2; shift ;;
      --state=*) state_file=${1#--state=} ;;
      *) verb_args+=("$1") ;;
    esac
    shift
  done
}

# Every call needs the key; a dry run calls nothing and does not.
require_key() {
  $dry_run && return 0
  [ -n "${PAPERSPACE_API_KEY:-}" ] || usage_error "PAPERSPACE_API_KEY is not set: make a key at https://console.paperspace.com (Team settings, API keys) and export it"
}

# api METHOD PATH [JSON]: the reply's body in $reply, its HTTP status in $api_status. An API error
# prints the status and the API's message and returns 1 (silently for a 404 when the caller sets
# quiet_404=true: gone is what it expects); a rejected key returns 2. Callers `|| exit` pass either
# on. A dry run prints the call and leaves $reply empty.
api() {
  local method=$1 path=$2 body=${3:-} out status
  reply="" api_status=""
  if $dry_run; then
    echo "dry-run: curl -X $method $PS_API$path${body:+ -d '$body'}"
    return 0
  fi
  out=$(mktemp)
  local args=(-sS -o "$out" -w '%{http_code}' --max-time 60 -X "$method" -H "Authorization: Bearer $PAPERSPACE_API_KEY"
    -H "Accept: application/json")
  [ -n "$body" ] && args+=(-H "Content-Type: application/json" --data "$body")
  # Reads and deletes are safe to repeat when the network hiccups; a create is not (a second machine).
  [ "$method" = GET ] || [ "$method" = DELETE ] && args+=(--retry 3 --retry-delay 2)
  if ! status=$(curl "${args[@]}" "$PS_API$path" 2>"$out.err"); then
    echo "paperspace: $method $path: cannot reach $PS_API: $(tail -1 "$out.err")" >&2
    rm -f "$out" "$out.err"
    return 1
  fi
  reply=$(cat "$out")
  rm -f "$out" "$out.err"
  api_status=$status
  case "$status" in
    2??) return 0 ;;
    401 | 403)
      echo "paperspace: the API rejected PAPERSPACE_API_KEY (HTTP $status: $(api_message))" >&2
      return 2 ;;
    404) [ "${quiet_404:-}" = true ] || echo "paperspace: $method $path failed: HTTP 404: $(api_message)" >&2
      return 1 ;;
    *)
      echo "paperspace: $method $path failed: HTTP $status: $(api_message)" >&2
      return 1 ;;
  esac
}

api_message() {
  jq -r '.message // .error // empty' <<<"$reply" 2>/dev/null | head -1 | grep . || echo "${reply:0:200}"
}

# api_list PATH: every item of a paged list (items, hasMore, nextPage; ?after=nextPage) as one JSON
# array in $reply. At most 100 pages, so that a cursor that never ends cannot loop forever.
api_list() {
  local path=$1 items='[]' after="" page sep
  case "$path" in *\?*) sep='&' ;; *) sep='?' ;; esac
  for ((page = 0; page < 100; page++)); do
    api GET "$path${sep}limit=100${after:+&after=$after}" || return
    $dry_run && return 0
    items=$(jq -c --argjson acc "$items" 'if type == "array" then $acc + . else $acc + .items end' <<<"$reply")
    if [ "$(jq -r 'type == "object" and .hasMore == true' <<<"$reply")" != true ]; then
      reply=$items
      return 0
    fi
    after=$(jq -r '.nextPage // empty' <<<"$reply")
    [ -n "$after" ] || { echo "paperspace: GET $path says hasMore but gives no nextPage" >&2; return 1; }
  done
  echo "paperspace: GET $path: more than 100 pages" >&2
  return 1
}

# --- The state file: what this run made, written after every step so that a crash loses nothing. ---

state() { jq -r "$@" "$state_file"; }

state_update() {
  $dry_run && return 0
  local filter=$1; shift
  jq "$@" "$filter" "$state_file" > "$state_file.tmp" && mv "$state_file.tmp" "$state_file"
}

require_state() {
  [ -f "$state_file" ] || { echo "paperspace: no run recorded in $state_file (start one with scripts/paperspace/up)" >&2; exit 1; }
}

# The machines this run made: exactly <prefix>-h<N>, so that nothing else ever matches.
machine_pattern() { echo "^$(state .prefix | sed 's/[.[\*^$]/\\&/g')-h[0-9]+\$"; }

# --- SSH: A3C_PS_SSH replaces the ssh command, e.g. to run against simulated hosts in tests. ---

ssh_command() {
  if [ -n "${A3C_PS_SSH:-}" ]; then
    read -ra ssh_cmd <<<"$A3C_PS_SSH"
  else
    # Fresh machines have unknown host keys; they are kept next to the state, not in ~/.ssh.
    ssh_cmd=(ssh -o BatchMode=yes -o ConnectTimeout=10 -o ServerAliveInterval=30 -o Compression=yes -o LogLevel=ERROR
      -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile="$state_file.known_hosts")
  fi
}

# on_host IP COMMAND: runs COMMAND in the host's home folder, stdin passed through.
on_host() {
  local ip=$1 command=$2
  if $dry_run; then
    echo "dry-run: ${ssh_cmd[0]} $PS_USER@$ip: $command"
    return 0
  fi
  "${ssh_cmd[@]}" "$PS_USER@$ip" "$command"
}

# host_lines: "index name publicIp privateIp" for each recorded machine.
host_lines() { state -r '.machines | to_entries[] | "\(.key) \(.value.name) \(.value.publicIp // "-") \(.value.privateIp // "-")"'; }

# record_public_ip ID: stores the public IP in $reply (a machine's) for ID; a dynamic IP changes
# when a machine restarts, and SSH must use the current one.
record_public_ip() {
  local ip
  ip=$(jq -r '.publicIp // empty' <<<"$reply")
  [ -z "$ip" ] || state_update '(.machines[] | select(.id == $id) | .publicIp) = $ip' --arg id "$1" --arg ip "$ip"
}

# refresh_addresses: record_public_ip for every recorded machine; one already gone is skipped.
refresh_addresses() {
  local id rc
  for id in $(state '.machines[].id'); do
    rc=0
    quiet_404=true api GET "/machines/$id" || rc=$?
    [ "$rc" -eq 0 ] || [ "$api_status" = 404 ] || exit "$rc"
    $dry_run || [ "$rc" -ne 0 ] || record_public_ip "$id"
  done
}

# --- Teardown, for down and for a failed up. ---

# wait_machine ID STATE SECONDS: polls until the machine is in STATE ("gone": until it is deleted).
wait_machine() {
  local id=$1 want=$2 deadline=$((SECONDS + $3)) now
  $dry_run && { api GET "/machines/$id"; return 0; }
  while [ "$SECONDS" -lt "$deadline" ]; do
    if quiet_404=true api GET "/machines/$id"; then
      now=$(jq -r .state <<<"$reply")
      [ "$now" = "$want" ] && return 0
      [ "$now" = failed ] && { echo "paperspace: machine $id failed (state failed)" >&2; return 1; }
    else
      case "$api_status" in
        404) [ "$want" = gone ] && return 0
          echo "paperspace: machine $id is gone (deleted outside this run?)" >&2
          return 1 ;;
        401 | 403) return 2 ;;
      esac
    fi
    sleep "$PS_POLL"
  done
  echo "paperspace: machine $id not $want after $3 s" >&2
  return 1
}

# delete_machine ID: stops the machine (its hourly billing ends), deletes it, waits until it is gone.
# A machine whose name is not one of this run's is left alone.
delete_machine() {
  local id=$1 name rc=0
  quiet_404=true api GET "/machines/$id" || rc=$?
  if [ "$rc" -ne 0 ]; then
    [ "$api_status" = 404 ] && { echo "machine $id: already gone"; return 0; }
    return "$rc"
  fi
  if ! $dry_run; then
    name=$(jq -r .name <<<"$reply")
    if ! [[ $name =~ $(machine_pattern) ]]; then
      echo "paperspace: machine $id is named '$name', not one of this run's ($(state .prefix)-h<N>): left alone" >&2
      return 0
    fi
    if [ "$(jq -r .state <<<"$reply")" != off ]; then
      api PATCH "/machines/$id/stop" || return
      wait_machine "$id" off "${A3C_PS_STOP_SECONDS:-600}" || return
    fi
  else
    api PATCH "/machines/$id/stop"
  fi
  api DELETE "/machines/$id" || return
  wait_machine "$id" gone "${A3C_PS_STOP_SECONDS:-600}" || return
  echo "machine $id${name:+ ($name)}: deleted"
}

# delete_resource KIND ID: a startup script or private network; gone already is fine. A network is
# retried while the machines just deleted still hold it.
delete_resource() {
  local kind=$1 id=$2 try rc
  for ((try = 0; try < 10; try++)); do
    quiet_404=true api DELETE "/$kind/$id" && { echo "$kind $id: deleted"; return 0; }
    rc=$?
    [ "$api_status" = 404 ] && { echo "$kind $id: already gone"; return 0; }
    [ "$rc" -eq 2 ] && return 2
    sleep "$PS_POLL"
  done
  return 1
}

# teardown: deletes every machine of this run (recorded, or named <prefix>-h<N> in the account: a
# machine whose create reply was lost is not recorded), its startup script and, if this run made it,
# its private network; then the state file. Returns non-zero, keeping the state, if anything is left.
teardown() {
  local ids id left=0 network script
  ids=$(state '.machines[].id')
  api_list /machines || return
  $dry_run || ids=$(printf '%s\n' $ids $(jq -r --arg p "$(machine_pattern)" '.[] | select(.name | test($p)) | .id' <<<"$reply") | sort -u)
  for id in $ids; do
    delete_machine "$id" || left=$((left + 1))
  done
  script=$(state '.startupScriptId // empty')
  [ -n "$script" ] && { delete_resource startup-scripts "$script" || left=$((left + 1)); }
  network=$(state 'if .networkCreated then .networkId else empty end')
  [ -n "$network" ] && { delete_resource private-networks "$network" || left=$((left + 1)); }
  if [ "$left" -gt 0 ]; then
    echo "paperspace: $left thing(s) could not be deleted; they are still recorded in $state_file: run scripts/paperspace/down again, or delete them in the console (https://console.paperspace.com)" >&2
    return 1
  fi
  $dry_run || rm -f "$state_file" "$state_file.known_hosts"
}
