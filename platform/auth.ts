/**
 * Access tokens, checked the same way in every service.
 *
 * The users service signs short-lived JWTs with an asymmetric key and publishes
 * the public half at `/.well-known/jwks.json`. Every other service verifies
 * tokens locally against that key set (fetched once, cached, refetched when an
 * unknown key id shows up), so no request waits on the users service and a
 * running service keeps verifying while users is down.
 *
 * Roles: `customer` acts on their own data only; `support` reads any
 * customer's data; `admin` reads and changes anything; `service` is another
 * service of the shop calling in (the checkout worker, orders notifying).
 */
import type { RequestHandler, Request } from 'express';
import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type KeyLike } from 'jose';
import { z } from 'zod';
import { HttpProblem } from './http/problem';

export const ROLES = ['customer', 'support', 'admin', 'service'] as const;
export type Role = (typeof ROLES)[number];

export const TOKEN_ISSUER = 'shop-users';
export const TOKEN_AUDIENCE = 'shop';
export const JWKS_PATH = '/.well-known/jwks.json';
/** ES256: small signatures, supported by every JWT library a client might use. */
export const TOKEN_ALGORITHM = 'ES256';
/**
 * No access token is honoured longer than this after it was issued (`iat`),
 * whatever its `exp` says, and none may claim a longer life: a token minted
 * with a far-future expiry (a leaked signing key, a bug) is refused. The
 * users service issues tokens for exactly this long (ACCESS_TOKEN_TTL).
 */
export const MAX_TOKEN_AGE_SECONDS = 15 * 60;
/** Clocks of different hosts disagree a little; a token issued "a second from now" elsewhere is still good. */
export const CLOCK_TOLERANCE_SECONDS = 5;

/** Who is calling: the token's subject (a user id, or `service:<name>`) and roles. */
export interface Principal {
  subject: string;
  roles: Role[];
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
  }
}

/** Where verification keys come from: the users service's JWKS, or a local key (the users service itself, tests). */
export type VerificationKeys = JWTVerifyGetKey | KeyLike | Uint8Array;

export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

const TokenClaims = z.object({
  sub: z.string().min(1),
  roles: z.array(z.enum(ROLES)).min(1),
});

/**
 * How many verified tokens a verifier remembers. A shopper or a service uses one token for up to
 * MAX_TOKEN_AGE_SECONDS, so a few thousand cover every caller of a busy instance; the oldest go first.
 */
export const VERIFIED_TOKEN_CACHE_SIZE = 5000;

interface VerifiedToken {
  principal: Principal;
  payload: JWTPayload;
}

/**
 * Checks tokens against `keys`. A token that verified is remembered, by its whole text, until it
 * expires (a bounded cache), so a caller's every request does not pay for an ES256 verification
 * again: each later use only checks the time-bound claims (`exp`, the maximum age) against the
 * clock. A remembered token signed with a key the users service has since retired stays good for
 * what is left of its life (at most MAX_TOKEN_AGE_SECONDS), as it does anyway while the retired
 * key is still in a service's cached key set.
 */
export function createTokenVerifier(keys: VerificationKeys): TokenVerifier {
  const verified = new Map<string, VerifiedToken>();
  const stillValid = ({ principal, payload }: VerifiedToken): Principal => {
    const now = Math.floor(Date.now() / 1000);
    // The same tests, with the same tolerance, as jwtVerify's: a token ages out of the cache exactly when it would fail verification.
    if (payload.exp! <= now - CLOCK_TOLERANCE_SECONDS) throw new joseErrors.JWTExpired('"exp" claim timestamp check failed', payload, 'exp', 'check_failed');
    if (now - payload.iat! - CLOCK_TOLERANCE_SECONDS > MAX_TOKEN_AGE_SECONDS) {
      throw new joseErrors.JWTExpired('"iat" claim timestamp check failed (too far in the past)', payload, 'iat', 'check_failed');
    }
    return principal;
  };
  return {
    async verify(token) {
      const known = verified.get(token);
      if (known) {
        try {
          // A copy: what one request does with its principal never reaches the next.
          const { subject, roles } = stillValid(known);
          return { subject, roles: [...roles] };
        } catch (error) {
          verified.delete(token);
          throw error;
        }
      }
      const { payload } = await jwtVerify(token, keys as JWTVerifyGetKey, {
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        algorithms: [TOKEN_ALGORITHM],
        requiredClaims: ['exp', 'iat', 'sub'],
        maxTokenAge: MAX_TOKEN_AGE_SECONDS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        // The clock stillValid reads too.
        currentDate: new Date(Date.now()),
      });
      // maxTokenAge refuses an old token; this refuses a new one that claims to live too long.
      if (payload.exp! - payload.iat! > MAX_TOKEN_AGE_SECONDS) {
        throw new joseErrors.JWTClaimValidationFailed(`the token claims a life longer than ${MAX_TOKEN_AGE_SECONDS} s`, payload, 'exp', 'check_failed');
      }
      const claims = TokenClaims.safeParse(payload);
      if (!claims.success) throw new joseErrors.JWTClaimValidationFailed('the token has no valid roles', payload, 'roles');
      if (verified.size >= VERIFIED_TOKEN_CACHE_SIZE) verified.delete(verified.keys().next().value!);
      verified.set(token, { principal: { subject: claims.data.sub, roles: [...claims.data.roles] }, payload });
      return { subject: claims.data.sub, roles: claims.data.roles };
    },
  };
}

/** Verifies against the users service's published keys; keys are cached between requests. */
export function jwksTokenVerifier(usersUrl: string): TokenVerifier {
  const keys = createRemoteJWKSet(new URL(JWKS_PATH, usersUrl), {
    timeoutDuration: 3_000,
    cooldownDuration: 30_000,
    cacheMaxAge: 10 * 60_000,
  });
  return createTokenVerifier(keys);
}

/** RFC 6750: a 401 names the scheme, and says when the token itself was the problem. */
export function wwwAuthenticate(problemType: string): string {
  return problemType === 'unauthenticated' ? 'Bearer' : 'Bearer error="invalid_token"';
}

function unauthenticated(type: string, detail: string): HttpProblem {
  return new HttpProblem(401, type, 'Authentication required', detail);
}

function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer ([A-Za-z0-9_.~+/-]+=*)$/i.exec(header.trim());
  if (!match?.[1]) throw unauthenticated('invalid-token', 'The Authorization header must be "Bearer <access token>"');
  return match[1];
}

/** The token's principal, or the HttpProblem to answer: 401 for a bad or expired token, 503 when the keys cannot be fetched. */
export async function principalFromToken(verifier: TokenVerifier, token: string): Promise<Principal> {
  try {
    return await verifier.verify(token);
  } catch (error) {
    if (error instanceof joseErrors.JWTExpired) throw unauthenticated('token-expired', 'The access token has expired; log in again');
    // Anything but a verdict on the token (a network error, a timeout) means the keys could not be fetched: our problem, not the caller's.
    if (!(error instanceof joseErrors.JOSEError) || error instanceof joseErrors.JWKSTimeout) {
      throw new HttpProblem(503, 'auth-unavailable', 'Tokens cannot be checked right now', 'The signing keys could not be fetched; try again shortly');
    }
    throw unauthenticated('invalid-token', 'The access token is not valid');
  }
}

/**
 * Reads the bearer token, if any, into `req.principal`. Requests without a
 * token pass through anonymous; routes that need a caller use `requirePrincipal`
 * and friends. A token that is present but bad is always refused with 401.
 */
export function authenticate(verifier: TokenVerifier): RequestHandler {
  return (req, _res, next) => {
    let token: string | undefined;
    try {
      token = bearerToken(req);
    } catch (error) {
      next(error);
      return;
    }
    if (!token) {
      next();
      return;
    }
    principalFromToken(verifier, token).then((principal) => {
      req.principal = principal;
      next();
    }, next);
  };
}

export function requirePrincipal(req: Request): Principal {
  if (!req.principal) throw unauthenticated('unauthenticated', 'Send an access token: Authorization: Bearer <token>');
  return req.principal;
}

export const hasRole = (principal: Principal, ...roles: Role[]) => roles.some((role) => principal.roles.includes(role));

function forbidden(detail: string): HttpProblem {
  return new HttpProblem(403, 'forbidden', 'Not allowed', detail);
}

/** The caller must hold one of the roles. */
export function requireRole(req: Request, ...roles: Role[]): Principal {
  const principal = requirePrincipal(req);
  if (!hasRole(principal, ...roles)) throw forbidden(`This needs one of the roles: ${roles.join(', ')}`);
  return principal;
}

export type Access = 'read' | 'write';

/** May the caller read (or change) this customer's data? Their own, or staff, or another service. */
export function mayAccessCustomer(principal: Principal, customerId: string, access: Access): boolean {
  if (hasRole(principal, 'admin', 'service')) return true;
  if (access === 'read' && hasRole(principal, 'support')) return true;
  return hasRole(principal, 'customer') && principal.subject === customerId;
}

/** For routes whose path names the customer (`/carts/{customerId}`): 403 when it is someone else's. */
export function requireCustomerAccess(req: Request, customerId: string, access: Access): Principal {
  const principal = requirePrincipal(req);
  if (!mayAccessCustomer(principal, customerId, access)) throw forbidden("A customer can only access their own data");
  return principal;
}

/** Staff and services see everyone's data; a customer sees only their own. */
export const isStaffOrService = (principal: Principal) => hasRole(principal, 'admin', 'support', 'service');
