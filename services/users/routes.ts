import express, { Router, type Response } from 'express';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { hasRole, JWKS_PATH, requirePrincipal, requireRole, type Principal } from '../../platform/auth';
import { sendProblem } from '../../platform/http/app';
import { mutatingRoute } from '../../platform/http/idempotent-route';
import { HttpProblem } from '../../platform/http/problem';
import { parseRequest, zodIssuesToFieldErrors } from '../../platform/http/validate';
import { TOKEN_PATH } from '../../platform/service-token';
import { getUser, listUsers, setRoles, signUp, toUserView, updateUser } from './domain';
import type { SigningKeyRing } from './keys';
import {
  ClientCredentialsRequest,
  ListUsersQuery,
  LoginRequest,
  RefreshRequest,
  SetRolesRequest,
  SignUpRequest,
  UpdateUserRequest,
  UserIdParams,
} from './schemas';
import { checkServiceClient, issueServiceToken, logIn, logOut, refreshSession } from './sessions';

export interface UsersRoutesOptions {
  keys: SigningKeyRing;
  /** The shared secret of the services' OAuth clients. */
  serviceClientSecret: string;
}

const forbidden = (detail: string) => new HttpProblem(403, 'forbidden', 'Not allowed', detail);

/** A profile is read by its owner, staff and services; changed by its owner and admins. */
function requireUserAccess(principal: Principal, userId: string, access: 'read' | 'write'): void {
  if (principal.subject === userId) return;
  if (hasRole(principal, 'admin')) return;
  if (access === 'read' && hasRole(principal, 'support', 'service')) return;
  throw forbidden(access === 'read' ? 'Only the user, staff and services may read this profile' : 'Only the user and admins may change this profile');
}

/** Tokens must never sit in a cache (RFC 6749 §5.1). */
const noStore = (res: Response) => res.setHeader('Cache-Control', 'no-store');

/** RFC 6749 §5.2 errors, as problem+json carrying the OAuth `error` code. */
function oauthProblem(status: 400 | 401, error: string, detail: string, extra: Record<string, unknown> = {}): HttpProblem {
  const title = status === 401 ? 'Client authentication failed' : 'The token request is not valid';
  return new HttpProblem(status, error.replace(/_/g, '-'), title, detail, { ...extra, error });
}

export function usersRoutes(orm: MikroORM, { keys, serviceClientSecret }: UsersRoutesOptions): Router {
  const router = Router();
  const em = () => orm.em as EntityManager;

  router.post('/users', async (req, res) => {
    const body = parseRequest('body', SignUpRequest, req.body);
    const user = await signUp(em(), body);
    res.status(201).location(`/users/${user.id}`).json(toUserView(user));
  });

  router.get('/users', async (req, res) => {
    requireRole(req, 'support', 'admin');
    const query = parseRequest('query', ListUsersQuery, req.query);
    res.json(await listUsers(em(), query));
  });

  router.get('/users/:userId', async (req, res) => {
    const principal = requirePrincipal(req);
    const { userId } = parseRequest('params', UserIdParams, req.params);
    requireUserAccess(principal, userId, 'read');
    res.json(toUserView(await getUser(em(), userId)));
  });

  router.patch(
    '/users/:userId',
    mutatingRoute(orm, { keyRequired: false }, (req) => {
      const principal = requirePrincipal(req);
      const { userId } = parseRequest('params', UserIdParams, req.params);
      requireUserAccess(principal, userId, 'write');
      const body = parseRequest('body', UpdateUserRequest, req.body);
      return async (tx) => ({ status: 200, body: toUserView(await updateUser(tx, userId, body)) });
    }),
  );

  router.put(
    '/users/:userId/roles',
    mutatingRoute(orm, { keyRequired: false }, (req) => {
      requireRole(req, 'admin');
      const { userId } = parseRequest('params', UserIdParams, req.params);
      const body = parseRequest('body', SetRolesRequest, req.body);
      return async (tx) => ({ status: 200, body: toUserView(await setRoles(tx, userId, body.roles)) });
    }),
  );

  router.post('/sessions', async (req, res) => {
    const body = parseRequest('body', LoginRequest, req.body);
    const session = await logIn(em(), keys, body.email, body.password);
    noStore(res);
    res.json(session);
  });

  router.post('/sessions/refresh', async (req, res) => {
    const body = parseRequest('body', RefreshRequest, req.body);
    const session = await refreshSession(em(), keys, body.refreshToken);
    noStore(res);
    res.json(session);
  });

  router.post('/sessions/logout', async (req, res) => {
    const body = parseRequest('body', RefreshRequest, req.body);
    await logOut(em(), body.refreshToken);
    res.status(204).end();
  });

  // Form-encoded, as RFC 6749 has it, on this route only; the app already parses JSON.
  router.post(TOKEN_PATH, express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 20 }), async (req, res) => {
    noStore(res);
    // Answered here rather than thrown: the app's 401 handler would add a bearer-token WWW-Authenticate, which is not the problem here.
    const refuse = (problem: HttpProblem) => sendProblem(res, problem.toBody(req.originalUrl));
    const raw: unknown = req.body ?? {};
    const grantType = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>).grant_type : undefined;
    if (typeof grantType === 'string' && grantType !== 'client_credentials') {
      refuse(oauthProblem(400, 'unsupported_grant_type', `Only grant_type=client_credentials is supported, not '${grantType.slice(0, 50)}'`));
      return;
    }
    const parsed = ClientCredentialsRequest.safeParse(raw);
    if (!parsed.success) {
      const errors = zodIssuesToFieldErrors('body', parsed.error);
      const first = errors[0];
      refuse(oauthProblem(400, 'invalid_request', first ? `${first.field}: ${first.message}` : 'The request is not valid', { errors }));
      return;
    }
    if (!checkServiceClient(parsed.data.client_id, parsed.data.client_secret, serviceClientSecret)) {
      refuse(oauthProblem(401, 'invalid_client', 'Unknown client or wrong client secret'));
      return;
    }
    res.json(await issueServiceToken(keys, parsed.data.client_id));
  });

  router.get(JWKS_PATH, async (_req, res) => {
    // Short caching: services refetch on an unknown kid anyway, and a new key must show up soon.
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.json({ keys: await keys.publicKeys() });
  });

  return router;
}
