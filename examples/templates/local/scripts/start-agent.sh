# Starts the workspace agent detached from Terraform: its own session (setsid), stdin/stdout
# closed so Terraform does not wait on it, a clean environment, output in ~/.hangar/agent.log and
# its process group id in WS_PID_FILE for stop-agent.sh.
set -eu
mkdir -p "$(dirname "$WS_PID_FILE")"
chmod 700 "$(dirname "$WS_PID_FILE")"
if [ -f "$WS_PID_FILE" ]; then
  # An agent left by a stop that failed would hold the workspace's token; end it first.
  old=$(cat "$WS_PID_FILE")
  case "$old" in '' | *[!0-9]*) ;; *) kill -KILL "-$old" 2>/dev/null || true ;; esac
  rm -f "$WS_PID_FILE"
fi

shell=$(command -v "$WS_SHELL" || echo /bin/sh)
home=$WS_HOME
# Runs as the workspace user, so the log is opened by that user, never by root.
launch='mkdir -p "$HOME/.hangar/bin" && cd "$HOME" && BINARY_DIR="$HOME/.hangar/bin" exec /bin/sh -c "$WS_INIT_SCRIPT" >>"$HOME/.hangar/agent.log" 2>&1'

# The token travels in the environment only: a command line is readable by every local user.
if [ "$WS_AS_ROOT" = 1 ]; then
  usermod --shell "$shell" "$WS_USER"
  # A login with a clean environment (HOME, SHELL, USER, PATH from the account) plus the two
  # variables named here.
  (cd / && exec setsid runuser -l -w CODER_AGENT_TOKEN,WS_INIT_SCRIPT -c "$launch" "$WS_USER" \
    </dev/null >/dev/null 2>&1) &
else
  (
    for name in $(env | sed -n 's/^\([A-Za-z_][A-Za-z0-9_]*\)=.*/\1/p'); do
      case "$name" in
        PATH | LANG | CODER_AGENT_TOKEN | WS_INIT_SCRIPT) ;;
        *) unset "$name" 2>/dev/null || true ;;
      esac
    done
    HOME=$home SHELL=$shell USER=$(id -un)
    export HOME SHELL USER
    exec setsid /bin/sh -c "$launch" </dev/null >/dev/null 2>&1
  ) &
fi
pid=$!
echo "$pid" >"$WS_PID_FILE"

# Fail the build (with the log) when the agent dies at once, e.g. it cannot be downloaded.
sleep 0.2
if ! kill -0 "$pid" 2>/dev/null; then
  echo "The agent exited right away; the end of $WS_HOME/.hangar/agent.log:" >&2
  tail -n 20 "$WS_HOME/.hangar/agent.log" >&2 2>/dev/null || true
  rm -f "$WS_PID_FILE"
  exit 1
fi
echo "Started the agent (process group $pid); log: $WS_HOME/.hangar/agent.log"
