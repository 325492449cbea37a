# Creates the workspace's home directory (and, as root, its Unix user). Inputs arrive in WS_*
# environment variables; none is ever spliced into this script's text.
set -eu
case "$WS_USER" in
  hw-*) ;;
  *) echo "Refusing to create unexpected user \"$WS_USER\"." >&2; exit 1 ;;
esac
mkdir -p "$(dirname "$WS_HOME")"
if [ "$WS_AS_ROOT" = 1 ]; then
  if ! id -u "$WS_USER" >/dev/null 2>&1; then
    shell=$(command -v bash || echo /bin/sh)
    useradd --create-home --home-dir "$WS_HOME" --shell "$shell" --user-group \
      --comment "Hangar workspace" "$WS_USER"
    echo "Created user $WS_USER."
  fi
  mkdir -p "$WS_HOME"
  chown "$WS_USER:" "$WS_HOME"
  # The workspace user must be able to reach its home: every directory above it needs o+x.
  if ! runuser -u "$WS_USER" -- test -x "$WS_HOME"; then
    echo "User $WS_USER cannot reach $WS_HOME: give the directories above it the x permission for others (chmod o+x)." >&2
    exit 1
  fi
else
  mkdir -p "$WS_HOME"
fi
chmod 700 "$WS_HOME"
echo "Home directory $WS_HOME is ready."
