/**
 * Entry point of the provider executable (bundled into terraform-provider-coder_v<version> by
 * scripts/build-steps/20-tfprovider.mjs). Terraform starts it; it never reads stdin, because
 * Terraform hands the provider its own stdin.
 */
import { coderProvider } from './coder/coder-provider.js';
import { serveProvider } from './framework/serve.js';

// Exit code only: the process ends by itself once the server and its sockets are closed.
serveProvider(coderProvider).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `[ERROR] coder provider failed to start: ${err instanceof Error ? err.stack : String(err)}\n`,
    );
    // Terraform shows the first stdout line in its "Unrecognized remote plugin message" error,
    // and stderr only in TF_LOG: this line puts the reason in front of the user. No "|", so it
    // can never parse as a handshake.
    const reason = err instanceof Error ? err.message : String(err);
    process.stdout.write(`coder provider failed to start: ${reason.replace(/[|\r\n]+/g, ' ')}\n`);
    process.exitCode = 1;
  },
);
