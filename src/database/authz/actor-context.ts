/**
 * The actor of the current request or background task, carried by AsyncLocalStorage so the
 * authorizing store can read it without every layer passing it along (Coder's dbauthz context).
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Actor } from './rbac.js';

const storage = new AsyncLocalStorage<Actor>();

export function withActor<T>(actor: Actor, fn: () => T): T {
  return storage.run(actor, fn);
}

export function currentActor(): Actor | undefined {
  return storage.getStore();
}
