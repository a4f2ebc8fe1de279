// Hostile input: huge lines and literals, deep nesting, invalid names, garbage and NUL bytes.
// Every case must end in clear errors, never a thrown exception, a hang or unbounded memory.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ImapFramer, ImapParseError, parseCommand, type FramerEvent, type FramerLimits } from '../src/index.ts';

const LIMITS: Partial<FramerLimits> = { maxLineLength: 8192, maxLiteral: 4096, maxAppendLiteral: 65536, maxDiscard: 1 << 20 };
/** The most a framer with {@link LIMITS} may hold at any time. */
const BOUND = 65536 + 2 + 65536 + 16 * 65538;

/** Feeds `input` in chunks of `size`, checking the buffer bound after every chunk. */
function run(input: Uint8Array, size = 4096, limits = LIMITS): { events: FramerEvent[]; results: string[] } {
  const f = new ImapFramer(limits);
  const events: FramerEvent[] = [];
  for (let i = 0; i < input.length; i += size) {
    events.push(...f.push(input.subarray(i, i + size)));
    assert.ok(f.bufferedBytes <= BOUND, `buffer ${f.bufferedBytes} over bound`);
  }
  events.push(...f.end());
  const results = events.map((e) => {
    if (e.type !== 'command') return e.type === 'error' ? `error:${e.text}` : 'continue';
    try {
      return `ok:${parseCommand(e.command).name}`;
    } catch (err) {
      assert.ok(err instanceof ImapParseError, String(err));
      return `bad:${err.message}`;
    }
  });
  return { events, results };
}

test('a 1 MB line is refused and the next command still works', () => {
  const input = Buffer.concat([Buffer.from('a1 NOOP '), Buffer.alloc(1 << 20, 0x41), Buffer.from('\r\na2 NOOP\r\n')]);
  const { events, results } = run(input);
  assert.deepEqual(results, ['error:Command line too long', 'ok:NOOP']);
  assert.equal(events[0]!.type === 'error' && events[0]!.tag, 'a1');
  assert.deepEqual(run(input, 1).results, results);
  assert.deepEqual(run(input, input.length).results, results);
  const first = run(input, input.length).events[0]!;
  assert.equal(first.type === 'error' && first.tag, 'a1');
});

test('a literal announced at the end of an over-long line cannot inject commands', () => {
  const long = 'a1 LOGIN '.padEnd(20000, 'x');
  const injected = `${long} {13+}\r\nz1 DELETE aa\r\nz2 NOOP\r\n`;
  assert.deepEqual(run(Buffer.from(injected)).results, ['error:Command line too long', 'ok:NOOP']);
  assert.deepEqual(run(Buffer.from(injected), 3).results, ['error:Command line too long', 'ok:NOOP']);
  // Synchronizing: no continuation is sent, so what follows is a new command.
  const sync = run(Buffer.from(`${long} {13}\r\nz2 NOOP\r\n`));
  assert.deepEqual(sync.results, ['error:Command line too long', 'ok:NOOP']);
});

test('an unterminated literal at end of stream is a fatal error', () => {
  assert.deepEqual(run(Buffer.from('a APPEND INBOX {100+}\r\nonly a few')).results, ['error:Connection closed in the middle of a command']);
  assert.deepEqual(run(Buffer.from('a NOOP')).results, ['error:Connection closed in the middle of a command']);
});

test('{99999999999} and other absurd literal sizes', () => {
  assert.deepEqual(run(Buffer.from('a LOGIN {99999999999}\r\nb NOOP\r\n')).results, ['error:Literal size is not a valid number', 'ok:NOOP']);
  assert.deepEqual(run(Buffer.from('a LOGIN {99999999999+}\r\nb NOOP\r\n')).results, ['error:Literal size is not a valid number']);
  const many = `a LOGIN {${'9'.repeat(5000)}}\r\nb NOOP\r\n`;
  // Too many digits to be a literal announcement at all: an ordinary (bad) line, no continuation.
  assert.deepEqual(run(Buffer.from(many)).results, ['bad:Invalid literal', 'ok:NOOP']);
});

test('10,000-deep parenthesis nesting is refused without deep recursion', () => {
  const deep = `a SEARCH ${'('.repeat(10000)}ALL${')'.repeat(10000)}\r\n`;
  assert.deepEqual(run(Buffer.from(deep), 4096, { ...LIMITS, maxLineLength: 65536 }).results, ['bad:Search criteria nested too deeply']);
  assert.deepEqual(run(Buffer.from(deep)).results, ['error:Command line too long']);
  const nots = `a SEARCH ${'NOT '.repeat(10000)}ALL\r\n`;
  assert.deepEqual(run(Buffer.from(nots), 4096, { ...LIMITS, maxLineLength: 65536 }).results, ['bad:Search criteria nested too deeply']);
  const flags = `a STORE 1 FLAGS ${'('.repeat(10000)}\r\n`;
  assert.deepEqual(run(Buffer.from(flags), 4096, { ...LIMITS, maxLineLength: 65536 }).results, ['bad:Expected flag']);
});

test('invalid modified UTF-7 names are BAD', () => {
  for (const name of ['&U,BTFw', '&AGE-', '&AOB-', '&AOA-&AOA-', '"Citt\u00e0"']) {
    const r = run(Buffer.from(`a CREATE ${name}\r\n`, 'latin1')).results;
    assert.equal(r.length, 1);
    assert.ok(r[0]!.startsWith('bad:'), `${name}: ${r[0]}`);
  }
});

test('garbage, pipelined garbage lines and NUL bytes', () => {
  const next = ((s: number) => () => (s = (s * 1103515245 + 12345) >>> 0) >>> 16)(7);
  const garbage = Buffer.alloc(200_000);
  for (let i = 0; i < garbage.length; i++) garbage[i] = next() & 0xff;
  const { results } = run(Buffer.concat([garbage, Buffer.from('\r\nz NOOP\r\n')]), 997);
  assert.ok(results.length > 0);
  assert.ok(results.every((r) => r.startsWith('bad:') || r.startsWith('error:') || r.startsWith('ok:') || r === 'continue'));
  const lines = Array.from({ length: 1000 }, (_, i) => `x${i} ${'\u00ff('.repeat(i % 7)})]{\r\n`).join('');
  const piped = run(Buffer.from(`${lines}z NOOP\r\n`, 'latin1')).results;
  assert.equal(piped.length, 1001);
  assert.equal(piped.at(-1), 'ok:NOOP');
  const nul = run(Buffer.from('a\0 NOOP\r\nb LOGIN "a\0b" c\r\nc LOGIN {3}\r\na\0b x\r\n', 'latin1')).results;
  assert.deepEqual(nul.filter((r) => r !== 'continue').map((r) => r.slice(0, 4)), ['bad:', 'bad:', 'bad:']);
});

test('a flood of literals stays bounded', () => {
  const one = 'x'.repeat(4096);
  const input = `a ID (${Array.from({ length: 40 }, () => `{4096+}\r\n${one}`).join(' ')})\r\nb NOOP\r\n`;
  assert.deepEqual(run(Buffer.from(input), 1000).results, ['error:Too many literals in one command', 'ok:NOOP']);
});
