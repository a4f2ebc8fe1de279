/**
 * The CLI as users run it: a real process, real files, OpenSSL on the output.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/recapito.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'recapito-cli-'));
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', cwd: dir });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const KINDS = ['posta-certificata', 'anomalia', 'accettazione', 'non-accettazione', 'presa-in-carico', 'avvenuta-consegna', 'errore-consegna', 'preavviso-errore-consegna', 'rilevazione-virus'];

before(() => {
  const r = run('pki', 'init', '--dir', 'pki', '--domain', 'pec.alfa.test', '--name', 'Alfa PEC S.p.A.');
  assert.equal(r.code, 0, r.stderr);
});

test('pki init writes the CA and a provider certificate with posta-certificata@DOMAIN', () => {
  for (const f of ['ca.pem', 'ca.key', 'provider.pem', 'provider.key']) assert.ok(existsSync(join(dir, 'pki', f)), f);
  assert.equal(statSync(join(dir, 'pki', 'provider.key')).mode & 0o077, 0, 'private key not readable by others');
  const text = spawnSync('openssl', ['x509', '-in', join(dir, 'pki', 'provider.pem'), '-noout', '-text'], { encoding: 'utf8' }).stdout;
  assert.match(text, /email:posta-certificata@pec\.alfa\.test/);
  const again = run('pki', 'init', '--dir', 'pki', '--domain', 'pec.alfa.test');
  assert.equal(again.code, 2);
  assert.match(again.stderr, /already exists; use --force/);
  const beta = run('pki', 'init', '--dir', 'pki-beta', '--domain', 'pec.beta.test', '--ca', 'pki', '--json');
  assert.equal(beta.code, 0, beta.stderr);
  assert.equal(JSON.parse(beta.stdout).email, 'posta-certificata@pec.beta.test');
  assert.equal(readFileSync(join(dir, 'pki-beta', 'ca.pem'), 'utf8'), readFileSync(join(dir, 'pki', 'ca.pem'), 'utf8'));
});

test('pec build makes every kind; inspect --json classifies each and OpenSSL verifies it', () => {
  writeFileSync(join(dir, 'orig.eml'), 'From: a@pec.alfa.test\nTo: b@pec.beta.test\nSubject: Prova è\nMessage-ID: <m1@mua>\n\nciao\n');
  const files: string[] = [];
  for (const kind of KINDS) {
    const out = `${kind}.eml`;
    const r = run('pec', 'build', kind, '--pki', 'pki', '--from', 'a@pec.alfa.test', '--to', 'b@pec.beta.test', '--original', 'orig.eml', '--out', out, ...(kind === 'errore-consegna' ? ['--error', 'no-dest'] : []));
    assert.equal(r.code, 0, `${kind}: ${r.stderr}`);
    files.push(out);
    const v = spawnSync('openssl', ['smime', '-verify', '-in', join(dir, out), '-CAfile', join(dir, 'pki', 'ca.pem'), '-out', '/dev/null'], { encoding: 'utf8' });
    assert.equal(v.status, 0, `${kind}: ${v.stderr}`);
  }
  const r = run('pec', 'inspect', ...files, '--trust', 'pki/ca.pem', '--json');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const results = JSON.parse(r.stdout) as Record<string, unknown>[];
  assert.deepEqual(results.map((x) => x['kind']), KINDS);
  for (const x of results) {
    assert.deepEqual(Object.keys(x).filter((k) => ['file', 'kind', 'variant', 'error', 'pecMsgId', 'clientMsgId', 'sender', 'recipients', 'subject', 'date', 'signature', 'problems'].includes(k)).length, 12);
    assert.equal((x['signature'] as { status: string }).status, 'valid');
    assert.equal((x['signature'] as { trusted: boolean }).trusted, true);
  }
  const consegna = results[KINDS.indexOf('avvenuta-consegna')]!;
  assert.equal(consegna['variant'], 'completa');
  assert.equal(consegna['clientMsgId'], '<m1@mua>');
  assert.equal(consegna['subject'], 'Prova è');
  assert.equal(results[KINDS.indexOf('errore-consegna')]!['error'], 'no-dest');
});

test('inspect exits 1 on a tampered message and names the problem, in text and JSON', () => {
  const raw = readFileSync(join(dir, 'accettazione.eml'), 'latin1');
  writeFileSync(join(dir, 'tampered.eml'), raw.replace('Ricevuta di accettazione', 'Ricevuta di accettaziona'), 'latin1');
  const text = run('pec', 'inspect', 'tampered.eml', '--trust', 'pki/ca.pem');
  assert.equal(text.code, 1);
  assert.match(text.stdout, /NOT VALID/);
  assert.match(text.stdout, /SIGNATURE_DIGEST_MISMATCH/);
  const json = run('pec', 'inspect', 'tampered.eml', 'accettazione.eml', '--trust', 'pki/ca.pem', '--json');
  assert.equal(json.code, 1);
  const [bad, good] = JSON.parse(json.stdout);
  assert.equal(bad.signature.status, 'invalid');
  assert.equal(good.signature.status, 'valid');
  const untrusted = run('pec', 'inspect', 'accettazione.eml', '--json');
  assert.equal(untrusted.code, 1, 'without a trust anchor nothing is trusted');
  assert.equal(JSON.parse(untrusted.stdout)[0].signature.trusted, false);
});

test('usage errors exit 2 with a clear message and no stack trace', () => {
  const cases = [
    run('pec', 'build', 'nonsense', '--pki', 'pki', '--from', 'a@x.it', '--to', 'b@y.it', '--out', 'x.eml'),
    run('pec', 'build', 'accettazione', '--pki', 'missing', '--from', 'a@x.it', '--to', 'b@y.it', '--out', 'x.eml'),
    run('pec', 'inspect', 'no-such-file.eml'),
    run('pec', 'inspect', 'accettazione.eml', '--trust', 'no-such-ca.pem'),
    run('pki', 'init', '--dir', 'p', '--domain', 'not a domain'),
    run('pec', 'frobnicate'),
  ];
  for (const r of cases) {
    assert.equal(r.code, 2, r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at .+:\d+:\d+/, 'no stack trace');
    assert.ok(r.stderr.trim().length > 0);
  }
  assert.match(cases[1]!.stderr, /recapito pki init/);
});

test('help has examples', () => {
  const r = run('pec', 'inspect', '--help');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /Examples:/);
});

test('the quick start: demo builds and verifies every kind in a data folder', () => {
  const r = run('demo', '--data', 'demo-data', '--json', '--no-serve');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const rows = JSON.parse(r.stdout) as { kind: string; ok: boolean }[];
  assert.equal(rows.length, KINDS.length);
  assert.ok(rows.every((x) => x.ok));
  assert.ok(existsSync(join(dir, 'demo-data', 'pki', 'ca.pem')));
  assert.ok(existsSync(join(dir, 'demo-data', 'recapito.json')));
  const boxes = JSON.parse(run('mailbox', 'list', '--data', 'demo-data', '--json').stdout) as { address: string; state: string }[];
  assert.deepEqual(boxes.map((b) => b.address).sort(), ['demo@pec.demo.test', 'destinatario@pec.demo.test', 'posta-certificata@pec.demo.test']);
  assert.equal(statSync(join(dir, 'demo-data', 'demo-password.txt')).mode & 0o077, 0, 'demo password readable by its owner only');
  const again = run('demo', '--data', 'demo-data', '--no-serve');
  assert.equal(again.code, 0, 'a second run reuses the key material');
});

test('inspect --index: a provider of the index is trusted, one outside it is named', () => {
  const leaf = readFileSync(join(dir, 'pki', 'provider.pem'), 'utf8').split(/(?<=-----END CERTIFICATE-----\n?)/)[0]!;
  writeFileSync(join(dir, 'index.json'), JSON.stringify({ providers: [{ name: 'Alfa PEC S.p.A.', mailReceipt: 'posta-certificata@pec.alfa.test', domains: ['pec.alfa.test'], certificates: [leaf] }] }));
  const ok = run('pec', 'inspect', 'accettazione.eml', '--index', 'index.json', '--json');
  assert.equal(ok.code, 0, ok.stdout + ok.stderr);
  assert.equal(JSON.parse(ok.stdout)[0].signature.provider, 'Alfa PEC S.p.A.');
  assert.equal(run('pki', 'init', '--dir', 'pki-gamma', '--domain', 'pec.gamma.test').code, 0);
  assert.equal(run('pec', 'build', 'accettazione', '--pki', 'pki-gamma', '--from', 'a@pec.gamma.test', '--to', 'b@pec.alfa.test', '--out', 'gamma.eml').code, 0);
  const bad = run('pec', 'inspect', 'gamma.eml', '--index', 'index.json', '--json');
  assert.equal(bad.code, 1);
  assert.ok(JSON.parse(bad.stdout)[0].problems.some((p: { code: string }) => p.code === 'CERT_NOT_IN_INDEX'));
  writeFileSync(join(dir, 'broken-index.json'), '{"providers": [{"name": 3}]}');
  const broken = run('pec', 'inspect', 'accettazione.eml', '--index', 'broken-index.json');
  assert.equal(broken.code, 2);
  assert.match(broken.stderr, /providers\[0\]/);
});
