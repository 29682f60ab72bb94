/**
 * Accounts for the scripts (seed, checkout, bench, demo, fuzz): log in, or
 * sign up first when the account does not exist yet, through the users
 * service's API like any client.
 */
import { createUsersClient } from '../services/users/client';
import type { components } from '../services/users/api.gen';
import { serviceUrl } from '../platform/services';
import { DEMO_ACCOUNTS } from './demo-data';

export type Session = components['schemas']['Session'];
type Role = components['schemas']['UserRole'];

export interface AccountSpec {
  email: string;
  password: string;
  name: string;
  phone?: string;
}

function users(env: Record<string, string | undefined>) {
  return createUsersClient(serviceUrl('users', env));
}

export async function logIn(email: string, password: string, env: Record<string, string | undefined> = process.env): Promise<Session> {
  const { data, error, response } = await users(env).POST('/sessions', { body: { email, password } });
  if (!data) throw new Error(`logging in as ${email} failed: ${response.status} ${JSON.stringify(error)}`);
  return data;
}

/** The bootstrap admin that the users service creates at start (BOOTSTRAP_ADMIN_*, demo defaults). */
export function logInAsAdmin(env: Record<string, string | undefined> = process.env): Promise<Session> {
  return logIn(env.BOOTSTRAP_ADMIN_EMAIL || DEMO_ACCOUNTS.admin.email, env.BOOTSTRAP_ADMIN_PASSWORD || DEMO_ACCOUNTS.admin.password, env);
}

/** Signs up unless the e-mail is taken, then logs in; with `roles`, an admin gives the account those roles. */
export async function ensureAccount(
  account: AccountSpec,
  options: { roles?: Role[]; adminToken?: string } = {},
  env: Record<string, string | undefined> = process.env,
): Promise<{ session: Session; created: boolean }> {
  const client = users(env);
  const signUp = await client.POST('/users', { body: { email: account.email, password: account.password, name: account.name, ...(account.phone ? { phone: account.phone } : {}) } });
  if (!signUp.data && signUp.response.status !== 409) {
    throw new Error(`signing up ${account.email} failed: ${signUp.response.status} ${JSON.stringify(signUp.error)}`);
  }
  let session = await logIn(account.email, account.password, env);
  const wanted = options.roles;
  if (wanted && [...wanted].sort().join() !== [...session.user.roles].sort().join()) {
    if (!options.adminToken) throw new Error(`${account.email} needs roles ${wanted.join(', ')}, and no admin token was given`);
    const set = await client.PUT('/users/{userId}/roles', {
      params: { path: { userId: session.user.id } },
      headers: { authorization: `Bearer ${options.adminToken}` },
      body: { roles: wanted },
    });
    if (!set.response.ok) throw new Error(`giving ${account.email} roles ${wanted.join(', ')} failed: ${set.response.status} ${JSON.stringify(set.error)}`);
    // A new token carries the new roles.
    session = await logIn(account.email, account.password, env);
  }
  return { session, created: Boolean(signUp.data) };
}
