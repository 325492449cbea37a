/**
 * The tunnel data plane (ADR 0040), shared by coderd, the agent and the CLI. Node-only, so it is
 * not re-exported from src/sdk/index.ts (which must run in browsers); import this file.
 */
export * from './frames.js';
export * from './tunnel-error.js';
export * from './target.js';
export * from './mux-stream.js';
export * from './mux.js';
export * from './splice.js';
export * from './dial.js';
export * from './raw-upgrade.js';
export * from './ws-leg.js';
export * from './native-masking.js';
export * from './rpc.js';
