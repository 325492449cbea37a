/** Names shared by every client and the server; Coder's spellings so Coder clients interoperate. */
export const SessionTokenHeader = 'Coder-Session-Token';
export const SessionTokenCookie = 'coder_session_token';
export const SessionTokenQuery = 'coder_session_token';
export const BuildVersionHeader = 'X-Coder-Build-Version';
export const ProvisionerKeyHeader = 'Coder-Provisioner-Daemon-Key';
export const ProvisionerPSKHeader = 'Coder-Provisioner-Daemon-PSK';
export const apiPrefix = '/api/v2';
/** Double-submit CSRF token for cookie-authenticated writes (Coder uses the same names). */
export const CsrfTokenCookie = 'csrf_token';
export const CsrfTokenHeader = 'X-CSRF-TOKEN';
