import pino from 'pino';

/** One JSON logger per process; LOG_LEVEL=debug for more, silent in tests unless asked. */
export function createLogger(name: string): pino.Logger {
  const defaultLevel = process.env.JEST_WORKER_ID ? 'silent' : 'info';
  return pino({ name, level: process.env.LOG_LEVEL || defaultLevel });
}

export type Logger = pino.Logger;
