/**
 * Secrets from the environment, with a local default for development: when the
 * variable is not set, a random value is made once and kept in a file under
 * `.data/` (mode 0600), so every process started from this checkout agrees on
 * it. `NODE_ENV=production` never falls back to such a file: it refuses to start.
 *
 * Key lists (`id:base64,id:base64`, newest first) serve encryption keys that
 * rotate: the newest encrypts, every listed one still decrypts.
 */
import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './project-root';

export const LOCAL_SECRETS_DIR = path.join(PROJECT_ROOT, '.data');

/** The file's content, trimmed; made with `make()` first if the file does not exist yet. Safe with many processes at once. */
export function localSecretFile(file: string, make: () => string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(path.dirname(file), { recursive: true });
    // Written aside, then linked into place: link fails when another process won the race, and nobody reads a half-written file.
    const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
    writeFileSync(draft, make(), { mode: 0o600 });
    try {
      linkSync(draft, file);
    } catch (linkError) {
      if ((linkError as NodeJS.ErrnoException).code !== 'EEXIST') throw linkError;
    } finally {
      unlinkSync(draft);
    }
    return readFileSync(file, 'utf8').trim();
  }
}

/** A 256-bit key and the id that names it in what it encrypted. */
export interface NamedKey {
  id: string;
  key: Buffer;
}

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
export const KEY_BYTES = 32;

/** `id:base64` entries separated by commas or new lines, newest first. `source` names where they came from, for errors. */
export function parseKeyList(text: string, source: string): NamedKey[] {
  const entries = text
    .split(/[,\n]/)
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length === 0) throw new Error(`${source} holds no key: expected id:base64 entries (newest first), separated by commas`);
  const seen = new Set<string>();
  return entries.map((entry, index) => {
    const colon = entry.indexOf(':');
    const id = colon > 0 ? entry.slice(0, colon) : '';
    if (!KEY_ID.test(id)) throw new Error(`${source}: entry ${index + 1} must be id:base64, with an id of letters, digits, '.', '_' or '-'`);
    const key = Buffer.from(entry.slice(colon + 1), 'base64');
    if (key.length !== KEY_BYTES) throw new Error(`${source}: key '${id}' must be ${KEY_BYTES} bytes in base64 (e.g. \`openssl rand -base64 32\`), not ${key.length}`);
    if (seen.has(id)) throw new Error(`${source}: key id '${id}' appears twice`);
    seen.add(id);
    return { id, key };
  });
}

/** A new key list entry: `id:base64`. */
export function newKeyEntry(id = `k${new Date().toISOString().slice(0, 10).replaceAll('-', '')}-${randomBytes(3).toString('hex')}`): string {
  return `${id}:${randomBytes(KEY_BYTES).toString('base64')}`;
}

export interface KeyListSource {
  /** The variable holding the list, e.g. TEMPORAL_CODEC_KEYS; `<variable>_FILE` names a file holding it instead. */
  variable: string;
  /** The local default, made on first use outside production. */
  localFile: string;
}

/** The key list from `<variable>`, else the file `<variable>_FILE` names, else (not in production) the local file. */
export function keyListFromEnv(env: Record<string, string | undefined>, source: KeyListSource): NamedKey[] {
  const inline = env[source.variable];
  if (inline) return parseKeyList(inline, source.variable);
  const fileVariable = `${source.variable}_FILE`;
  const file = env[fileVariable];
  if (file) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new Error(`${fileVariable} is ${file}, which cannot be read: ${(error as Error).message}`, { cause: error });
    }
    return parseKeyList(text, `${fileVariable} (${file})`);
  }
  if (env.NODE_ENV === 'production') {
    throw new Error(`${source.variable} (or ${fileVariable}) must be set when NODE_ENV=production: id:base64 keys, newest first (a new one: echo "k1:$(openssl rand -base64 32)")`);
  }
  return parseKeyList(localSecretFile(source.localFile, () => newKeyEntry()), source.localFile);
}
