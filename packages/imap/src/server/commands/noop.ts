/**
 * NOOP (RFC 3501 §6.1.2) and CHECK (§6.4.1): nothing to do (every write is already durable);
 * the session sends the selected folder's pending updates after any command.
 */
import { ok, type CommandHandler } from '../context.ts';

export const noop: CommandHandler = {
  states: ['not-authenticated', 'authenticated', 'selected'],
  async run() {
    return ok('NOOP completed');
  },
};

export const check: CommandHandler = {
  states: ['selected'],
  async run() {
    return ok('CHECK completed');
  },
};
