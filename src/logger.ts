import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON lines for machines; readable lines when a person watches a terminal. */
export function createLogger(name: string, level: string = process.env.LOG_LEVEL ?? 'info'): Logger {
  const pretty = process.stdout.isTTY && process.env.LOG_FORMAT !== 'json';
  return pino({
    name,
    level,
    ...(pretty
      ? { transport: { target: 'pino-pretty', options: { colorize: true, ignore: 'pid,hostname' } } }
      : {}),
  });
}

/** For tests and embedding: writes nothing unless TEST_LOG_LEVEL asks for it. */
export const silentLogger: Logger = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
