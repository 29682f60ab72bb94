/** The floor's task queue, apart from the shop's. */
export const FLOOR_TASK_QUEUE = 'bench-floor';
