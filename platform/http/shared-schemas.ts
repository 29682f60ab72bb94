/**
 * Request shapes that more than one API takes alike, in one place: a service
 * or the gateway uses them in its own schemas, which are pinned to its own
 * generated types (`satisfies`), so each spec still holds them to its word.
 */
import { z } from 'zod';
import { nonBlankText, specPattern } from './zod-helpers';

// Read from the shared spec's pattern, so spec and validation accept exactly the same strings (the code list is kept once).
export const Country = specPattern('shared/components.yaml', 'Country', 'must be an ISO 3166-1 alpha-2 country code in upper case, e.g. GB');

/** openapi/shared/components.yaml `ShippingAddress`: the gateway takes it at checkout, the orders service keeps it. */
export const ShippingAddress = z.strictObject({
  name: nonBlankText(200),
  line1: nonBlankText(200),
  line2: nonBlankText(200).optional(),
  city: nonBlankText(100),
  postalCode: nonBlankText(20),
  country: Country,
});

/** Trimmed and lower-cased: the one form an address is stored, compared and looked up in. */
export const normaliseEmail = (email: string) => email.trim().toLowerCase();

/**
 * NIST SP 800-63B: length is the rule, counted in characters as sent (code points, as
 * the spec's minLength and maxLength count them), then kept after NFKC, so the same
 * password typed on another keyboard still matches. The maximum also bounds the hashing work.
 */
export function password(min: number, max: number) {
  return z.string().transform((raw, ctx) => {
    const length = [...raw].length;
    if (length < min) ctx.addIssue({ code: 'custom', message: `must be at least ${min} characters` });
    else if (length > max) ctx.addIssue({ code: 'custom', message: `must be at most ${max} characters` });
    return raw.normalize('NFKC');
  });
}

/** A login (the users service's, and the storefront's through the gateway): any address, since a wrong one is simply wrong credentials. */
export const Credentials = z.strictObject({
  email: z.string().min(1).max(254).transform(normaliseEmail),
  password: password(1, 128),
});
