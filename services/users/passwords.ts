/**
 * Password hashing with argon2id. @node-rs/argon2's defaults are OWASP's
 * recommendation (argon2id, 19 MiB, 2 passes, 1 lane), and hash/verify run on
 * libuv's thread pool, so a login never blocks the event loop.
 */
import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';

export const hashPassword = (password: string): Promise<string> => hash(password);

let dummyHash: Promise<string> | undefined;

/** A hash of a password nobody knows, so an unknown e-mail costs the same verify as a known one. */
export function warmUpDummyHash(): Promise<string> {
  dummyHash ??= hash(randomBytes(32).toString('base64url'));
  return dummyHash;
}

/** Always does one argon2 verify, whether or not the user exists. */
export async function verifyPassword(storedHash: string | undefined, password: string): Promise<boolean> {
  if (storedHash === undefined) {
    await verify(await warmUpDummyHash(), password);
    return false;
  }
  return verify(storedHash, password);
}
