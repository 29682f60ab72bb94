import type { z } from 'zod';
import { validationProblem, type FieldError } from './problem';

export type RequestPart = 'body' | 'query' | 'params' | 'header';

/** `['lines', 0, 'quantity']` → `lines[0].quantity` */
function formatPath(path: ReadonlyArray<PropertyKey>): string {
  return path.reduce<string>((out, key) => {
    if (typeof key === 'number') return `${out}[${key}]`;
    return out ? `${out}.${String(key)}` : String(key);
  }, '');
}

export function zodIssuesToFieldErrors(part: RequestPart, error: z.ZodError): FieldError[] {
  return error.issues.flatMap((issue): FieldError[] => {
    // An unknown key is reported on the object; name each key instead.
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({
        field: [part, formatPath([...issue.path, key])].filter(Boolean).join('.'),
        message: 'is not a known field',
      }));
    }
    const path = formatPath(issue.path);
    return [{ field: path ? `${part}.${path}` : part, message: issue.message }];
  });
}

/**
 * Every string (and key) holding U+0000, by field. PostgreSQL can store it neither in text nor in
 * jsonb, so such a value would fail at the insert as a 500; no field of the shop means to carry it.
 * Iterative: hostile JSON can nest deeper than the stack.
 */
export function fieldsWithNul(part: RequestPart, root: unknown): FieldError[] {
  // Every request passes through here and almost none holds a NUL: look before naming fields.
  if (!holdsNul(root)) return [];
  const found: FieldError[] = [];
  const pending: [string, unknown][] = [[part, root]];
  while (pending.length > 0) {
    const [field, value] = pending.pop()!;
    if (typeof value === 'string') {
      if (value.includes('\u0000')) found.push({ field, message: 'must not contain the NUL character (U+0000)' });
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => pending.push([`${field}[${index}]`, item]));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes('\u0000')) found.push({ field, message: 'has a field name with the NUL character (U+0000)' });
        pending.push([`${field}.${key}`, item]);
      }
    }
  }
  return found.reverse();
}

function holdsNul(root: unknown): boolean {
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (value.includes('\u0000')) return true;
    } else if (Array.isArray(value)) {
      for (const item of value) pending.push(item);
    } else if (typeof value === 'object' && value !== null) {
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        if (key.includes('\u0000')) return true;
        pending.push((value as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}

/** Parses one part of a request; a mismatch (or a NUL character anywhere in it) becomes a 400 problem naming every bad field. */
export function parseRequest<S extends z.ZodType>(part: RequestPart, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  const nul = fieldsWithNul(part, value);
  if (!result.success || nul.length > 0) {
    const fromSchema = result.success ? [] : zodIssuesToFieldErrors(part, result.error);
    const named = new Set(fromSchema.map((error) => error.field));
    throw validationProblem([...fromSchema, ...nul.filter((error) => !named.has(error.field))]);
  }
  return result.data;
}
