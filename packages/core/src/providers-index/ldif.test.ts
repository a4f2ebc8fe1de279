import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RecapitoError } from '../errors.ts';
import { LdifError, parseLdif, recordsFromLdif, writeLdif, ldifText, ldifValues, providerCertificateHash } from './index.ts';
import type { ProviderRecord } from './index.ts';
import { b64, makeCertificate, tempDir } from './certs-fixture.test.ts';

const tmp = tempDir();
after(tmp.cleanup);
const certA1 = makeCertificate(tmp.dir, 'Esempio PEC S.p.A.', 'posta-certificata@pec.esempio.it');
const certA2 = makeCertificate(tmp.dir, 'Esempio PEC S.p.A.', 'posta-certificata@pec.esempio.it');
const certUnit = makeCertificate(tmp.dir, 'Esempio PEC S.p.A.', 'posta-certificata@pa.esempio.it');
const certB = makeCertificate(tmp.dir, 'Alfa PEC', 'posta-certificata@alfapec.example');

/** Folds like an LDIF writer: first line `width` columns, continuations a space plus width-1. */
function fold(line: string, width = 78): string {
  if (line.length <= width) return line;
  const out = [line.slice(0, width)];
  for (let i = width; i < line.length; i += width - 1) out.push(` ${line.slice(i, i + width - 1)}`);
  return out.join('\r\n');
}
const utf8b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');

/** The fixture directory: base entry, a provider with two certificates, its secondary
 * environment, and a provider written with odd attribute case and base64 DN. CRLF. */
export const DIRECTORY = [
  '# Indice dei gestori di PEC: fixture',
  'version: 1',
  '',
  'dn: o=postacert',
  'objectClass: top',
  'objectClass: organization',
  'objectClass: LDIFLocationURLObject',
  'o: postacert',
  'LDIFLocationURL: https://index.example.it/ldif/postacert.ldif.p7m',
  '',
  '# main environment',
  'dn: providerName=Esempio PEC S.p.A.,o=postacert',
  'objectClass: top',
  'objectClass: provider',
  'providerName: Esempio PEC S.p.A.',
  `providerCertificateHash: ${certA1.opensslSha1.toLowerCase()}`,
  `providerCertificateHash: ${certA2.opensslSha1}`,
  fold(`providerCertificate;binary:: ${b64(certA1.der)}`),
  fold(`providerCertificate;binary:: ${b64(certA2.der)}`, 64),
  'mailReceipt: posta-certificata@pec.esempio.it',
  'managedDomains: pec.esempio.it',
  'managedDomains: PEC.Clienti-Esempio.IT',
  'managedDomains: legal.esempio.it',
  'LDIFLocationURL: https://pec.esempio.it/ldif/esempio.ldif.p7m',
  fold(`description:: ${utf8b64('Posta certificata per imprese e professionisti: Società Esempio, servizio di prova')}`, 40),
  '',
  'dn: providerUnit=Ambiente PA,providerName=Esempio PEC S.p.A.,o=postacert',
  'objectClass: top',
  'objectClass: provider',
  'providerName: Esempio PEC S.p.A.',
  'providerUnit: Ambiente PA',
  `providerCertificateHash: ${certUnit.opensslSha1}`,
  fold(`providerCertificate;binary:: ${b64(certUnit.der)}`),
  'mailReceipt: posta-certificata@pa.esempio.it',
  'managedDomains: pa.esempio.it',
  '',
  '',
  `dn:: ${utf8b64('providerName=Società Alfa PEC,o=postacert')}`,
  'objectclass: top',
  'OBJECTCLASS: Provider',
  `PROVIDERNAME:: ${utf8b64('Società Alfa PEC')}`,
  `providercertificatehash: ${certB.opensslSha1}`,
  fold(`providerCertificate:: ${b64(certB.der)}`),
  'MailReceipt:posta-certificata@alfapec.example',
  'managedDomains: alfapec.example',
  '',
].join('\r\n');

function expectLdifError(fn: () => unknown, code: string, line?: number): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof LdifError, `expected LdifError, got ${String(err)}`);
    assert.ok(err instanceof RecapitoError);
    assert.equal(err.code, code, err.message);
    if (line !== undefined) {
      assert.equal(err.line, line, err.message);
      assert.match(err.message, new RegExp(`line ${line}\\b`));
    }
    return true;
  });
}

function provider(entry: string[]): string {
  return ['dn: providerName=T,o=postacert', 'objectClass: top', 'objectClass: provider', ...entry].join('\n');
}
const validB = [
  'providerName: T',
  `providerCertificateHash: ${certB.opensslSha1}`,
  `providerCertificate;binary:: ${b64(certB.der)}`,
  'mailReceipt: posta-certificata@t.example',
  'managedDomains: t.example',
];

describe('LDIF reader (RFC 2849)', () => {
  it('reads the realistic directory: folding, CRLF, base64 values and DN, comments', () => {
    const entries = parseLdif(DIRECTORY);
    assert.equal(entries.length, 4);
    assert.equal(entries[0]?.dn, 'o=postacert');
    assert.equal(entries[3]?.dn, 'providerName=Società Alfa PEC,o=postacert');
    const main = entries[1];
    assert.ok(main);
    assert.equal(main.line, 12);
    const certs = ldifValues(main, 'PROVIDERCERTIFICATE');
    assert.equal(certs.length, 2);
    assert.deepEqual(certs[0]?.options, ['binary']);
    assert.ok(certs[0]?.kind === 'base64');
    assert.deepEqual(certs[0].bytes, certA1.der);
    assert.equal(ldifText(ldifValues(main, 'description')[0]!), 'Posta certificata per imprese e professionisti: Società Esempio, servizio di prova');
  });

  it('accepts bytes (UTF-8, with BOM) like text', () => {
    const bytes = new TextEncoder().encode(`\uFEFF${DIRECTORY}`);
    assert.deepEqual(parseLdif(bytes), parseLdif(DIRECTORY));
  });

  it('maps the directory to provider records and skips the base entry', () => {
    const { providers, problems } = recordsFromLdif(DIRECTORY);
    assert.deepEqual(problems, []);
    assert.equal(providers.length, 3);
    const [a, unit, b] = providers;
    assert.deepEqual(a, {
      name: 'Esempio PEC S.p.A.',
      certificateHashes: [certA1.opensslSha1, certA2.opensslSha1],
      certificates: [certA1.der, certA2.der],
      mailReceipt: 'posta-certificata@pec.esempio.it',
      managedDomains: ['pec.esempio.it', 'pec.clienti-esempio.it', 'legal.esempio.it'],
      ldifUrl: 'https://pec.esempio.it/ldif/esempio.ldif.p7m',
      description: 'Posta certificata per imprese e professionisti: Società Esempio, servizio di prova',
    });
    assert.equal(unit?.unit, 'Ambiente PA');
    assert.equal(unit?.ldifUrl, undefined);
    assert.deepEqual(unit?.managedDomains, ['pa.esempio.it']);
    assert.equal(b?.name, 'Società Alfa PEC');
    assert.equal(b?.mailReceipt, 'posta-certificata@alfapec.example');
    assert.deepEqual(b?.certificateHashes, [certB.opensslSha1]);
  });

  it('computes the same SHA-1 as openssl x509 -fingerprint -sha1', () => {
    for (const c of [certA1, certA2, certUnit, certB]) assert.equal(providerCertificateHash(c.der), c.opensslSha1);
  });

  it('round-trips write -> parse, folding at 76 columns, LF and CRLF', () => {
    const { providers } = recordsFromLdif(DIRECTORY);
    const odd: ProviderRecord = {
      name: '#Alfa, Beta + C. "PEC"; <srl>',
      certificateHashes: [certB.opensslSha1],
      certificates: [certB.der],
      mailReceipt: 'posta-certificata@odd.example',
      managedDomains: ['odd.example'],
      description: ':starts with a colon and ends with a space ',
      route: '127.0.0.1:2525',
    };
    for (const eol of ['\n', '\r\n'] as const) {
      const text = writeLdif([...providers, odd], { eol });
      for (const line of text.split(eol)) assert.ok(line.length <= 76, `line longer than 76: ${line}`);
      assert.ok(!text.replaceAll(eol, '').includes('\n'));
      const again = recordsFromLdif(text);
      assert.deepEqual(again.problems, []);
      const { route: _route, ...oddWithoutRoute } = odd; // route is private, never in LDIF
      assert.deepEqual(again.providers, [...providers, oddWithoutRoute]);
    }
    assert.match(writeLdif(providers), /^dn: providerUnit=Ambiente PA,providerName=Esempio PEC S\.p\.A\.,o=postacert$/m);
    // RFC 4514 escaping in the DN; the value itself is a SAFE-STRING, so no base64.
    assert.ok(writeLdif([odd]).includes('\ndn: providerName=\\#Alfa\\, Beta \\+ C. \\"PEC\\"\\; \\<srl\\>,o=postacert\n'));
    assert.match(writeLdif([odd]), /^description:: /m); // leading colon, trailing space: base64
  });

  it('writes non-ASCII names in base64 and never writes LDIFLocationURL on a unit', () => {
    const { providers } = recordsFromLdif(DIRECTORY);
    const unit = { ...providers[1]!, ldifUrl: 'https://x.example/u.ldif.p7m' };
    const text = writeLdif([unit, providers[2]!]);
    assert.ok(!/LDIFLocationURL/.test(text));
    assert.match(text, /^providerName:: /m);
    assert.match(text, /^dn:: /m);
  });
});

describe('LDIF hostile input', () => {
  it('refuses a 1 MB line with LDIF_LINE_TOO_LONG', () => {
    expectLdifError(() => parseLdif(`version: 1\n\ndn: o=postacert\ndescription: ${'x'.repeat(1024 * 1024)}\n`), 'LDIF_LINE_TOO_LONG', 4);
  });

  it('refuses a 1 MB value built from folded lines', () => {
    const folded = Array.from({ length: 20_000 }, () => ` ${'y'.repeat(60)}`).join('\n');
    expectLdifError(() => parseLdif(`dn: o=postacert\ndescription: x\n${folded}\n`), 'LDIF_LINE_TOO_LONG', 2);
  });

  it('stops at the record cap (100k records)', () => {
    const text = Array.from({ length: 100_000 }, (_, i) => `dn: cn=r${i},o=postacert\ncn: r${i}\n`).join('\n');
    const started = performance.now();
    expectLdifError(() => parseLdif(text), 'LDIF_TOO_MANY_RECORDS', 10_000 * 3 + 1);
    assert.ok(performance.now() - started < 5000);
  });

  it('reads a large honest record (200k managed domains) in linear time', () => {
    const domains = Array.from({ length: 200_000 }, (_, i) => `managedDomains: pec.cliente${i}.example`);
    const started = performance.now();
    const { providers, problems } = recordsFromLdif(provider([...validB, ...domains]));
    assert.deepEqual(problems, []);
    assert.equal(providers[0]?.managedDomains.length, 200_001);
    assert.ok(performance.now() - started < 5000);
  });

  it('refuses inputs over the size cap, text or bytes', () => {
    expectLdifError(() => parseLdif(DIRECTORY, { maxSize: 1000 }), 'LDIF_TOO_LARGE');
    expectLdifError(() => parseLdif(new TextEncoder().encode(DIRECTORY), { maxSize: 1000 }), 'LDIF_TOO_LARGE');
  });

  it('caps values per record and in total', () => {
    const many = ['dn: o=postacert', ...Array.from({ length: 50 }, (_, i) => `managedDomains: d${i}.example`)].join('\n');
    expectLdifError(() => parseLdif(many, { maxValuesPerRecord: 10 }), 'LDIF_TOO_MANY_VALUES', 12);
    expectLdifError(() => parseLdif(many, { maxValues: 20 }), 'LDIF_TOO_MANY_VALUES', 22);
  });

  it('reports broken base64 with its line', () => {
    expectLdifError(() => parseLdif('dn: o=postacert\nproviderCertificate;binary:: MIIB*not base64*\n'), 'LDIF_BAD_BASE64', 2);
    expectLdifError(() => parseLdif('dn: o=postacert\ndescription:: QUJD=\n'), 'LDIF_BAD_BASE64', 2);
    expectLdifError(() => parseLdif('dn:: %%%\ncn: x\n'), 'LDIF_BAD_BASE64', 1);
  });

  it('refuses URL values without touching any file', () => {
    expectLdifError(() => parseLdif('dn: o=postacert\nproviderCertificate;binary:< file:///etc/passwd\n'), 'LDIF_URL_VALUE', 2);
  });

  it('refuses change records', () => {
    expectLdifError(() => parseLdif('version: 1\ndn: providerName=X,o=postacert\nchangetype: delete\n'), 'LDIF_CHANGE_RECORD', 3);
    expectLdifError(() => parseLdif('dn: providerName=X,o=postacert\ncontrol: 1.2.840.113556.1.4.805 true\nchangetype: delete\n'), 'LDIF_CHANGE_RECORD', 2);
  });

  it('reports grammar errors with their line', () => {
    expectLdifError(() => parseLdif(' continued\ndn: o=postacert\n'), 'LDIF_MALFORMED', 1);
    expectLdifError(() => parseLdif('objectClass: top\n'), 'LDIF_MALFORMED', 1);
    expectLdifError(() => parseLdif('dn: o=postacert\nno colon here\n'), 'LDIF_MALFORMED', 2);
    expectLdifError(() => parseLdif('dn: o=postacert\nbad attr: x\n'), 'LDIF_MALFORMED', 2);
    expectLdifError(() => parseLdif('dn: o=postacert\ncn: a\ndn: o=other\ncn: b\n'), 'LDIF_MALFORMED', 3);
    expectLdifError(() => parseLdif('dn: o=postacert\n\ndn: o=x\ncn: y\n'), 'LDIF_MALFORMED');
    expectLdifError(() => parseLdif('dn: o=postacert\ncn: a\rb\n'), 'LDIF_MALFORMED', 2);
    expectLdifError(() => parseLdif('version: 2\ndn: o=postacert\ncn: a\n'), 'LDIF_BAD_VERSION', 1);
    expectLdifError(() => parseLdif(new Uint8Array([0x64, 0x6e, 0x3a, 0x20, 0xff, 0x0a])), 'LDIF_BAD_ENCODING');
  });

  it('never throws anything but LdifError on mutated input', () => {
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const alphabet = [' ', ':', '\n', '\r\n', '<', '=', '#', 'dn: ', '-', 'A', '\u0000', 'é', ';binary'];
    for (let round = 0; round < 1500; round++) {
      let text = DIRECTORY;
      for (let k = 0; k < 1 + rand(4); k++) {
        const at = rand(text.length);
        const cut = rand(3) === 0 ? rand(40) : 0;
        text = text.slice(0, at) + (alphabet[rand(alphabet.length)] ?? '') + text.slice(at + cut);
      }
      try {
        const { providers, problems } = recordsFromLdif(text);
        assert.ok(Array.isArray(providers) && Array.isArray(problems));
      } catch (err) {
        assert.ok(err instanceof LdifError, `round ${round}: ${String(err)}`);
      }
    }
  });
});

describe('LDIF provider records: skipped with a precise problem', () => {
  it('skips a record whose certificate does not match its hash, keeping the others', () => {
    const text = DIRECTORY.replace(`providercertificatehash: ${certB.opensslSha1}`, `providercertificatehash: ${certA1.opensslSha1}`);
    const { providers, problems } = recordsFromLdif(text);
    assert.equal(providers.length, 2);
    assert.deepEqual(problems.map((p) => p.code), ['PROVIDERS_INDEX_HASH_MISMATCH']);
    assert.match(problems[0]!.message, /Società Alfa PEC/);
    assert.match(problems[0]!.message, new RegExp(certB.opensslSha1));
  });

  it('skips a record listing a hash with no certificate', () => {
    const { providers, problems } = recordsFromLdif(provider([...validB, `providerCertificateHash: ${certA1.opensslSha1}`]));
    assert.equal(providers.length, 0);
    assert.deepEqual(problems.map((p) => p.code), ['PROVIDERS_INDEX_HASH_MISMATCH']);
  });

  it('skips a record with a malformed hash', () => {
    const { providers, problems } = recordsFromLdif(provider([...validB, 'providerCertificateHash: XYZ']));
    assert.equal(providers.length, 0);
    assert.deepEqual(problems.map((p) => p.code), ['PROVIDERS_INDEX_BAD_VALUE']);
  });

  it('skips a record missing each MUST attribute', () => {
    for (const missing of ['providerName', 'providerCertificateHash', 'providerCertificate', 'mailReceipt', 'managedDomains']) {
      const lines = validB.filter((l) => !l.toLowerCase().startsWith(`${missing.toLowerCase()}:`) && !l.startsWith(`${missing};`));
      const { providers, problems } = recordsFromLdif(provider(lines));
      assert.equal(providers.length, 0, missing);
      assert.ok(problems.some((p) => p.code === 'PROVIDERS_INDEX_MISSING_ATTRIBUTE' && p.message.includes(missing)), `${missing}: ${JSON.stringify(problems)}`);
    }
  });

  it('skips records with a repeated single-valued attribute or a bad mailReceipt or certificate', () => {
    for (const extra of ['mailReceipt: other@t.example', 'providerName: U']) {
      assert.deepEqual(recordsFromLdif(provider([...validB, extra])).problems.map((p) => p.code), ['PROVIDERS_INDEX_BAD_VALUE']);
    }
    const badMail = validB.map((l) => (l.startsWith('mailReceipt') ? 'mailReceipt: "quoted local"@t.example' : l));
    assert.deepEqual(recordsFromLdif(provider(badMail)).problems.map((p) => p.code), ['PROVIDERS_INDEX_BAD_VALUE']);
    const badCert = validB.map((l) => (l.startsWith('providerCertificate;') ? 'providerCertificate;binary:: AAECAw==' : l));
    assert.ok(recordsFromLdif(provider(badCert)).problems.some((p) => p.code === 'PROVIDERS_INDEX_BAD_VALUE'));
  });

  it('drops a bad domain but keeps the record; drops LDIFLocationURL on a unit', () => {
    const r1 = recordsFromLdif(provider([...validB, 'managedDomains: not a domain']));
    assert.equal(r1.providers.length, 1);
    assert.deepEqual(r1.providers[0]?.managedDomains, ['t.example']);
    assert.deepEqual(r1.problems.map((p) => p.code), ['PROVIDERS_INDEX_BAD_VALUE']);
    const r2 = recordsFromLdif(provider([...validB, 'providerUnit: U', 'LDIFLocationURL: https://t.example/x']));
    assert.equal(r2.providers[0]?.ldifUrl, undefined);
    assert.deepEqual(r2.problems.map((p) => p.code), ['PROVIDERS_INDEX_BAD_VALUE']);
  });

  it('reports duplicates and entries that are not providers', () => {
    const text = [provider(validB), provider(validB), 'dn: ou=other,o=postacert\nobjectClass: organizationalUnit\nou: other'].join('\n\n');
    const { providers, problems } = recordsFromLdif(text);
    assert.equal(providers.length, 1);
    assert.deepEqual(problems.map((p) => p.code), ['PROVIDERS_INDEX_DUPLICATE_RECORD', 'PROVIDERS_INDEX_NOT_A_PROVIDER']);
  });
});
