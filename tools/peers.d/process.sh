# Process bookkeeping for tools/peers: start a server in its own session, know whether it still runs,
# stop it by its recorded pid. Sourced by tools/peers.
#
# A pid file holds "PID STARTTIME" (STARTTIME: field 22 of /proc/PID/stat, clock ticks since boot), so a pid
# that the kernel has since reused for another process is never taken for our server, nor signalled.

# proc_stat PID: sets PROC_STATE, PROC_PGID, PROC_START; fails if PID does not exist. (No subshell: the
# stop loops call it often.)
proc_stat() {
    local stat
    { read -r stat <"/proc/$1/stat"; } 2>/dev/null || return 1
    # comm (field 2) may hold spaces and parentheses: split after its last ')'.
    local -a fields
    read -ra fields <<<"${stat##*) }"
    PROC_STATE=${fields[0]} PROC_PGID=${fields[2]} PROC_START=${fields[19]}
}

# running PID STARTTIME: the process exists, has not exited and is the one we started.
# A daemon that exited but whose new parent (PID 1 after our shell left) has not reaped it is a zombie,
# which `kill -0` still finds: look at its state instead.
running() {
    proc_stat "$1" || return 1
    [[ $PROC_START == "$2" && $PROC_STATE != [ZXx] ]]
}

# group_running PGID: some process of the group has not exited (a server's own children included).
group_running() {
    local stat_file stat
    local -a fields
    for stat_file in /proc/[0-9]*/stat; do
        { read -r stat <"$stat_file"; } 2>/dev/null || continue
        read -ra fields <<<"${stat##*) }"
        if [[ ${fields[2]} == "$1" && ${fields[0]} != [ZXx] ]]; then
            return 0
        fi
    done
    return 1
}

# spawn LOG DIR COMMAND... : starts COMMAND in DIR as the leader of a new session (so a Ctrl-C in the
# terminal that runs the tests does not reach it, and stopping the group stops its children too), with
# stdin from /dev/null and stdout+stderr appended to LOG. Sets SPAWNED_PID to the server's own pid.
# `( cd; exec setsid ... ) &`: the subshell is not a process-group leader (no job control in a script),
# so setsid(1) calls setsid(2) and execs in place, and $! is the server itself, not a wrapper.
# Every descriptor above 2 is closed first: a long-lived server must not hold a tools/peers lock (8, 9) nor
# a pipe that our caller leaked to us (a test runner or CI waiting for EOF on it would hang until `down`).
# 255 is bash's own handle on this script, harmless to keep.
spawn() {
    local log=$1 dir=$2
    shift 2
    (
        for fd in /proc/self/fd/*; do
            fd=${fd##*/}
            if ((fd > 2 && fd != 255)); then eval "exec $fd>&-" 2>/dev/null; fi
        done
        cd "$dir" && exec setsid "$@"
    ) </dev/null >>"$log" 2>&1 &
    SPAWNED_PID=$!
}

# pid_file_write FILE PID: records PID with its start time.
pid_file_write() {
    local start=0
    if proc_stat "$2"; then start=$PROC_START; fi
    printf '%s %s\n' "$2" "$start" >"$1"
}

# signal_group PIDFILE SIGNAL: signals the process group of the recorded server, if it is still ours.
# The server is a session leader, so its pgid is its pid; the group may outlive its leader (children).
signal_group() {
    local pid start
    { read -r pid start <"$1"; } 2>/dev/null || return 0
    if running "$pid" "$start" || group_running "$pid"; then
        kill "-$2" -- "-$pid" 2>/dev/null || true
    fi
}

# stopped PIDFILE: no process of the recorded server's group is running.
stopped() {
    local pid start
    { read -r pid start <"$1"; } 2>/dev/null || return 0
    ! running "$pid" "$start" && ! group_running "$pid"
}

# stop_pid_files PIDFILE... : its stop signal (stop_signal NAME, usually SIGTERM) to every group, SIGKILL to those still running after their grace
# (stop_grace NAME, NAME being the pid file's folder), then waits (bounded) until all are gone. Removes the
# pid files. Stops in parallel, so `down` costs the slowest server's shutdown, not the sum.
stop_pid_files() {
    local file name started=$SECONDS
    for file in "$@"; do signal_group "$file" "$(stop_signal "$(basename "$(dirname "$file")")")"; done
    for file in "$@"; do
        name=$(basename "$(dirname "$file")")
        while ! stopped "$file" && ((SECONDS - started < $(stop_grace "$name"))); do sleep 0.1; done
        if ! stopped "$file"; then
            log "$name ignored SIG$(stop_signal "$name") for $(stop_grace "$name") s: SIGKILL"
            signal_group "$file" KILL
        fi
    done
    local deadline=$((SECONDS + 5))
    for file in "$@"; do
        while ! stopped "$file" && ((SECONDS < deadline)); do sleep 0.1; done
        if ! stopped "$file"; then
            local pid start
            read -r pid start <"$file"
            log "warning: process group $pid survived SIGKILL; pid file kept: $file"
            continue
        fi
        rm -f "$file"
    done
}
