import { Router } from 'express';
import { createTokenVerifier } from '../../platform/auth';
import { createServiceApp } from '../../platform/http/app';
import type { ServiceContext } from '../../platform/service-main';
import { serviceClientSecret } from '../../platform/service-token';
import { ensureBootstrapAdmin, type BootstrapAdmin } from './domain';
import { keyEncryptionKeys, signingKeyRing } from './keys';
import { warmUpDummyHash } from './passwords';
import { usersRoutes } from './routes';
import { Email, NewPassword } from './schemas';
import { loadSpec } from '../../platform/openapi';

export const usersSpec: unknown = loadSpec('users.yaml');

/** Both variables or neither; checked when the app is built, so a bad value stops startup with a clear message. */
export function readBootstrapAdmin(env: Record<string, string | undefined>): BootstrapAdmin | undefined {
  const email = env.BOOTSTRAP_ADMIN_EMAIL;
  const password = env.BOOTSTRAP_ADMIN_PASSWORD;
  if (!email && !password) return undefined;
  if (!email || !password) throw new Error('users: set both BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD, or neither');
  const parsedEmail = Email.safeParse(email);
  if (!parsedEmail.success) throw new Error('users: BOOTSTRAP_ADMIN_EMAIL is not an e-mail address');
  const parsedPassword = NewPassword.safeParse(password);
  if (!parsedPassword.success) throw new Error('users: BOOTSTRAP_ADMIN_PASSWORD must be 10 to 128 characters');
  return { email: parsedEmail.data, password: parsedPassword.data };
}

/** Retries after a failure (say the database was briefly down); concurrent callers share one attempt. */
function onceUntilDone(work: () => Promise<void>): () => Promise<void> {
  let attempt: Promise<void> | undefined;
  return () => {
    attempt ??= work().catch((error: unknown) => {
      attempt = undefined;
      throw error;
    });
    return attempt;
  };
}

/**
 * The users service verifies tokens with its own keys, read from its database,
 * rather than `context.auth` (which would fetch its own JWKS over HTTP); the
 * checks are the same createTokenVerifier every service uses.
 */
export function createUsersApp(context: ServiceContext) {
  const { orm, logger } = context;
  const bootstrapAdmin = readBootstrapAdmin(context.env);
  // Read now: missing or bad key-encryption keys stop the service at start.
  const keys = signingKeyRing(orm, Date.now, keyEncryptionKeys(context.env));

  // Everything a request relies on, done before any request is served: keys exist, the admin exists.
  const startup = onceUntilDone(async () => {
    await Promise.all([keys.ready(), warmUpDummyHash()]);
    if (bootstrapAdmin) await ensureBootstrapAdmin(orm.em.fork(), bootstrapAdmin, logger);
  });
  startup().catch((error: unknown) => logger.error({ err: error }, 'users: startup work failed; retrying on the next request'));

  const routes = Router();
  routes.use(async (_req, _res, next) => {
    await startup();
    next();
  });
  routes.use(usersRoutes(orm, { keys, serviceClientSecret: serviceClientSecret(context.env) }));
  return createServiceApp({ name: 'users', orm, logger, auth: createTokenVerifier(keys.getKey), spec: usersSpec, routes });
}
