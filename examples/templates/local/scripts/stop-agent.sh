# Stops the agent started by start-agent.sh: TERM to its process group (and, as root, to every
# process of the workspace user), then KILL after 10 s.
set -u

# Running and not a zombie (where no init reaps orphans, as in many containers, zombies linger).
alive() {
  [ -r "/proc/$1/stat" ] || return 1
  [ "$(sed 's/.*) //' "/proc/$1/stat" | cut -d ' ' -f 1)" != Z ]
}

signal() {
  kill "-$1" "-$pid" 2>/dev/null || true
  if [ "$WS_AS_ROOT" = 1 ]; then pkill "-$1" -u "$WS_USER" 2>/dev/null || true; fi
}

pid=$(cat "$WS_PID_FILE" 2>/dev/null || true)
case "$pid" in
  '' | *[!0-9]*) echo "No agent was running." ;;
  *)
    signal TERM
    i=0
    while alive "$pid" && [ "$i" -lt 50 ]; do
      sleep 0.2
      i=$((i + 1))
    done
    signal KILL
    echo "Stopped the agent (process group $pid)."
    ;;
esac
rm -f "$WS_PID_FILE"
