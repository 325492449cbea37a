/**
 * What a web terminal sends on `GET /workspaceagents/{id}/pty` (Coder's ReconnectingPTYRequest,
 * coder-behaviour.md §7.3): each message is this JSON in a binary frame, carrying keystrokes, a
 * resize, or both. The server answers with the terminal's raw output bytes.
 */
export interface ReconnectingPTYRequest {
  data?: string;
  height?: number;
  width?: number;
}
