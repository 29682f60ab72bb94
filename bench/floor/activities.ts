/** The floor's only activity: does nothing, so each step costs only what Temporal and the SDK cost. */
export async function noop(step: number): Promise<number> {
  return step;
}
