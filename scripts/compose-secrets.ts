/**
 * `npm run compose:secrets`: writes the secrets docker-compose.yml demands
 * into .env (read by `docker compose`, ignored by git and by the image),
 * fresh random values for those it does not hold yet; values already there
 * are kept. Mode 0600: only you read it.
 *   POSTGRES_PASSWORD, SERVICE_CLIENT_SECRET, BOOTSTRAP_ADMIN_PASSWORD,
 *   TEMPORAL_CODEC_KEYS, USERS_KEY_ENCRYPTION_KEYS
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { newKeyEntry } from '../platform/secrets';

const ROOT = path.resolve(__dirname, '..');

/** How each secret compose demands is made. */
export const COMPOSE_SECRETS: Record<string, () => string> = {
  // In DATABASE_URL too: URL-safe characters only.
  POSTGRES_PASSWORD: () => randomBytes(24).toString('base64url'),
  SERVICE_CLIENT_SECRET: () => randomBytes(32).toString('base64url'),
  BOOTSTRAP_ADMIN_PASSWORD: () => randomBytes(18).toString('base64url'),
  TEMPORAL_CODEC_KEYS: () => newKeyEntry(),
  USERS_KEY_ENCRYPTION_KEYS: () => newKeyEntry(),
};

/** The names set in a .env text. */
function namesIn(text: string): Set<string> {
  return new Set(text.split('\n').map((line) => /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=/.exec(line)?.[1]).filter((name): name is string => Boolean(name)));
}

/** The .env text with every missing secret added; the names added. */
export function withSecrets(existing: string): { text: string; added: string[] } {
  const present = namesIn(existing);
  const added = Object.keys(COMPOSE_SECRETS).filter((name) => !present.has(name));
  const lines = added.map((name) => `${name}=${COMPOSE_SECRETS[name]!()}`);
  const base = existing === '' || existing.endsWith('\n') ? existing : `${existing}\n`;
  return { text: lines.length ? `${base}${lines.join('\n')}\n` : existing, added };
}

if (require.main === module) {
  const file = path.join(ROOT, '.env');
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const { text, added } = withSecrets(existing);
  writeFileSync(file, text, { mode: 0o600 });
  chmodSync(file, 0o600);
  // A reminder of where the admin's password is, without printing any secret.
  console.log(added.length ? `.env: added ${added.join(', ')} (mode 0600); the bootstrap admin's password is BOOTSTRAP_ADMIN_PASSWORD there` : '.env: every secret compose needs is already set');
}
