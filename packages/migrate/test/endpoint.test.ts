// Endpoint URLs: schemes, users with "@", IPv6, refused passwords and paths, hostile input.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endpointKey, MigrateError, parseEndpoint } from '../src/index.ts';

const code = (url: string): string => {
  try {
    parseEndpoint(url);
  } catch (err) {
    assert.ok(err instanceof MigrateError);
    return err.code;
  }
  assert.fail(`accepted ${url}`);
};

test('imaps and imap: security and default ports', () => {
  assert.deepEqual(parseEndpoint('imaps://mario@imap.example.it'), {
    url: 'imaps://mario@imap.example.it:993', security: 'tls', host: 'imap.example.it', port: 993, user: 'mario',
  });
  const plain = parseEndpoint('imap://mario@imap.example.it');
  assert.equal(plain.security, 'starttls');
  assert.equal(plain.port, 143);
  assert.equal(parseEndpoint('IMAPS://mario@IMAP.Example.IT:10993').url, 'imaps://mario@imap.example.it:10993');
  assert.equal(parseEndpoint('imaps://mario@host:').port, 993, 'an empty port is the default (RFC 3986 §3.2.3)');
  assert.equal(parseEndpoint('imaps://mario@host/').port, 993, 'a lone trailing slash is harmless');
});

test('users with "@": encoded or not, the last "@" separates the host', () => {
  const enc = parseEndpoint('imaps://utente%40pec.comune.it@pec.provider.it:993');
  const raw = parseEndpoint('imaps://utente@pec.comune.it@pec.provider.it:993');
  assert.equal(enc.user, 'utente@pec.comune.it');
  assert.equal(enc.host, 'pec.provider.it');
  assert.deepEqual(raw, enc);
  assert.equal(enc.url, 'imaps://utente%40pec.comune.it@pec.provider.it:993');
  assert.deepEqual(parseEndpoint(enc.url), enc, 'the canonical url parses to the same endpoint');
  assert.equal(parseEndpoint('imaps://a%3Ab@host').user, 'a:b', 'an encoded colon is part of the user');
  assert.equal(parseEndpoint('imaps://nicolò%2Bpec@host').user, 'nicolò+pec');
  assert.equal(parseEndpoint('imaps://ufficio.protocollo@comune.città.it@host').user, 'ufficio.protocollo@comune.città.it');
});

test('IPv6 in brackets, IPv4, internationalised names', () => {
  const v6 = parseEndpoint('imaps://mario@[2001:DB8::1]:994');
  assert.equal(v6.host, '2001:db8::1');
  assert.equal(v6.port, 994);
  assert.equal(v6.url, 'imaps://mario@[2001:db8::1]:994');
  assert.equal(parseEndpoint('imap://mario@[::1]').port, 143);
  assert.equal(parseEndpoint('imaps://mario@192.0.2.7').host, '192.0.2.7');
  assert.match(parseEndpoint('imaps://mario@posta.città.it').host, /^posta\.xn--citt-[a-z0-9]+\.it$/);
  assert.equal(code('imaps://mario@2001:db8::1'), 'URL_BAD_HOST');
  assert.equal(code('imaps://mario@[2001:db8::1'), 'URL_BAD_HOST');
  assert.equal(code('imaps://mario@[fe80::1%25eth0]'), 'URL_BAD_HOST');
  assert.equal(code('imaps://mario@[not-v6]'), 'URL_BAD_HOST');
  assert.equal(code('imaps://mario@[::1]x'), 'URL_BAD_HOST');
  assert.equal(code('imaps://mario@999.1.1.1'), 'URL_BAD_HOST');
  assert.equal(code('imaps://mario@-bad.it'), 'URL_BAD_HOST');
  assert.equal(code('imaps://mario@a..b'), 'URL_BAD_HOST');
  assert.equal(code('imaps://mario@'), 'URL_BAD_HOST');
});

test('passwords are refused without echoing them', () => {
  for (const url of ['imaps://mario:segreto@host', 'imaps://mario:@host', 'imaps://utente@pec.it:segreto@host:993', 'imaps://mario:segreto@host/INBOX']) {
    try {
      parseEndpoint(url);
      assert.fail('accepted');
    } catch (err) {
      assert.ok(err instanceof MigrateError);
      assert.equal(err.code, 'URL_HAS_PASSWORD');
      assert.doesNotMatch(err.message, /segreto/);
      assert.match(err.message, /password file|environment/);
    }
  }
});

test('paths, queries, schemes, users and ports', () => {
  assert.equal(code('imaps://mario@host/INBOX'), 'URL_HAS_PATH');
  assert.equal(code('imaps://mario@host:993/INBOX;UIDVALIDITY=1'), 'URL_HAS_PATH');
  assert.equal(code('imaps://mario@host?x=1'), 'URL_HAS_PATH');
  assert.equal(code('imaps://mario@host#f'), 'URL_HAS_PATH');
  assert.equal(code('pop3s://mario@host'), 'URL_SCHEME_UNSUPPORTED');
  assert.equal(code('https://mario@host'), 'URL_SCHEME_UNSUPPORTED');
  assert.equal(code('mario@host'), 'URL_INVALID');
  assert.equal(code('imaps:/mario@host'), 'URL_INVALID');
  assert.equal(code('imaps://host:993'), 'URL_NO_USER');
  assert.equal(code('imaps://@host'), 'URL_NO_USER');
  assert.equal(code('imaps://mario;AUTH=PLAIN@host'), 'URL_INVALID');
  assert.equal(code('imaps://mario@host:0'), 'URL_BAD_PORT');
  assert.equal(code('imaps://mario@host:65536'), 'URL_BAD_PORT');
  assert.equal(code('imaps://mario@host:99x'), 'URL_BAD_PORT');
  assert.equal(code('imaps://mario@host:-1'), 'URL_BAD_PORT');
  assert.equal(parseEndpoint('imaps://mario@host:65535').port, 65535);
});

test('hostile input: controls, spaces, bad encoding, huge URLs', () => {
  assert.equal(code(''), 'URL_INVALID');
  assert.equal(code('imaps://mario\r\nA1 LOGOUT@host'), 'URL_INVALID');
  assert.equal(code('imaps://mario%0D%0AA1%20LOGOUT@host'), 'URL_INVALID', 'decoded CRLF would inject an IMAP command');
  assert.equal(code('imaps://mario%00@host'), 'URL_INVALID');
  assert.equal(code('imaps://mario@host\u0085'), 'URL_INVALID');
  assert.equal(code(' imaps://mario@host'), 'URL_INVALID');
  assert.equal(code('imaps://mario%E0%A4%A@host'), 'URL_INVALID');
  assert.equal(code('imaps://mario%@host'), 'URL_INVALID');
  assert.equal(code(`imaps://${'a'.repeat(400)}@host`), 'URL_INVALID');
  assert.equal(code(`imaps://mario@${'a'.repeat(5000)}`), 'URL_INVALID');
  assert.equal(code(`imaps://mario@${'a'.repeat(64)}.it`), 'URL_BAD_HOST');
  code(`imaps://${'@'.repeat(2000)}`);
  assert.equal(code(`imaps://${'%40'.repeat(600)}@host`), 'URL_INVALID');
});

test('endpointKey: stable, case-insensitive, file-name safe, injective, bounded', () => {
  const a = parseEndpoint('imaps://Utente%40PEC.Comune.it@Host.IT:993');
  const b = parseEndpoint('imap://utente@pec.comune.it@host.it:143');
  assert.equal(endpointKey(a), endpointKey(b), 'scheme and port do not change the mailbox');
  assert.equal(endpointKey(a), 'utente@pec.comune.it@host.it');
  assert.match(endpointKey(parseEndpoint('imaps://a/b%2F..%2F_x@[::1]'.replace('a/b', 'a%2Fb'))), /^[a-z0-9.@+_-]+$/);
  assert.notEqual(endpointKey({ user: 'a_2f', host: 'h' }), endpointKey({ user: 'a/', host: 'h' }));
  assert.notEqual(endpointKey({ user: 'a_', host: 'h' }), endpointKey({ user: 'a', host: '_h' }));
  assert.equal(endpointKey({ user: 'Città', host: 'h' }), endpointKey({ user: 'Citta\u0300', host: 'h' }), 'NFC');
  assert.ok(!endpointKey({ user: '..', host: 'h' }).startsWith('.'));
  const long1 = endpointKey({ user: 'x'.repeat(300) + '1', host: 'h' });
  const long2 = endpointKey({ user: 'x'.repeat(300) + '2', host: 'h' });
  assert.ok(long1.length <= 160);
  assert.notEqual(long1, long2);
});
