# How each peer is launched and probed. Sourced by tools/peers.
#
# State of peer NAME lives in $STATE_DIR/NAME/: port, pid ("PID STARTTIME"), server.log, data/, home/.
# Servers run with a scrubbed environment (env -i): a CLUSTER_ID, LISTENER_URL, DEBUG or AWS_* variable
# in the caller's shell must not change what the tests talk to.

PEERS=(kafka mongo mongo-auth redis s3)
MONGO_AUTH_USER=switchyard-admin

peer_dir() { printf '%s/%s\n' "$STATE_DIR" "$1"; }
peer_port() { cat "$(peer_dir "$1")/port"; }

# Whole seconds a peer may take to answer after its start. LocalStack loads its services eagerly (3-6 s warm,
# more on a cold page cache); the others are up in about a second.
ready_timeout() {
    case $1 in
    s3) echo "${SWITCHYARD_PEERS_S3_TIMEOUT:-120}" ;;
    *) echo "${SWITCHYARD_PEERS_TIMEOUT:-60}" ;;
    esac
}

# launch NAME [MODE]: starts the server of NAME on its recorded port; MODE "bootstrap" starts mongo-auth
# without --auth so its first user can be created.
launch() {
    local name=$1 mode=${2:-} dir port
    dir=$(peer_dir "$name")
    port=$(<"$dir/port")
    mkdir -p "$dir/data" "$dir/home"
    # HOME per peer: LocalStack and SecantusDB look for configuration and caches under ~.
    local -a clean_env=(env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
        HOME="$dir/home" LANG=C.UTF-8)
    local -a cmd
    case $name in
    kafka)
        # Tansu stores in memory only in this build (its --help lists storage engine "dynostore"): a
        # restart loses topics and offsets. The advertised listener is what metadata hands to clients.
        cmd=("${clean_env[@]}" "$TANSU_BIN" broker
            --listener-url "tcp://127.0.0.1:$port"
            --advertised-listener-url "tcp://127.0.0.1:$port"
            --storage-engine memory://tansu/)
        ;;
    mongo | mongo-auth)
        # An explicit (empty) --config turns off SecantusDB's search of ./secantusd.toml, ~/.secantus/ and
        # /etc/secantus/ for settings. The storage survives a restart (same --storage-path).
        : >"$dir/secantusd.toml"
        # --sync-on-commit: the WiredTiger log is fsync'd before a write is acknowledged. SecantusDB does not
        # stop on SIGTERM and, with clients connected, not within the grace on SIGINT either, so a restart
        # ends in SIGKILL; without the sync that loses writes it had acknowledged (seen in the tests of
        # writes across a restart). Costs about a third of insert throughput here.
        cmd=("${clean_env[@]}" "$VENV_PEERS/bin/secantusd-py" --config "$dir/secantusd.toml"
            --host 127.0.0.1 --port "$port" --storage-path "$dir/data" --sync-on-commit)
        if [[ $name == mongo-auth && $mode != bootstrap ]]; then cmd+=(--auth); fi
        ;;
    redis)
        # DEBUG (from loopback only) lets the RESP3 tests make the server send every reply type (DEBUG PROTOCOL).
        cmd=("${clean_env[@]}" "$REDIS_SERVER_BIN" --port "$port" --bind 127.0.0.1 --save '' --appendonly no
            --daemonize no --dir "$dir/data" --enable-debug-command local)
        ;;
    s3)
        # LocalStack in host mode (no Docker). SKIP_SSL_CERT_DOWNLOAD: it would otherwise try to fetch a
        # certificate from the internet at every start.
        cmd=("${clean_env[@]}"
            GATEWAY_LISTEN="127.0.0.1:$port" GATEWAY_SERVER=hypercorn LOCALSTACK_HOST="127.0.0.1:$port"
            SERVICES=s3,sqs,sns EAGER_SERVICE_LOADING=1 S3_SKIP_SIGNATURE_VALIDATION=0
            OVERRIDE_IN_DOCKER=0 FILESYSTEM_ROOT="$dir/data" DNS_ADDRESS=0 DISABLE_EVENTS=1
            SKIP_SSL_CERT_DOWNLOAD=1
            "$VENV_LOCALSTACK/bin/python" -m localstack.runtime.main)
        ;;
    *) die "unknown peer: $name" ;;
    esac
    printf '\n==== %s: start %s\n' "$(date -u +%FT%TZ)" "${cmd[*]}" >>"$dir/server.log"
    spawn "$dir/server.log" "$dir/data" "${cmd[@]}"
    pid_file_write "$dir/pid" "$SPAWNED_PID"
}

# probe NAME: waits until the launched server of NAME answers a real request with a reference client.
probe() {
    local name=$1 dir pid start port timeout
    dir=$(peer_dir "$name")
    read -r pid start <"$dir/pid"
    port=$(<"$dir/port")
    timeout=$(ready_timeout "$name")
    case $name in
    redis)
        local deadline=$((SECONDS + timeout))
        while :; do
            running "$pid" "$start" || { log "redis: server process $pid exited before answering"; return 1; }
            # redis-cli has no reply timeout of its own: a server that accepts and never answers would hang it.
            [[ $(timeout 2 "$REDIS_CLI_BIN" -h 127.0.0.1 -p "$port" ping 2>/dev/null) == PONG ]] && return 0
            ((SECONDS < deadline)) || { log "redis: no PONG after $timeout s"; return 1; }
            sleep 0.1
        done
        ;;
    mongo-auth)
        SWITCHYARD_MONGO_AUTH_USER=$MONGO_AUTH_USER SWITCHYARD_MONGO_AUTH_PASSWORD=$(mongo_auth_password) \
            "$VENV_PEERS/bin/python" "$TOOLS_DIR/peers.d/probe.py" wait "$name" "$port" "$pid" "$timeout"
        ;;
    *)
        "$VENV_PEERS/bin/python" "$TOOLS_DIR/peers.d/probe.py" wait "$name" "$port" "$pid" "$timeout"
        ;;
    esac
}

# The admin password of mongo-auth, made once per `up` (a fresh storage) and kept across restarts.
mongo_auth_password() {
    local file
    file=$(peer_dir mongo-auth)/password
    if [[ ! -s $file ]]; then
        od -An -N12 -tx1 /dev/urandom | tr -d ' \n' >"$file"
    fi
    cat "$file"
}

# bootstrap_mongo_auth: SecantusDB has no localhost exception and no flag or variable for a first user;
# its documented way is to create users on an instance without --auth, then restart it with --auth on the
# same storage. Done once per fresh storage (marker file "bootstrapped").
bootstrap_mongo_auth() {
    local dir
    dir=$(peer_dir mongo-auth)
    [[ -f $dir/bootstrapped ]] && return 0
    [[ -f $dir/pid ]] || launch mongo-auth bootstrap
    local port pid start
    port=$(<"$dir/port")
    read -r pid start <"$dir/pid"
    "$VENV_PEERS/bin/python" "$TOOLS_DIR/peers.d/probe.py" wait mongo "$port" "$pid" "$(ready_timeout mongo)" &&
        "$VENV_PEERS/bin/python" "$TOOLS_DIR/peers.d/probe.py" create-user "$port" "$MONGO_AUTH_USER" \
            "$(mongo_auth_password)" || return 1
    stop_pid_files "$dir/pid"
    [[ ! -e $dir/pid ]] || return 1
    touch "$dir/bootstrapped"
}

# start_peer NAME: launch, or for mongo-auth bootstrap then launch (without probing).
start_peer() {
    if [[ $1 == mongo-auth ]]; then
        bootstrap_mongo_auth || return 1
    fi
    launch "$1"
}

# stop_signal NAME: how a server is asked to stop. SecantusDB ignores SIGTERM (it keeps serving; seen with
# 0.7.0b3, with or without clients); on SIGINT it closes WiredTiger and exits in about 2 s when no client
# is connected (with clients it may outlast the grace: see --sync-on-commit where mongo is launched).
stop_signal() {
    case $1 in
    mongo | mongo-auth) echo INT ;;
    *) echo TERM ;;
    esac
}

# stop_grace NAME: seconds a server gets between its stop signal and SIGKILL. SecantusDB needs about 2 s to close
# WiredTiger cleanly. LocalStack under hypercorn logs "Stopping all services" on SIGTERM and then often
# hangs; nothing of it needs to survive, so it gets little time.
stop_grace() {
    case $1 in
    s3) echo 3 ;;
    *) echo 10 ;;
    esac
}

# Free loopback ports, one per line: bound to port 0 all at once (so they are distinct), then released.
free_ports() {
    "$BASE_PYTHON" - "$1" <<'EOF'
import socket, sys
socks = []
for _ in range(int(sys.argv[1])):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    socks.append(s)
for s in socks:
    print(s.getsockname()[1])
EOF
}

write_env_file() {
    local kafka mongo mongo_auth redis s3 password tmp
    kafka=$(peer_port kafka) mongo=$(peer_port mongo) mongo_auth=$(peer_port mongo-auth)
    redis=$(peer_port redis) s3=$(peer_port s3) password=$(mongo_auth_password)
    tmp=$ENV_FILE.tmp
    cat >"$tmp" <<EOF
SWITCHYARD_KAFKA_BOOTSTRAP=127.0.0.1:$kafka
SWITCHYARD_KAFKA_PORT=$kafka
SWITCHYARD_MONGO_URL=mongodb://127.0.0.1:$mongo/?retryWrites=false
SWITCHYARD_MONGO_PORT=$mongo
SWITCHYARD_MONGO_AUTH_URL=mongodb://$MONGO_AUTH_USER:$password@127.0.0.1:$mongo_auth/?authSource=admin&retryWrites=false
SWITCHYARD_MONGO_AUTH_PORT=$mongo_auth
SWITCHYARD_MONGO_AUTH_USER=$MONGO_AUTH_USER
SWITCHYARD_MONGO_AUTH_PASSWORD=$password
SWITCHYARD_MONGO_AUTH_MECHANISM=SCRAM-SHA-256
SWITCHYARD_REDIS_URL=redis://127.0.0.1:$redis
SWITCHYARD_REDIS_HOST=127.0.0.1
SWITCHYARD_REDIS_PORT=$redis
SWITCHYARD_S3_ENDPOINT=http://127.0.0.1:$s3
SWITCHYARD_S3_PORT=$s3
SWITCHYARD_S3_REGION=us-east-1
SWITCHYARD_S3_ACCESS_KEY=test
SWITCHYARD_S3_SECRET_KEY=test
SWITCHYARD_SQS_ENDPOINT=http://127.0.0.1:$s3
SWITCHYARD_SNS_ENDPOINT=http://127.0.0.1:$s3
SWITCHYARD_PEERS_PYTHON=$VENV_PEERS/bin/python
SWITCHYARD_PEERS_TOOL=$TOOLS_DIR/peers
SWITCHYARD_PEERS_STATE=$STATE_DIR
SWITCHYARD_TANSU_BIN=$TANSU_BIN
SWITCHYARD_SECANTUSD_BIN=$VENV_PEERS/bin/secantusd-py
SWITCHYARD_REDIS_SERVER_BIN=$REDIS_SERVER_BIN
SWITCHYARD_REDIS_CLI_BIN=$REDIS_CLI_BIN
SWITCHYARD_LOCALSTACK_PYTHON=$VENV_LOCALSTACK/bin/python
EOF
    mv "$tmp" "$ENV_FILE"
}
