/**
 * Rate limits at the edge: login and sign-up per client address (against
 * password guessing and account spam), checkout per customer, and a general
 * ceiling per address. Counters live in this gateway's memory: with several
 * gateway instances each counts on its own (put a shared store here before
 * running more than one).
 */
import type { Request, RequestHandler } from 'express';
import { ipKeyGenerator, rateLimit } from 'express-rate-limit';
import { HttpProblem } from '../platform/http/problem';
import { sendProblem } from '../platform/http/app';
import type { RateLimitName } from './routes';

export interface RateLimitConfig {
  /** Requests per minute. */
  login: number;
  signup: number;
  checkout: number;
  general: number;
}

export function rateLimitConfig(env: Record<string, string | undefined>): RateLimitConfig {
  const perMinute = (name: string, fallback: number) => Number(env[`GATEWAY_${name}_PER_MINUTE`] || fallback);
  return {
    login: perMinute('LOGIN', 10),
    signup: perMinute('SIGNUP', 5),
    checkout: perMinute('CHECKOUT', 10),
    general: perMinute('REQUESTS', 600),
  };
}

const byAddress = (req: Request) => ipKeyGenerator(req.ip ?? 'unknown');
// A signed-in customer is limited as themselves, wherever they connect from.
const byCaller = (req: Request) => (req.principal ? `subject:${req.principal.subject}` : byAddress(req));

function limiter(name: string, limit: number, key: (req: Request) => string): RequestHandler {
  return rateLimit({
    windowMs: 60_000,
    limit,
    keyGenerator: key,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    handler: (req, res, _next, options) => {
      sendProblem(
        res,
        new HttpProblem(429, 'rate-limited', 'Too many requests', `At most ${options.limit} ${name} requests a minute; try again after the time in Retry-After`).toBody(
          req.originalUrl,
        ),
      );
    },
  });
}

export function createRateLimiters(config: RateLimitConfig): { general: RequestHandler } & Record<RateLimitName, RequestHandler> {
  return {
    general: limiter('', config.general, byAddress),
    login: limiter('login', config.login, byAddress),
    signup: limiter('sign-up', config.signup, byAddress),
    checkout: limiter('checkout', config.checkout, byCaller),
  };
}
