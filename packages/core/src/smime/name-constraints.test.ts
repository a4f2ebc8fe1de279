/** The RFC 5280 §4.2.1.10 matching rules, form by form. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dnsWithin, emailWithin, ipWithin } from './name-constraints.ts';

test('rfc822Name: host, ".domain" and mailbox constraints', () => {
  // A host: mailboxes on exactly that host, compared case-insensitively.
  assert.equal(emailWithin('posta-certificata@pec.alfa.test', 'pec.alfa.test'), true);
  assert.equal(emailWithin('posta-certificata@PEC.Alfa.test', 'pec.alfa.test'), true);
  assert.equal(emailWithin('x@mail.pec.alfa.test', 'pec.alfa.test'), false);
  assert.equal(emailWithin('x@evilpec.alfa.test', 'pec.alfa.test'), false);
  // ".domain": any host below the domain, not the domain itself.
  assert.equal(emailWithin('x@mail.pec.alfa.test', '.pec.alfa.test'), true);
  assert.equal(emailWithin('x@pec.alfa.test', '.pec.alfa.test'), false);
  assert.equal(emailWithin('x@evilpec.alfa.test', '.pec.alfa.test'), false);
  // A mailbox: exact local part, case-insensitive host.
  assert.equal(emailWithin('ricevute@PEC.alfa.test', 'ricevute@pec.alfa.test'), true);
  assert.equal(emailWithin('Ricevute@pec.alfa.test', 'ricevute@pec.alfa.test'), false);
  // The host is after the last "@" (quoted local parts may contain one).
  assert.equal(emailWithin('"a@pec.alfa.test"@evil.test', 'pec.alfa.test'), false);
  assert.equal(emailWithin('no-at-sign', 'pec.alfa.test'), false);
  assert.equal(emailWithin('@pec.alfa.test', 'pec.alfa.test'), false);
});

test('dNSName: zero or more labels added on the left', () => {
  assert.equal(dnsWithin('pec.alfa.test', 'alfa.test'), true);
  assert.equal(dnsWithin('alfa.test', 'alfa.test'), true);
  assert.equal(dnsWithin('evilalfa.test', 'alfa.test'), false);
  assert.equal(dnsWithin('ALFA.TEST.', 'alfa.test'), true);
  assert.equal(dnsWithin('alfa.test', '.alfa.test'), false);
  assert.equal(dnsWithin('anything.example', ''), true);
});

test('iPAddress: same family under the mask; 0.0.0.0/0 and ::/0 cover every address', () => {
  const v4 = new Uint8Array([192, 0, 2, 7]);
  const v6 = new Uint8Array(16).fill(0x20);
  assert.equal(ipWithin(v4, new Uint8Array(8)), true);
  assert.equal(ipWithin(v6, new Uint8Array(32)), true);
  assert.equal(ipWithin(v4, new Uint8Array(32)), false, 'IPv4 is not inside an IPv6 range');
  assert.equal(ipWithin(v4, new Uint8Array([192, 0, 2, 0, 255, 255, 255, 0])), true);
  assert.equal(ipWithin(v4, new Uint8Array([192, 0, 3, 0, 255, 255, 255, 0])), false);
  assert.equal(ipWithin(new Uint8Array(5), new Uint8Array(10)), false);
});
