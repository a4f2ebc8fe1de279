// Mail route lookup (RFC 5321 §5.1) with an injected resolver.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SmtpSendError, parseHostPort, resolveRoute, type MxResolver } from '../src/index.ts';

const dnsError = (code: string): Error => Object.assign(new Error(`query ${code}`), { code });

function fakeResolver(zone: { mx?: Record<string, { exchange: string; priority: number }[] | string>; a?: Record<string, string[] | string>; aaaa?: Record<string, string[] | string> }): MxResolver & { queries: string[] } {
  const queries: string[] = [];
  const answer = <T>(table: Record<string, T[] | string> | undefined, type: string, name: string): Promise<T[]> => {
    queries.push(`${type} ${name}`);
    const v = table?.[name];
    if (typeof v === 'string') return Promise.reject(dnsError(v));
    return v ? Promise.resolve(v) : Promise.reject(dnsError('ENODATA'));
  };
  return {
    queries,
    resolveMx: (name) => answer(zone.mx, 'MX', name),
    resolve4: (name) => answer(zone.a, 'A', name),
    resolve6: (name) => answer(zone.aaaa, 'AAAA', name),
  };
}

test('an override comes first and asks no DNS', async () => {
  const resolver = fakeResolver({});
  assert.deepEqual(await resolveRoute('pec.example', 'relay.example:2525', { resolver }), [{ host: 'relay.example', port: 2525 }]);
  assert.deepEqual(await resolveRoute('pec.example', '[::1]:587', { resolver }), [{ host: '::1', port: 587 }]);
  assert.deepEqual(await resolveRoute('pec.example', 'relay.example', { resolver }), [{ host: 'relay.example', port: 25 }]);
  assert.deepEqual(resolver.queries, []);
  assert.throws(() => parseHostPort('relay.example:99999'), SmtpSendError);
});

test('MX records by preference, port 25, equal preferences shuffled by the injected random', async () => {
  const resolver = fakeResolver({
    mx: {
      'pec.example': [
        { exchange: 'mx3.pec.example.', priority: 30 },
        { exchange: 'MX1.pec.example', priority: 10 },
        { exchange: 'mx2b.pec.example', priority: 20 },
        { exchange: 'mx2a.pec.example', priority: 20 },
      ],
    },
  });
  const draws = [0.9, 0.1, 0.8, 0.2];
  const routes = await resolveRoute('PEC.example.', undefined, { resolver, random: () => draws.shift() ?? 0 });
  assert.deepEqual(routes, [
    { host: 'mx1.pec.example', port: 25 },
    { host: 'mx2a.pec.example', port: 25 },
    { host: 'mx2b.pec.example', port: 25 },
    { host: 'mx3.pec.example', port: 25 },
  ]);
});

test('no MX: the domain itself when it has an address (implicit MX)', async () => {
  const v4 = fakeResolver({ a: { 'host.example': ['192.0.2.1'] } });
  assert.deepEqual(await resolveRoute('host.example', undefined, { resolver: v4 }), [{ host: 'host.example', port: 25 }]);
  const v6 = fakeResolver({ aaaa: { 'host.example': ['2001:db8::1'] } });
  assert.deepEqual(await resolveRoute('host.example', undefined, { resolver: v6 }), [{ host: 'host.example', port: 25 }]);
  assert.deepEqual(await resolveRoute('[192.0.2.7]', undefined, { resolver: v6 }), [{ host: '192.0.2.7', port: 25 }]);
});

test('no route: null MX, unknown domain, no address are permanent; DNS failures transient', async () => {
  const cases: [string, MxResolver, string, boolean][] = [
    ['nullmx.example', fakeResolver({ mx: { 'nullmx.example': [{ exchange: '', priority: 0 }] } }), 'SMTP_NO_ROUTE', false],
    ['nx.example', fakeResolver({ mx: { 'nx.example': 'ENOTFOUND' }, a: { 'nx.example': 'ENOTFOUND' }, aaaa: { 'nx.example': 'ENOTFOUND' } }), 'SMTP_NO_ROUTE', false],
    ['noaddr.example', fakeResolver({}), 'SMTP_NO_ROUTE', false],
    ['broken.example', fakeResolver({ mx: { 'broken.example': 'ESERVFAIL' } }), 'SMTP_DNS', true],
    ['not a domain', fakeResolver({}), 'SMTP_NO_ROUTE', false],
  ];
  for (const [domain, resolver, code, transient] of cases) {
    await assert.rejects(resolveRoute(domain, undefined, { resolver }), (err: unknown) => {
      assert.ok(err instanceof SmtpSendError);
      assert.equal(err.code, code, domain);
      assert.equal(err.transient, transient, domain);
      return true;
    });
  }
});
