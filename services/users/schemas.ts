/**
 * Request validation for the users API. Each schema is pinned to the type
 * generated from openapi/users.yaml, so the two cannot drift apart.
 */
import { z } from 'zod';
import { Credentials, password, ShippingAddress } from '../../platform/http/shared-schemas';
import { pageQuery, specPattern, nonBlankText } from '../../platform/http/zod-helpers';
import type { components } from './api.gen';

type Schemas = components['schemas'];

// Read from the spec's pattern, so spec and validation accept exactly the same strings.
const EmailPattern = specPattern('users.yaml', 'Email', 'must be an e-mail address');

export const UserId = z.uuid('must be a UUID').transform((id) => id.toLowerCase());
export const UserIdParams = z.strictObject({ userId: UserId });


// As the spec's pattern allows (no surrounding blanks), stored lower-cased.
export const Email = z.string().max(254).pipe(EmailPattern).transform((email) => email.toLowerCase()) satisfies z.ZodType<Schemas['Email']>;

export const NewPassword = password(10, 128);

export const Phone = z.string().regex(/^\+[1-9][0-9]{6,14}$/, 'must be an E.164 phone number, like +441234567890') satisfies z.ZodType<Schemas['Phone']>;

// The shipping address the orders service takes, with a label of the customer's own.
export const Address = ShippingAddress.extend({ label: nonBlankText(50).optional() }) satisfies z.ZodType<Schemas['Address']>;

export const SignUpRequest = z.strictObject({
  email: Email,
  password: NewPassword,
  name: nonBlankText(200),
  phone: Phone.optional(),
}) satisfies z.ZodType<Schemas['SignUpRequest']>;

export const LoginRequest = Credentials satisfies z.ZodType<Schemas['LoginRequest']>;

export const RefreshRequest = z.strictObject({
  refreshToken: z.string().min(1).max(200),
}) satisfies z.ZodType<Schemas['RefreshRequest']>;

export const UpdateUserRequest = z.strictObject({
  name: nonBlankText(200).optional(),
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
  ...pageQuery,
});
