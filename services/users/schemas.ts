/**
 * Request validation for the users API. Each schema is pinned to the type
 * generated from openapi/users.yaml, so the two cannot drift apart.
 */
import { z } from 'zod';
import { queryInteger } from '../../platform/http/zod-helpers';
import type { components } from './api.gen';

type Schemas = components['schemas'];

/**
 * ISO 3166-1 alpha-2, officially assigned codes only. The same list as the
 * orders service's (an address saved here is shipped to there); it belongs in
 * platform/http/zod-helpers.ts, which this service may not edit.
 */
const COUNTRY_CODES: ReadonlySet<string> = new Set(
  (
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ ' +
    'CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR ' +
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP ' +
    'KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT ' +
    'MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ' +
    'SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG ' +
    'UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW'
  ).split(' '),
);

export const UserId = z.uuid('must be a UUID').transform((id) => id.toLowerCase());
export const UserIdParams = z.strictObject({ userId: UserId });

const text = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);

/** Trimmed and lower-cased: the one form an address is stored, compared and looked up in. */
export const normaliseEmail = (email: string) => email.trim().toLowerCase();
export const Email = z.string().trim().toLowerCase().pipe(z.email('must be an e-mail address').max(254)) satisfies z.ZodType<Schemas['Email']>;

/**
 * NIST SP 800-63B: length is the rule, counted in characters (code points, as
 * JSON Schema's maxLength counts) after NFKC, so the same password typed on
 * another keyboard still matches. The maximum also bounds the hashing work.
 */
function password(min: number, max: number) {
  return z.string().transform((raw, ctx) => {
    const normalised = raw.normalize('NFKC');
    const length = [...normalised].length;
    if (length < min) ctx.addIssue({ code: 'custom', message: `must be at least ${min} characters` });
    else if (length > max) ctx.addIssue({ code: 'custom', message: `must be at most ${max} characters` });
    return normalised;
  });
}
export const NewPassword = password(10, 128);

export const Phone = z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'must be an E.164 phone number, like +441234567890') satisfies z.ZodType<Schemas['Phone']>;

export const Address = z.strictObject({
  label: text(50).optional(),
  name: text(200),
  line1: text(200),
  line2: text(200).optional(),
  city: text(100),
  postalCode: text(20),
  country: z.string().refine((code) => COUNTRY_CODES.has(code), 'must be an ISO 3166-1 alpha-2 country code in upper case, e.g. GB'),
}) satisfies z.ZodType<Schemas['Address']>;

export const SignUpRequest = z.strictObject({
  email: Email,
  password: NewPassword,
  name: text(200),
  phone: Phone.optional(),
}) satisfies z.ZodType<Schemas['SignUpRequest']>;

export const LoginRequest = z.strictObject({
  // Not checked as an address: anything that is not a registered one is simply wrong credentials.
  email: z.string().min(1).max(254).transform(normaliseEmail),
  password: password(1, 128),
}) satisfies z.ZodType<Schemas['LoginRequest']>;

export const RefreshRequest = z.strictObject({
  refreshToken: z.string().min(1).max(200),
}) satisfies z.ZodType<Schemas['RefreshRequest']>;

export const UpdateUserRequest = z.strictObject({
  name: text(200).optional(),
  phone: Phone.nullable().optional(),
  addresses: z.array(Address).max(10).optional(),
}) satisfies z.ZodType<Schemas['UpdateUserRequest']>;

export const UserRole = z.enum(['customer', 'support', 'admin']) satisfies z.ZodType<Schemas['UserRole']>;

export const SetRolesRequest = z.strictObject({
  roles: z
    .array(UserRole)
    .min(1)
    .max(3)
    .refine((roles) => new Set(roles).size === roles.length, 'must not repeat a role'),
}) satisfies z.ZodType<Schemas['SetRolesRequest']>;

/** RFC 6749 §3.2: unknown parameters are ignored (not refused), as every OAuth client expects. */
export const ClientCredentialsRequest = z.object({
  grant_type: z.literal('client_credentials'),
  client_id: z.string().min(1).max(100),
  client_secret: z.string().min(1).max(500),
  scope: z.string().max(500).optional(),
}) satisfies z.ZodType<Schemas['ClientCredentialsRequest']>;

export const ListUsersQuery = z.strictObject({
  email: Email.optional(),
  limit: queryInteger({ min: 1, max: 100, default: 50 }),
  offset: queryInteger({ min: 0, max: 1_000_000, default: 0 }),
});
