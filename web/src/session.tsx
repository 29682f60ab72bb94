/**
 * Who is signed in. Tokens:
 * - the access token (15 minutes) lives in this module's memory only, never in
 *   localStorage or a readable cookie, so an injected script finds nothing to carry away;
 * - the refresh token is in an HttpOnly cookie that only the gateway's
 *   /web/sessions endpoints receive and set (gateway/web-sessions.ts).
 * A reload asks /web/sessions/refresh for a new access token. Refresh tokens
 * are single use and a reused one ends the whole login, so refreshes are taken
 * one at a time across tabs (Web Locks) and shared within a tab.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { sessionApi, setTokenKeeper, api, type WebSession } from './api/client';
import { call, ShopError } from './problems';

export type SessionUser = WebSession['user'];

interface SessionValue {
  status: 'loading' | 'signed-in' | 'signed-out';
  user?: SessionUser;
  logIn(email: string, password: string): Promise<void>;
  signUp(details: { email: string; password: string; name: string; phone?: string }): Promise<void>;
  logOut(): Promise<void>;
}

const SessionContext = createContext<SessionValue | undefined>(undefined);

let accessToken: string | undefined;
let refreshing: Promise<WebSession | undefined> | undefined;
let onSession: (session: WebSession | undefined) => void = () => {};
let refreshTimer: ReturnType<typeof setTimeout> | undefined;

const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('shop-session') : undefined;

function adopt(session: WebSession | undefined): void {
  accessToken = session?.accessToken;
  clearTimeout(refreshTimer);
  // Renewed a minute before it expires, so requests rarely meet an expired token.
  if (session) refreshTimer = setTimeout(() => void refresh(), Math.max(10, session.expiresIn - 60) * 1000);
  onSession(session);
}

async function requestRefresh(): Promise<WebSession | undefined> {
  const { data, response } = await sessionApi.POST('/web/sessions/refresh');
  if (data) return data;
  if (response.status === 401) return undefined;
  throw new ShopError('We could not restore your session right now.', response.status);
}

/** A new access token from the refresh cookie; undefined when there is no session (any more). */
function refresh(): Promise<WebSession | undefined> {
  refreshing ??= (async () => {
    try {
      const session = navigator.locks ? await navigator.locks.request('shop-session-refresh', requestRefresh) : await requestRefresh();
      adopt(session);
      return session;
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}

setTokenKeeper({
  current: () => accessToken,
  refresh: async () => (await refresh().catch(() => undefined))?.accessToken,
});

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<{ status: SessionValue['status']; user?: SessionUser }>({ status: 'loading' });

  useEffect(() => {
    onSession = (session) => setState(session ? { status: 'signed-in', user: session.user } : { status: 'signed-out' });
    refresh().catch(() => setState({ status: 'signed-out' }));
    const fromOtherTab = (event: MessageEvent) => {
      if (event.data === 'logged-out') adopt(undefined);
      if (event.data === 'logged-in') void refresh().catch(() => undefined);
    };
    channel?.addEventListener('message', fromOtherTab);
    return () => channel?.removeEventListener('message', fromOtherTab);
  }, []);

  const logIn = useCallback(async (email: string, password: string) => {
    const session = await call(sessionApi.POST('/web/sessions', { body: { email, password } }));
    adopt(session);
    channel?.postMessage('logged-in');
  }, []);

  const signUp = useCallback(
    async (details: { email: string; password: string; name: string; phone?: string }) => {
      await call(api.POST('/users', { body: details }));
      await logIn(details.email, details.password);
    },
    [logIn],
  );

  const logOut = useCallback(async () => {
    try {
      await call(sessionApi.POST('/web/sessions/logout'));
    } finally {
      adopt(undefined);
      channel?.postMessage('logged-out');
    }
  }, []);

  const value = useMemo<SessionValue>(() => ({ ...state, logIn, signUp, logOut }), [state, logIn, signUp, logOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
