/**
 * Waits for something the test can observe, instead of sleeping and hoping.
 * The bound only turns a hang into a clear failure: it is generous, because
 * the suite must pass on a busy two-core machine (another test run beside it).
 */
export const EVENTUALLY_TIMEOUT_MS = 30_000;

export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = EVENTUALLY_TIMEOUT_MS): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
