/**
 * Who is signed in. The session lives in the HttpOnly cookie, so "signed in" means `GET /users/me`
 * answers; any later 401 (expiry, revocation, suspension) drops the user, and the app sends them
 * to sign in with the page they were on as the way back.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { User } from '../../src/sdk/users.js';
import { api, errorCode } from './api/client.js';

export type AuthState =
  | { status: 'loading' }
  | { status: 'setup' }
  | { status: 'signed-out'; expired: boolean }
  | { status: 'signed-in'; user: User }
  /** The server could not be asked (down, unreachable): not the same as signed out. */
  | { status: 'unreachable'; error: Error };

interface AuthContextValue {
  state: AuthState;
  /** Re-reads the signed-in user (after sign-in, or a change to one's own account). */
  refresh(): Promise<void>;
  signOut(): Promise<void>;
}

const AuthContext = createContext<AuthContextValue | undefined>(undefined);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<AuthState>({ status: 'loading' });

  const refresh = useCallback(async () => {
    try {
      setState({ status: 'signed-in', user: await api.users.get('me') });
    } catch (err) {
      if (errorCode(err) !== 'unauthenticated') throw err;
      const hasFirstUser = await api.users.hasFirstUser();
      setState(hasFirstUser ? { status: 'signed-out', expired: false } : { status: 'setup' });
    }
  }, []);

  useEffect(() => {
    api.onSessionLost = () =>
      setState((s) => (s.status === 'signed-in' ? { status: 'signed-out', expired: true } : s));
    refresh().catch((err: Error) => setState({ status: 'unreachable', error: err }));
    return () => {
      api.onSessionLost = undefined;
    };
  }, [refresh]);

  const signOut = useCallback(async () => {
    try {
      await api.users.logout();
    } finally {
      setState({ status: 'signed-out', expired: false });
    }
  }, []);

  const value = useMemo(() => ({ state, refresh, signOut }), [state, refresh, signOut]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthContextValue {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}

/** The signed-in user; only for pages rendered behind the sign-in guard. */
export function useMe(): User {
  const { state } = useAuth();
  if (state.status !== 'signed-in') throw new Error('useMe on a page that does not require sign-in');
  return state.user;
}

export type Permission = 'manage-users' | 'manage-templates' | 'view-all-workspaces' | 'view-deployment';

/** What the site roles allow, to show or hide admin pages (the API enforces it regardless). */
export function can(user: User, what: Permission): boolean {
  const roles = new Set(user.roles.map((r) => r.name));
  if (roles.has('owner')) return true;
  switch (what) {
    case 'manage-users':
      return roles.has('user-admin');
    case 'manage-templates':
      return roles.has('template-admin');
    case 'view-all-workspaces':
      return roles.has('template-admin') || roles.has('auditor');
    case 'view-deployment':
      return roles.has('template-admin');
  }
}
