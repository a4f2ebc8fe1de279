/** A one-line JSON logger on stderr (the legal message log is data in the store, not this). */
import type { Logger } from '@recapito/provider';

function line(level: string, obj: Record<string, unknown>, msg: string): void {
  process.stderr.write(JSON.stringify({ t: new Date().toISOString(), level, msg, ...obj }) + '\n');
}

export const stderrLogger: Logger = {
  info: (o, m) => line('info', o, m),
  warn: (o, m) => line('warn', o, m),
  error: (o, m) => line('error', o, m),
};
