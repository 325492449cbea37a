# Removes the workspace's home directory (and, as root, its Unix user) when the workspace is
# deleted. The name checks make sure a damaged state can never point this at another directory.
set -eu
case "$WS_USER" in
  hw-*) ;;
  *) echo "Refusing to delete unexpected user \"$WS_USER\"." >&2; exit 1 ;;
esac
case "$WS_HOME" in
  */"$WS_USER") ;;
  *) echo "Refusing to delete \"$WS_HOME\": not a workspace home." >&2; exit 1 ;;
esac
if [ "$WS_AS_ROOT" = 1 ] && id -u "$WS_USER" >/dev/null 2>&1; then
  # Anything the workspace left running would keep userdel from removing the user.
  pkill -KILL -u "$WS_USER" 2>/dev/null || true
  userdel "$WS_USER"
  echo "Removed user $WS_USER."
fi
rm -rf -- "$WS_HOME"
echo "Removed $WS_HOME."
