import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RecapitoError } from '../errors.ts';
import { ProvidersFileError, ProvidersIndex, parseIndexFile, parseProvidersFile, serializeProvidersFile } from './index.ts';
import { makeCertificate, tempDir } from './certs-fixture.test.ts';

const tmp = tempDir();
after(tmp.cleanup);
const certA = makeCertificate(tmp.dir, 'Esempio PEC', 'posta-certificata@pec.esempio.it');
const certB = makeCertificate(tmp.dir, 'Beta PEC', 'posta-certificata@betapec.example');

function validDoc(): { providers: Record<string, unknown>[] } {
  return {
    providers: [
      {
        name: 'Esempio PEC',
        mailReceipt: 'posta-certificata@pec.esempio.it',
        domains: ['pec.esempio.it', 'Legal.Esempio.IT'],
        certificates: [certA.pem],
        route: '127.0.0.1:2525',
        description: 'test provider',
      },
      {
        name: 'Beta PEC',
        unit: 'Ambiente di prova',
        mailReceipt: 'posta-certificata@betapec.example',
        domains: ['betapec.example'],
        certificates: [certB.pem.replaceAll('\n', '\r\n')],
        route: '[::1]:25',
      },
    ],
  };
}

/** Parses a document expected to be invalid; returns the issues' "path: message" strings. */
function issuesOf(doc: unknown): string[] {
  const text = typeof doc === 'string' ? doc : JSON.stringify(doc);
  try {
    parseProvidersFile(text);
  } catch (err) {
    assert.ok(err instanceof ProvidersFileError);
    assert.ok(err instanceof RecapitoError);
    assert.equal(err.code, 'PROVIDERS_FILE_INVALID');
    for (const i of err.issues) assert.ok(err.message.includes(`${i.path}: ${i.message}`));
    return err.issues.map((i) => `${i.path}: ${i.message}`);
  }
  assert.fail('expected ProvidersFileError');
}

/** Asserts that the only issue is at `path` and its message matches `re`. */
function onlyIssue(doc: unknown, path: string, re: RegExp): void {
  const issues = issuesOf(doc);
  assert.equal(issues.length, 1, issues.join('\n'));
  assert.ok(issues[0]?.startsWith(`${path}: `), issues[0]);
  assert.match(issues[0] ?? '', re);
}

function mutate(fn: (doc: { providers: Record<string, unknown>[] }) => void): unknown {
  const doc = validDoc();
  fn(doc);
  return doc;
}

describe('providers file form (JSON)', () => {
  it('parses a valid file, computing hashes from the certificates', () => {
    const records = parseProvidersFile(JSON.stringify(validDoc()));
    assert.equal(records.length, 2);
    assert.deepEqual(records[0], {
      name: 'Esempio PEC',
      certificateHashes: [certA.opensslSha1],
      certificates: [certA.der],
      mailReceipt: 'posta-certificata@pec.esempio.it',
      managedDomains: ['pec.esempio.it', 'legal.esempio.it'],
      route: '127.0.0.1:2525',
      description: 'test provider',
    });
    assert.equal(records[1]?.unit, 'Ambiente di prova');
    assert.deepEqual(records[1]?.certificates, [certB.der]);
    assert.equal(new ProvidersIndex(records).providerForCertificate(certB.der)?.route, '[::1]:25');
    assert.equal(parseIndexFile, parseProvidersFile);
  });

  it('round-trips serialize -> parse', () => {
    const records = parseProvidersFile(JSON.stringify(validDoc()));
    const text = serializeProvidersFile(records);
    assert.ok(text.includes('-----BEGIN CERTIFICATE-----'));
    assert.deepEqual(parseProvidersFile(text), records);
  });

  it('names the path of each kind of invalid input', () => {
    onlyIssue('{"providers": [', '$', /not valid JSON/);
    onlyIssue([], '$', /must be an object/);
    onlyIssue({ providers: {} }, 'providers', /must be an array/);
    onlyIssue({ providers: [], extra: 1 }, 'extra', /unknown key/);
    onlyIssue(mutate((d) => d.providers.push('x' as never)), 'providers[2]', /must be an object/);
    onlyIssue(mutate((d) => delete d.providers[1]!['name']), 'providers[1].name', /is required/);
    onlyIssue(mutate((d) => (d.providers[0]!['name'] = 42)), 'providers[0].name', /non-empty string/);
    onlyIssue(mutate((d) => (d.providers[0]!['nmae'] = 'typo')), 'providers[0].nmae', /unknown key/);
    onlyIssue(mutate((d) => (d.providers[1]!['mailReceipt'] = 'not an address')), 'providers[1].mailReceipt', /plain address/);
    onlyIssue(mutate((d) => (d.providers[0]!['domains'] = [])), 'providers[0].domains', /non-empty array/);
    onlyIssue(mutate((d) => (d.providers[0]!['domains'] = ['ok.example', 'bad domain'])), 'providers[0].domains[1]', /"bad domain" is not a domain name/);
    onlyIssue(mutate((d) => (d.providers[0]!['domains'] = ['ok.example', 7])), 'providers[0].domains[1]', /non-empty string/);
    onlyIssue(mutate((d) => (d.providers[0]!['domains'] = ['a.example', 'A.example'])), 'providers[0].domains[1]', /listed twice/);
    onlyIssue(mutate((d) => (d.providers[1]!['domains'] = ['pec.esempio.it'])), 'providers[1].domains[0]', /already listed by providers\[0\]/);
    onlyIssue(mutate((d) => (d.providers[0]!['certificates'] = ['garbage'])), 'providers[0].certificates[0]', /PEM block/);
    onlyIssue(mutate((d) => (d.providers[0]!['certificates'] = ['-----BEGIN CERTIFICATE-----\nnot*base64\n-----END CERTIFICATE-----\n'])), 'providers[0].certificates[0]', /invalid base64/);
    onlyIssue(mutate((d) => (d.providers[0]!['certificates'] = ['-----BEGIN CERTIFICATE-----\nAAECAw==\n-----END CERTIFICATE-----\n'])), 'providers[0].certificates[0]', /not a DER certificate/);
    onlyIssue(mutate((d) => (d.providers[0]!['certificates'] = [certA.pem + certB.pem])), 'providers[0].certificates[0]', /single PEM block/);
    onlyIssue(mutate((d) => (d.providers[0]!['certificates'] = [certA.pem, certA.pem])), 'providers[0].certificates[1]', /listed twice/);
    for (const route of ['127.0.0.1', 'host:0', 'host:70000', 'bad host:25', '[zz]:25', '::1:25']) {
      onlyIssue(mutate((d) => (d.providers[0]!['route'] = route)), 'providers[0].route', /host:port/);
    }
    onlyIssue(mutate((d) => d.providers.push({ ...d.providers[0]!, domains: ['other.example'], certificates: [certB.pem] })), 'providers[2]', /same name and unit as providers\[0\]/);
  });

  it('lists every issue at once', () => {
    const issues = issuesOf({ providers: [{ name: '', domains: ['x y'], certificates: 'nope', colour: 'red' }] });
    assert.deepEqual(issues.map((i) => i.split(':')[0]), [
      'providers[0].colour',
      'providers[0].name',
      'providers[0].mailReceipt',
      'providers[0].domains[0]',
      'providers[0].certificates',
    ]);
  });

  it('refuses oversized files', () => {
    onlyIssue(' '.repeat(17 * 1024 * 1024), '$', /larger than/);
  });
});
