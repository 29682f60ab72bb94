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

/** Parses one part of a request; a mismatch becomes a 400 problem naming every bad field. */
export function parseRequest<S extends z.ZodType>(part: RequestPart, schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw validationProblem(zodIssuesToFieldErrors(part, result.error));
  return result.data;
}
