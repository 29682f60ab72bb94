/** parseRequest's refusal of the NUL character (PostgreSQL stores it in neither text nor jsonb), wherever it hides. */
import { z } from 'zod';
import { HttpProblem } from '../../platform/http/problem';
import { fieldsWithNul, parseRequest } from '../../platform/http/validate';

describe('NUL characters in a request', () => {
  it('finds none in an ordinary body', () => {
    expect(fieldsWithNul('body', { lines: [{ sku: 'MUG', quantity: 2 }], note: 'fine', nested: { a: [null, true, 1] } })).toEqual([]);
  });

  it('names every field holding one, in values and in keys, at any depth', () => {
    const body = { note: 'a\u0000', lines: [{ sku: 'MUG' }, { sku: '\u0000' }], metadata: { 'key\u0000': 'value' } };
    expect(fieldsWithNul('body', body)).toEqual([
      { field: 'body.note', message: 'must not contain the NUL character (U+0000)' },
      { field: 'body.lines[1].sku', message: 'must not contain the NUL character (U+0000)' },
      { field: 'body.metadata', message: 'has a field name with the NUL character (U+0000)' },
    ]);
  });

  it('refuses a key with one even where the schema takes any key', () => {
    const schema = z.object({ metadata: z.record(z.string(), z.string()) });
    let thrown: unknown;
    try {
      parseRequest('body', schema, { metadata: { 'a\u0000b': 'value' } });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(HttpProblem);
    expect((thrown as HttpProblem).extensions.errors).toEqual([{ field: 'body.metadata', message: 'has a field name with the NUL character (U+0000)' }]);
  });
});
