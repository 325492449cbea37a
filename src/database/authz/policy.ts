/**
 * Building blocks for the per-method policies of the authorizing store. A refused read looks like
 * "not found" (house style 9); a refused write on something the actor can read is Forbidden.
 */
import { Forbidden, Internal, NotFound } from '../../sdk/errors.js';
import { currentActor } from './actor-context.js';
import { authorize, type Action, type Actor, type AuthzObject } from './rbac.js';
import type { Queries, Store } from '../store.js';

type Fn = (...args: never[]) => Promise<unknown>;

/** A policy sees the actor, the unwrapped store (to load what it must check) and the real call. */
export type Policy<F extends Fn> = (
  ctx: { actor: Actor; inner: Store; call: () => ReturnType<F> },
  ...args: Parameters<F>
) => ReturnType<F>;

export type Policies = { [K in keyof Queries]: Policy<Queries[K]> };

export function requireActor(): Actor {
  const actor = currentActor();
  // A missing actor is a programming error: every request and background task sets one.
  if (!actor) throw new Internal('No actor in context for a database call.');
  return actor;
}

/** Throws NotFound when the object is not readable, Forbidden when readable but `action` is refused. */
export function check(actor: Actor, action: Action, object: AuthzObject, what = 'Resource'): void {
  if (authorize(actor, action, object)) return;
  // Creating has no existing object to hide, and a readable object may be known to exist: both
  // refusals are Forbidden. Everything else the actor cannot see is reported as missing.
  if (action === 'create' || (action !== 'read' && authorize(actor, 'read', object))) {
    throw new Forbidden(`You are not allowed to ${action} this ${what.toLowerCase()}.`);
  }
  throw new NotFound(`${what} not found.`);
}

type Ctx = { actor: Actor; inner: Store; call: () => Promise<unknown> };

export function readOne<F extends (...args: never[]) => Promise<unknown>>(
  toObject: (row: NonNullable<Awaited<ReturnType<F>>>) => AuthzObject,
): Policy<F> {
  return (async ({ actor, call }: Ctx) => {
    const row = await call();
    if (row === undefined || row === null) return row;
    return authorize(actor, 'read', toObject(row as NonNullable<Awaited<ReturnType<F>>>)) ? row : undefined;
  }) as unknown as Policy<F>;
}

export function readMany<F extends (...args: never[]) => Promise<unknown[]>>(
  toObject: (row: Awaited<ReturnType<F>>[number]) => AuthzObject,
): Policy<F> {
  return (async ({ actor, call }: Ctx) => {
    const rows = (await call()) as Awaited<ReturnType<F>>;
    return rows.filter((r: Awaited<ReturnType<F>>[number]) => authorize(actor, 'read', toObject(r)));
  }) as unknown as Policy<F>;
}

export function write<F extends Fn>(
  action: Action,
  toObject: (...args: Parameters<F>) => AuthzObject,
  what?: string,
): Policy<F> {
  return (async ({ actor, call }: Ctx, ...args: Parameters<F>) => {
    check(actor, action, toObject(...args), what);
    return call();
  }) as unknown as Policy<F>;
}

export function systemOnly<F extends Fn>(): Policy<F> {
  return (async ({ actor, call }: Ctx) => {
    if (actor.kind !== 'system') throw new NotFound('Resource not found.');
    return call();
  }) as unknown as Policy<F>;
}
