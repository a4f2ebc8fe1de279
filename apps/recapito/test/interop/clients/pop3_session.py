#!/usr/bin/env python3
"""One scripted POP3 session with Python's poplib (RFC 1939 + CAPA, UIDL, TOP, USER/PASS,
SASL PLAIN, STLS), over POP3S and over STLS on the plain port. The messages are first
appended over IMAPS (imaplib); RETR must give them back byte for byte. The INBOX of --user
must be empty.

Prints {"steps": [...], "failures": [...], "info": {...}} like imap_session.py: each step has
the status (+OK / -ERR), the response code in brackets if any (RFC 2449 / 3206), and the
normalized data (UIDL values are replaced by their order of appearance: they are the
server's own strings).
"""
import base64
import poplib
import re
import socket
import traceback

from common import IMAPS, POP3_NAMED, args_parser, messages, out, read_password, sha, tls_context

ORDER = ['riunione', 'allegato', 'prova']


class POP3Plain(poplib.POP3):
    """From 127.0.0.2, as in imap_session.py: not the server's own address."""

    def _create_socket(self, timeout):
        try:
            return socket.create_connection((self.host, self.port), timeout, source_address=('127.0.0.2', 0))
        except OSError:
            return socket.create_connection((self.host, self.port), timeout)


class Run:
    def __init__(self):
        self.steps, self.failures, self.info, self.uids = [], [], {}, {}

    def check(self, cond, what):
        if not cond:
            self.failures.append(what)
        return cond

    def uid(self, u):
        """Server UIDL strings -> '<uid1>', '<uid2>'... in order of first appearance."""
        if isinstance(u, bytes):
            u = u.decode('ascii', 'replace')
        return self.uids.setdefault(u, f'<uid{len(self.uids) + 1}>')

    def step(self, name, fn, expect='+OK', norm=lambda r: None):
        try:
            r = fn()
            first = r[0] if isinstance(r, tuple) else r
            status, code = '+OK', None
            data = norm(r)
        except poplib.error_proto as e:
            first = e.args[0] if e.args else b''
            status, data = '-ERR', None
            m = re.match(rb'-ERR \[([^\]]+)\]', first if isinstance(first, bytes) else b'')
            code = m.group(1).decode() if m else None
        text = first.decode('utf-8', 'replace') if isinstance(first, bytes) else str(first)
        rec = {'step': name, 'status': status, 'code': code, 'data': data}
        self.steps.append(rec)
        if status != '+OK':
            self.info.setdefault('texts', {})[name] = text
        if expect is not None:
            self.check(status == expect, f'{name}: expected {expect}, got {text}')
        return rec


def capa_norm(r):
    """The capabilities the issue names; of SASL, whether PLAIN is offered."""
    res = {}
    for k, v in r.items():
        if k.upper() in POP3_NAMED:
            res[k.upper()] = sorted(m.upper() for m in v if m.upper() == 'PLAIN') if k.upper() == 'SASL' else []
    return dict(sorted(res.items()))


def body(lines):
    return b'\r\n'.join(lines) + b'\r\n'


def auth_plain(P, user, pw, two_step):
    token = base64.b64encode(f'\0{user}\0{pw}'.encode()).decode()
    if not two_step:
        return P._shortcmd('AUTH PLAIN ' + token)
    P._putcmd('AUTH PLAIN')
    line, _ = P._getline()
    if not line.startswith(b'+'):
        raise poplib.error_proto(line)
    return P._shortcmd(token)


def append_messages(a, msgs):
    M = IMAPS(a.host, a.imaps_port, tls_context(a.cafile))
    M.login(a.user, read_password(a.password_file))
    for n in ORDER:
        typ, data = M.append('INBOX', None, None, msgs[n])
        if typ != 'OK':
            raise RuntimeError(f'APPEND {n}: {typ} {data}')
    M.logout()


def imap_inbox(a):
    M = IMAPS(a.host, a.imaps_port, tls_context(a.cafile))
    M.login(a.user, read_password(a.password_file))
    typ, data = M.select('INBOX', readonly=True)
    shas = []
    if int(data[0]) > 0:
        typ, data = M.fetch('1:*', '(BODY.PEEK[])')
        shas = [sha(d[1]) for d in data if isinstance(d, tuple)]
    M.logout()
    return shas


def pop3s_main(a, run, msgs, ctx, pw):
    P = poplib.POP3_SSL(a.host, a.pop3s_port, context=ctx, timeout=30)
    run.steps.append({'step': 'greeting', 'status': '+OK' if P.getwelcome().startswith(b'+OK') else '-ERR'})
    run.info['greeting'] = P.getwelcome().decode('utf-8', 'replace')
    run.step('capa', P.capa, norm=capa_norm)
    run.info['capa'] = sorted(' '.join([k] + v) for k, v in P.capa().items())
    run.step('user', lambda: P.user(a.user))
    run.step('pass-wrong', lambda: P.pass_(pw + 'x'), expect='-ERR')
    run.step('user-again', lambda: P.user(a.user))
    run.step('pass', lambda: P.pass_(pw))
    sizes = [len(msgs[n]) for n in ORDER]
    st = run.step('stat', P.stat, norm=lambda r: list(r))
    run.check(st['data'] == [3, sum(sizes)], f'stat: {st["data"]}, expected {[3, sum(sizes)]}')
    ls = run.step('list', P.list, norm=lambda r: [x.decode() for x in r[1]])
    run.check(ls['data'] == [f'{i + 1} {s}' for i, s in enumerate(sizes)], f'list: {ls["data"]}')
    run.step('list-one', lambda: P.list(2), norm=lambda r: r.decode())
    run.step('list-missing', lambda: P.list(99), expect='-ERR')
    ul = run.step('uidl', P.uidl, norm=lambda r: [f'{x.split()[0].decode()} {run.uid(x.split()[1])}' for x in r[1]])
    uidl_first = {x.split()[0]: x.split()[1] for x in (ul['data'] or [])}
    run.check(len(set(uidl_first.values())) == 3, f'uidl: not 3 distinct: {ul["data"]}')
    run.step('uidl-one', lambda: P.uidl(3), norm=lambda r: f'{r.split()[1].decode()} {run.uid(r.split()[2])}')
    for i, n in enumerate(ORDER):
        r = run.step(f'retr-{i + 1}', lambda i=i: P.retr(i + 1), norm=lambda r: {'sha256': sha(body(r[1])), 'octets': r[2]})
        run.check((r['data'] or {}).get('sha256') == sha(msgs[n]), f'retr-{i + 1}: differs from what was appended')
    head, _, rest = msgs['allegato'].partition(b'\r\n\r\n')
    t0 = run.step('top-0', lambda: P.top(1, 0), norm=lambda r: {'sha256': sha(body(r[1]))})
    want0 = msgs['riunione'].partition(b'\r\n\r\n')[0] + b'\r\n\r\n'
    run.check((t0['data'] or {}).get('sha256') == sha(want0), 'top-0: not the header and the blank line')
    t3 = run.step('top-3', lambda: P.top(2, 3), norm=lambda r: {'sha256': sha(body(r[1])), 'lines': len(r[1])})
    want3 = head + b'\r\n\r\n' + b''.join(l + b'\r\n' for l in rest.split(b'\r\n')[:3])
    run.check((t3['data'] or {}).get('sha256') == sha(want3), 'top-3: not the header and 3 body lines')
    run.step('top-missing', lambda: P.top(99, 0), expect='-ERR')
    run.step('dele', lambda: P.dele(1))
    st = run.step('stat-after-dele', P.stat, norm=lambda r: list(r))
    run.check(st['data'] == [2, sum(sizes[1:])], f'stat-after-dele: {st["data"]}')
    run.step('list-deleted', lambda: P.list(1), expect='-ERR')
    run.step('retr-deleted', lambda: P.retr(1), expect='-ERR')
    run.step('dele-deleted', lambda: P.dele(1), expect='-ERR')
    run.step('rset', P.rset)
    st = run.step('stat-after-rset', P.stat, norm=lambda r: list(r))
    run.check(st['data'] == [3, sum(sizes)], f'stat-after-rset: {st["data"]}')
    run.step('dele-2', lambda: P.dele(2))
    run.step('noop', P.noop)
    run.step('bad-command', lambda: P._shortcmd('XYZZY'), expect='-ERR')
    run.step('quit', P.quit)
    return uidl_first


def pop3s_auth(a, run, ctx, pw, uidl_first):
    P = poplib.POP3_SSL(a.host, a.pop3s_port, context=ctx, timeout=30)
    run.step('auth-plain-wrong', lambda: auth_plain(P, a.user, pw + 'x', True), expect='-ERR')
    run.step('auth-plain', lambda: auth_plain(P, a.user, pw, True))
    st = run.step('auth-stat', P.stat, norm=lambda r: list(r))
    run.check((st['data'] or [0])[0] == 2, f'auth-stat: message 2 was not removed at QUIT: {st["data"]}')
    ul = run.step('auth-uidl', P.uidl, norm=lambda r: [f'{x.split()[0].decode()} {run.uid(x.split()[1])}' for x in r[1]])
    now = [x.split()[1] for x in (ul['data'] or [])]
    run.check(now == [uidl_first.get('1'), uidl_first.get('3')], f'auth-uidl: UIDs not stable: {ul["data"]}, first {uidl_first}')
    run.step('auth-quit', P.quit)
    P = poplib.POP3_SSL(a.host, a.pop3s_port, context=ctx, timeout=30)
    run.step('auth-plain-initial-response', lambda: auth_plain(P, a.user, pw, False))
    run.step('auth-initial-quit', P.quit)


def stls(a, run, ctx, pw):
    P = POP3Plain(a.host, a.pop3_port, timeout=30)
    run.steps.append({'step': 'plain-greeting', 'status': '+OK' if P.getwelcome().startswith(b'+OK') else '-ERR'})
    run.step('plain-capa', P.capa, norm=capa_norm)
    run.info['plain-capa'] = sorted(' '.join([k] + v) for k, v in P.capa().items())
    run.step('plain-user-refused', lambda: (P.user(a.user), P.pass_(pw))[1], expect='-ERR')
    run.step('stls', lambda: P.stls(ctx))
    run.step('tls-capa', P.capa, norm=capa_norm)
    run.step('tls-user', lambda: P.user(a.user))
    run.step('tls-pass', lambda: P.pass_(pw))
    run.step('tls-stat', P.stat, norm=lambda r: list(r))
    run.step('tls-stls-again', lambda: P._shortcmd('STLS'), expect='-ERR')
    run.step('tls-quit', P.quit)


def main():
    p = args_parser(__doc__.splitlines()[0])
    p.add_argument('--pop3-port', type=int, required=True)
    p.add_argument('--pop3s-port', type=int, required=True)
    a = p.parse_args()
    run = Run()
    msgs = messages()
    ctx = tls_context(a.cafile)
    pw = read_password(a.password_file)

    def phase(name, fn, *args):
        try:
            return fn(*args)
        except Exception as e:  # noqa: BLE001 - reported in the transcript; later phases still run
            run.failures.append(f'{name} aborted: {e!r}: {traceback.format_exc(limit=-3)}')
            return None

    phase('append over IMAP', append_messages, a, msgs)
    uidl_first = phase('pop3s', pop3s_main, a, run, msgs, ctx, pw) or {}
    phase('auth', pop3s_auth, a, run, ctx, pw, uidl_first)
    phase('stls', stls, a, run, ctx, pw)
    left = phase('imap check', imap_inbox, a)
    run.steps.append({'step': 'imap-after-pop3', 'inbox': ['riunione' if s == sha(msgs['riunione']) else 'prova' if s == sha(msgs['prova']) else s for s in left or []]})
    run.check(left == [sha(msgs['riunione']), sha(msgs['prova'])], 'imap-after-pop3: INBOX is not what POP3 left')
    out({'steps': run.steps, 'failures': run.failures, 'info': run.info})


if __name__ == '__main__':
    main()
