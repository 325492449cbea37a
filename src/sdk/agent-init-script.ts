/**
 * The agent bootstrap script that templates run in a workspace (the provider's `init_script`, the
 * provisioner's `CODER_AGENT_SCRIPT_<os>_<arch>`, and `GET /api/v2/init-script/{os}/{arch}`). It
 * downloads the agent from the deployment, verifies it against the published SHA-256, and runs
 * it; downloads are retried and every failure says what went wrong.
 */
import { shellQuote } from './shell-quote.js';

export const agentOperatingSystems = ['linux'] as const;
export const agentArchitectures = ['amd64', 'arm64'] as const;

/** Every (os, arch) the provisioner sets `CODER_AGENT_SCRIPT_<os>_<arch>` for. */
export const agentPlatforms: readonly { os: string; arch: string }[] = agentOperatingSystems.flatMap((os) =>
  agentArchitectures.map((arch) => ({ os, arch })),
);

/** Path (under the access URL) of the agent bundle for workspaces that already have Node.js 20+. */
export const agentBundlePath = 'bin/hangar-agent.mjs';
/** Path of the standalone agent executable for a platform. */
export const agentExecutablePath = (os: string, arch: string) => `bin/hangar-agent-${os}-${arch}`;

export function agentInitScript(os: string, arch: string, accessUrl: URL | string): string {
  const base = new URL(accessUrl).toString().replace(/\/?$/, '/');
  if (os !== 'linux')
    return `echo 'Hangar agents run on Linux only (this workspace is ${os}).' >&2\nexit 1\n`;
  return `#!/bin/sh
# Hangar agent bootstrap (${os}/${arch}).
set -eu
ACCESS_URL=${shellQuote(base)}
BINARY_DIR="\${BINARY_DIR:-$(mktemp -d -t hangar-agent.XXXXXX)}"
cd "$BINARY_DIR"

# The deployment sends the standalone agent gzip-compressed to clients that ask (curl with zlib).
CURL_COMPRESSED=
if command -v curl >/dev/null 2>&1; then
  case "$(curl -V 2>/dev/null)" in *libz*) CURL_COMPRESSED=--compressed ;; esac
fi

fetch() {
  if command -v curl >/dev/null 2>&1; then curl -fsSL $CURL_COMPRESSED --connect-timeout 10 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then wget -q -T 10 -O "$2" "$1"
  elif command -v busybox >/dev/null 2>&1; then busybox wget -q -O "$2" "$1"
  else echo "hangar: neither curl, wget nor busybox is installed; cannot download the agent." >&2; exit 1
  fi
}

if command -v node >/dev/null 2>&1 && node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)' 2>/dev/null; then
  ARTIFACT=${shellQuote(agentBundlePath.replace('bin/', ''))}
else
  ARTIFACT=${shellQuote(agentExecutablePath(os, arch).replace('bin/', ''))}
fi

attempt=1
until fetch "\${ACCESS_URL}bin/\${ARTIFACT}" "\${ARTIFACT}.download" && fetch "\${ACCESS_URL}bin/\${ARTIFACT}.sha256" "\${ARTIFACT}.sha256"; do
  if [ "$attempt" -ge 30 ]; then echo "hangar: could not download the agent from \${ACCESS_URL}; giving up." >&2; exit 1; fi
  echo "hangar: downloading the agent from \${ACCESS_URL} failed (attempt $attempt); retrying in 2s." >&2
  attempt=$((attempt + 1)); sleep 2
done
expected=$(cut -d ' ' -f 1 "\${ARTIFACT}.sha256")
actual=$(sha256sum "\${ARTIFACT}.download" | cut -d ' ' -f 1)
if [ "$expected" != "$actual" ]; then echo "hangar: the downloaded agent's checksum does not match; refusing to run it." >&2; exit 1; fi
mv "\${ARTIFACT}.download" "$ARTIFACT"
chmod +x "$ARTIFACT"

export CODER_AGENT_AUTH=token
export CODER_AGENT_URL="$ACCESS_URL"
case "$ARTIFACT" in
  *.mjs) exec node "./$ARTIFACT" agent ;;
  *) exec "./$ARTIFACT" agent ;;
esac
`;
}
