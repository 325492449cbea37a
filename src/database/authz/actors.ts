/**
 * The few named system actors. Code that switches to one of them must say why in a comment at
 * that spot (house style 11): they bypass per-user checks.
 */
import type { AnonymousActor, SystemActor } from './rbac.js';

export const systemActors = {
  /** Resolves API keys to users before any user actor exists. */
  authentication: { kind: 'system', name: 'authentication' },
  /** Creates the default organization and the first user. */
  bootstrap: { kind: 'system', name: 'bootstrap' },
  /** Serves provisioner daemons: acquires jobs, stores their results. */
  provisionerd: { kind: 'system', name: 'provisionerd' },
  /** Background loops: reaper, schedulers, health. */
  background: { kind: 'system', name: 'background' },
  /** The workspace agent API, acting for one agent. */
  agent: { kind: 'system', name: 'agent' },
  /**
   * Finds which replica holds an agent's connection and serves other replicas' relay requests;
   * the stream itself was authorized (as `ssh` on the workspace) before it is routed.
   */
  relay: { kind: 'system', name: 'relay' },
} as const satisfies Record<string, SystemActor>;

/** A request without a session (public workspace apps); it may do nothing that needs a permission. */
export const anonymousActor: AnonymousActor = { kind: 'anonymous' };
