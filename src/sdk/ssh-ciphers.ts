/**
 * The SSH ciphers the agent offers, best first, shared with the client side so that OpenSSH is
 * asked for them in this order (ADR 0048).
 *
 * chacha20-poly1305 is left out: OpenSSH picks it first, and without ssh2's native addon (its
 * install script does not run) each packet pays a new OpenSSL context plus Poly1305 in
 * WebAssembly, about twice the agent's CPU of AES. AES runs in OpenSSL (AES-NI), and every
 * OpenSSH since 6.2 has these, so every client still connects. GCM comes first because it needs
 * no separate MAC: on the agent it costs about 20 % less CPU per byte than aes128-ctr with
 * hmac-sha2-256-etm, which OpenSSH's own order would otherwise choose.
 */
export const sshCiphers = [
  'aes128-gcm@openssh.com',
  'aes256-gcm@openssh.com',
  'aes128-ctr',
  'aes192-ctr',
  'aes256-ctr',
] as const;
