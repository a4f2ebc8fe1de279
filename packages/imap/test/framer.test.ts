// The framer: literals across arbitrary chunk boundaries, continuation requests only for
// synchronizing literals, refused literals and resynchronization.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ImapFramer, ImapParseError, isIdleDone, parseAuthResponse, parseCommand, type FramerEvent } from '../src/index.ts';

const INPUT = Buffer.from([
  'a1 LOGIN {5}\r\nmario {3}\r\npwd\r\n',
  'a2 APPEND INBOX (\\Seen) {12+}\r\nSubject: x\r\n\r\n',
  'a3 NOOP\r\n',
  '\r\n',
  'a4 SEARCH TEXT {0}\r\n\r\n',
  'a5 SELECT "Posta inviata"\n',
].join(''));

/** A printable summary of events, for comparison between chunkings. */
function summary(events: FramerEvent[]): string[] {
  return events.map((e) => {
    if (e.type === 'command') return `cmd:${e.command.parts.map((p) => `${p.kind}=${Buffer.from(p.bytes).toString('latin1')}`).join('|')}`;
    if (e.type === 'continue') return `continue:${e.tag}:${e.size}`;
    return `error:${e.tag}:${e.text}:${e.fatal}`;
  });
}

function feed(chunks: Uint8Array[]): string[] {
  const f = new ImapFramer();
  const events: FramerEvent[] = [];
  for (const c of chunks) events.push(...f.push(c));
  events.push(...f.end());
  return summary(events);
}

/** A small deterministic pseudo-random generator, so failures can be reproduced. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

test('the same result whole, byte by byte and in random chunks', () => {
  const whole = feed([INPUT]);
  assert.equal(whole.filter((s) => s.startsWith('cmd:')).length, 6);
  assert.deepEqual(whole.filter((s) => s.startsWith('continue:')), ['continue:a1:5', 'continue:a1:3', 'continue:a4:0']);
  assert.deepEqual(feed([...INPUT].map((b) => Uint8Array.of(b))), whole);
  for (let seed = 1; seed <= 200; seed++) {
    const next = rng(seed);
    const chunks: Uint8Array[] = [];
    for (let i = 0; i < INPUT.length;) {
      const n = 1 + Math.floor(next() * 20);
      chunks.push(INPUT.subarray(i, i + n));
      i += n;
    }
    assert.deepEqual(feed(chunks), whole, `seed ${seed}`);
  }
});

test('framed commands parse; the literal keeps its exact octets', () => {
  const f = new ImapFramer();
  const events = f.push(INPUT);
  const framed = events.flatMap((e) => (e.type === 'command' ? [e.command] : []));
  assert.throws(() => parseCommand(framed.splice(3, 1)[0]!), /Empty command/);
  const cmds = framed.map((c) => parseCommand(c));
  assert.deepEqual(cmds.map((c) => c.name), ['LOGIN', 'APPEND', 'NOOP', 'SEARCH', 'SELECT']);
  const append = cmds[1]!;
  assert.ok(append.name === 'APPEND' && Buffer.from(append.messages[0]!.message).toString() === 'Subject: x\r\n');
});

test('continuation is requested only for synchronizing literals', () => {
  const f = new ImapFramer();
  assert.deepEqual(f.push(Buffer.from('a LOGIN {5+}\r\n')), []);
  assert.deepEqual(f.push(Buffer.from('mario {3}\r\n')), [{ type: 'continue', tag: 'a', size: 3 }]);
  const done = f.push(Buffer.from('pwd\r\n'));
  assert.equal(done.length, 1);
  assert.equal(done[0]!.type, 'command');
});

test('an over-limit synchronizing literal is refused and the stream resynchronizes', () => {
  const f = new ImapFramer({ maxLiteral: 100, maxAppendLiteral: 1000 });
  assert.deepEqual(f.push(Buffer.from('a LOGIN {101}\r\n')), [{ type: 'error', tag: 'a', status: 'BAD', text: 'Literal too large', fatal: false }]);
  // The client got no "+", so the next line is a new command.
  assert.equal(f.push(Buffer.from('b NOOP\r\n'))[0]!.type, 'command');
  assert.deepEqual(f.push(Buffer.from('c APPEND INBOX {1001}\r\n')), [{ type: 'error', tag: 'c', status: 'NO', code: 'TOOBIG', text: 'Message too large', fatal: false }]);
  assert.deepEqual(f.push(Buffer.from('d APPEND INBOX {1000}\r\n')), [{ type: 'continue', tag: 'd', size: 1000 }]);
});

test('an over-limit non-synchronizing literal is consumed, then BAD; a huge one is fatal', () => {
  const f = new ImapFramer({ maxLiteral: 10, maxDiscard: 1000 });
  const body = 'x'.repeat(50);
  const events = f.push(Buffer.from(`a LOGIN {50+}\r\n${body} {2+}\r\npw\r\nb NOOP\r\n`));
  assert.deepEqual(summary(events), ['error:a:Literal too large:false', 'cmd:line=b NOOP']);
  assert.ok(f.bufferedBytes <= 10);
  const g = new ImapFramer({ maxLiteral: 10, maxDiscard: 1000 });
  assert.deepEqual(summary(g.push(Buffer.from('a LOGIN {5000+}\r\nxxxx'))), ['error:a:Literal too large:true']);
  assert.deepEqual(g.push(Buffer.from('b NOOP\r\n')), []);
});

test('too many literals in one command are refused', () => {
  const f = new ImapFramer({ maxLiterals: 2 });
  const events = f.push(Buffer.from('a ID ({1+}\r\na {1+}\r\nb {1}\r\n'));
  assert.deepEqual(summary(events), ['error:a:Too many literals in one command:false']);
});

test('the server hook may refuse a literal with its own response', () => {
  const seen: unknown[] = [];
  const f = new ImapFramer({
    checkLiteral: (req) => {
      seen.push(req);
      return req.append && req.size > 10 ? { status: 'NO', code: 'OVERQUOTA', text: 'Mailbox full' } : undefined;
    },
  });
  assert.deepEqual(f.push(Buffer.from('a APPEND INBOX {11}\r\n')),
    [{ type: 'error', tag: 'a', status: 'NO', code: 'OVERQUOTA', text: 'Mailbox full', fatal: false }]);
  assert.deepEqual(summary(f.push(Buffer.from('b APPEND INBOX {11+}\r\nhello world\r\nc APPEND INBOX {5}\r\n'))),
    ['error:b:Mailbox full:false', 'continue:c:5']);
  assert.deepEqual(seen, [
    { tag: 'a', size: 11, nonSync: false, append: true },
    { tag: 'b', size: 11, nonSync: true, append: true },
    { tag: 'c', size: 5, nonSync: false, append: true },
  ]);
});

test('IDLE DONE and AUTHENTICATE responses are read as plain lines', () => {
  const f = new ImapFramer();
  const cmds = f.push(Buffer.from('done\r\n*\r\nAG1hcmlvAHB3ZA==\r\n\r\nx y\r\n')).flatMap((e) => (e.type === 'command' ? [e.command] : []));
  assert.equal(isIdleDone(cmds[0]!), true);
  assert.equal(isIdleDone(cmds[1]!), false);
  assert.deepEqual(parseAuthResponse(cmds[1]!), { cancel: true });
  const r = parseAuthResponse(cmds[2]!);
  assert.ok(!r.cancel && Buffer.from(r.data).toString('latin1') === '\0mario\0pwd');
  const empty = parseAuthResponse(cmds[3]!);
  assert.ok(!empty.cancel && empty.data.length === 0);
  assert.throws(() => parseAuthResponse(cmds[4]!), ImapParseError);
});
