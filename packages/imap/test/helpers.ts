// Helpers shared by the tests: framing text into commands and collecting writer output.
import { ImapFramer, parseCommand, type Command, type FramedCommand, type FramerEvent } from '../src/index.ts';

/** Frames `text` (CRLF-terminated commands) and returns all events. */
export function frame(text: string | Uint8Array, framer = new ImapFramer()): FramerEvent[] {
  return framer.push(typeof text === 'string' ? Buffer.from(text, 'utf8') : text);
}

/** Frames exactly one command from `text` (a CRLF is added when missing). */
export function frameOne(text: string): FramedCommand {
  const input = text.endsWith('\r\n') ? text : `${text}\r\n`;
  const commands = frame(input).filter((e) => e.type === 'command');
  if (commands.length !== 1 || commands[0]!.type !== 'command') throw new Error(`not one command: ${text}`);
  return commands[0]!.command;
}

/** Parses a single command given as text. */
export function parse(text: string): Command {
  return parseCommand(frameOne(text));
}

/** Concatenates writer chunks into text. */
export function text(chunks: Uint8Array[]): string {
  return Buffer.concat(chunks).toString('utf8');
}
