#!/usr/bin/env python3
"""One scripted IMAP4rev1 session with Python's imaplib, covering every command Recapito offers
(RFC 3501 + IDLE, UIDPLUS, MOVE, SPECIAL-USE, NAMESPACE, ID, ENABLE, UNSELECT, LITERAL+, QUOTA,
CONDSTORE), over IMAPS and over STARTTLS on the plain port. The mailbox of --user must be empty
(only the special-use folders may exist).

Prints a JSON transcript: {"steps": [...], "failures": [...], "info": {...}}. Each step holds
the normalized observable result (status, response code, untagged data: see imapnorm.py);
"failures" lists this script's own checks that did not hold; "info" is for humans (exact
capability strings, greeting, the text of every non-OK answer) and is not compared.

Step "greeting" holds the greeting and the CAPABILITY command imaplib sends right after it;
special-use folders appear as their use (<\\Archive>, <\\Sent>...), since servers name them
as they like.
"""
import imaplib
import re
import socket
import traceback

from common import (CRLF, IMAPPlain, IMAPS, args_parser, messages, mutf7_encode, out, quote, read_password, sha,
                    split_responses, tls_context, tokenize)
from imapnorm import normalize

# Every command may be sent in any state: the server, not imaplib, is under test.
for _extra in ('ID', 'IDLE', 'FOOBAR', 'GETQUOTA', 'GETQUOTAROOT', 'ENABLE', 'UNSELECT', 'MOVE', 'NAMESPACE'):
    imaplib.Commands[_extra] = ()
for _k in list(imaplib.Commands):
    imaplib.Commands[_k] = ('NONAUTH', 'AUTH', 'SELECTED', 'LOGOUT')

CITTA = mutf7_encode('Posta inviata/Città')
ARCHIVIO = mutf7_encode('Progetti/Archivio 2026')


class Run:
    def __init__(self):
        self.steps = []
        self.failures = []
        self.info = {}
        self.by_name = {}
        self.special = {}  # special-use folder name -> '<\\Use>' (servers name them as they like)

    def check(self, cond, what):
        if not cond:
            self.failures.append(what)
        return cond

    def record(self, name, M, expect, extra=None):
        r, text = normalize(M.raw)
        r = {'step': name, **r}
        if extra:
            r.update(extra)
        self.steps.append(r)
        self.by_name[name] = r
        if r['status'] != 'OK':
            self.info.setdefault('texts', {})[name] = f'{r["status"]} {text}'
        if expect is not None:
            self.check(r['status'] == expect, f'{name}: expected {expect}, got {r["status"]} {text}')
        return r

    def cmd(self, M, name, command, *args, expect='OK', literal=None):
        """Sends `command args` (args already in IMAP syntax) and records the exchange."""
        M.raw.clear()
        M.untagged_responses = {}
        try:
            if literal is not None:
                M.literal = literal
            tag = M._command(command, *args)
            M._command_complete(command, tag)
        except imaplib.IMAP4.abort as e:
            self.failures.append(f'{name}: connection aborted: {e}')
        except imaplib.IMAP4.error:
            pass  # BAD: recorded from the raw stream
        return self.record(name, M, expect)

    def call(self, M, name, fn, expect='OK'):
        """Runs an imaplib method and records the exchange."""
        M.raw.clear()
        M.untagged_responses = {}
        try:
            fn()
        except imaplib.IMAP4.abort as e:
            self.failures.append(f'{name}: connection aborted: {e}')
        except imaplib.IMAP4.error:
            pass
        except Exception as e:  # noqa: BLE001 - e.g. a continuation imaplib cannot decode
            self.failures.append(f'{name}: imaplib raised {e!r}; server sent {bytes(M.raw)[-300:]!r}')
            raise
        return self.record(name, M, expect)

    def named(self):
        """The steps with special-use folder names replaced by their use."""
        def walk(v):
            if isinstance(v, str):
                for name, use in self.special.items():
                    if v == name or v.startswith(name + '/'):
                        return use + v[len(name):]
                return v
            if isinstance(v, list):
                return [walk(x) for x in v]
            if isinstance(v, dict):
                return {k: (x if k == 'step' else walk(x)) for k, x in v.items()}
            return v
        return walk(self.steps)

    def raw(self, M, name, payload, expect='OK'):
        """Sends bytes as they are (for LITERAL+, where imaplib would wait for a continuation)."""
        M.raw.clear()
        M.untagged_responses = {}
        tag = M._new_tag()
        M.tagged_commands[tag] = None
        try:
            M.send(tag + b' ' + payload + CRLF)
            M._get_tagged_response(tag)
        except imaplib.IMAP4.abort as e:
            self.failures.append(f'{name}: connection aborted: {e}')
        except imaplib.IMAP4.error:
            pass
        return self.record(name, M, expect)


def logout(run, M, name):
    """LOGOUT by hand: imaplib's logout() stops reading at BYE, before the tagged OK."""
    M.raw.clear()
    tag = M._new_tag()
    M.send(tag + b' LOGOUT' + CRLF)
    while True:
        line = M.readline()
        if not line or line.startswith(tag + b' '):
            break
    run.record(name, M, 'OK')
    M.shutdown()


def fetch_map(step, key):
    """{seq: value of key} from a recorded FETCH step."""
    return {u[1]: u[2].get(key) for u in step['untagged'] if u[0] == 'FETCH' and key in u[2]}


def modseqs(M, run, name, seqset):
    """Real MODSEQ values (the transcript hides them): {seq: modseq}."""
    run.cmd(M, name, 'FETCH', seqset, '(MODSEQ)')
    res = {}
    for r in split_responses(bytes(M.raw)):
        t = tokenize(r)[0]
        if len(t) > 3 and t[0] == '*' and str(t[2]).upper() == 'FETCH':
            items = t[3]
            for k in range(0, len(items) - 1, 2):
                if str(items[k]).upper() == 'MODSEQ':
                    res[int(t[1])] = int(items[k + 1][0])
    return res


def session_main(a, run):
    ctx = tls_context(a.cafile)
    pw = read_password(a.password_file)
    msgs = messages()
    M = IMAPS(a.host, a.imaps_port, ctx)
    run.record('greeting', M, 'OK')
    run.info['greeting'] = M.welcome.decode('utf-8', 'replace')
    run.cmd(M, 'capability-before-login', 'CAPABILITY')
    run.info['capability-before-login'] = M.raw.decode('utf-8', 'replace').splitlines()[0]
    run.cmd(M, 'noop-before-login', 'NOOP')
    run.call(M, 'login-wrong-password', lambda: M.login(a.user, pw + "x"), expect='NO')
    run.call(M, 'login', lambda: M.login(a.user, pw))
    run.cmd(M, 'capability', 'CAPABILITY')
    run.info['capability'] = M.raw.decode('utf-8', 'replace').splitlines()[0]
    binary = 'BINARY' in run.info['capability'].upper().split()
    run.cmd(M, 'namespace', 'NAMESPACE')
    run.cmd(M, 'id', 'ID', '("name" "recapito-interop" "version" "1")')
    run.cmd(M, 'enable-condstore', 'ENABLE', 'CONDSTORE')

    # Folders.
    run.cmd(M, 'list-all', 'LIST', '""', '"*"')
    for u in run.by_name['list-all']['untagged']:
        for attr in u[1] if u[0] == 'LIST' else []:
            if attr.lower() in ('\\sent', '\\drafts', '\\trash', '\\junk', '\\archive', '\\all', '\\flagged'):
                run.special[u[3]] = '<\\' + attr[1:].capitalize() + '>'
    archive = next((k for k, v in run.special.items() if v == '<\\Archive>'), 'Archive')
    trash = next((k for k, v in run.special.items() if v == '<\\Trash>'), 'Trash')
    run.cmd(M, 'list-percent', 'LIST', '""', '"%"')
    run.cmd(M, 'list-delimiter', 'LIST', '""', '""')
    run.cmd(M, 'list-return-special-use', 'LIST', '""', '"*"', 'RETURN', '(SPECIAL-USE)')
    run.cmd(M, 'lsub-all', 'LSUB', '""', '"*"')
    run.cmd(M, 'create-nonascii', 'CREATE', quote(CITTA))
    run.cmd(M, 'create-hierarchy', 'CREATE', '"Progetti/2026/Gennaio"')
    run.cmd(M, 'create-existing', 'CREATE', '"Progetti/2026/Gennaio"', expect='NO')
    run.cmd(M, 'create-inbox', 'CREATE', 'INBOX', expect='NO')
    run.cmd(M, 'list-after-create', 'LIST', '""', '"*"')
    run.cmd(M, 'list-child-percent', 'LIST', '""', '"Progetti/%"')
    run.cmd(M, 'list-nonascii', 'LIST', '""', quote(mutf7_encode('Posta inviata/*')))
    run.cmd(M, 'rename', 'RENAME', '"Progetti/2026"', quote(ARCHIVIO))
    run.cmd(M, 'rename-nonexistent', 'RENAME', '"Non esiste"', '"Altro"', expect='NO')
    run.cmd(M, 'create-temporary', 'CREATE', '"Temporanea"')
    run.cmd(M, 'rename-onto-existing', 'RENAME', '"Temporanea"', quote(CITTA), expect='NO')
    run.cmd(M, 'delete-temporary', 'DELETE', '"Temporanea"')
    run.cmd(M, 'list-after-rename', 'LIST', '""', '"Progetti/*"')
    run.cmd(M, 'subscribe', 'SUBSCRIBE', quote(ARCHIVIO + '/Gennaio'))
    run.cmd(M, 'subscribe-nonascii', 'SUBSCRIBE', quote(CITTA))
    run.cmd(M, 'lsub-after-subscribe', 'LSUB', '""', '"*"')
    run.cmd(M, 'unsubscribe', 'UNSUBSCRIBE', quote(ARCHIVIO + '/Gennaio'))
    run.cmd(M, 'lsub-after-unsubscribe', 'LSUB', '""', '"*"')
    run.cmd(M, 'delete-child', 'DELETE', quote(ARCHIVIO + '/Gennaio'))
    run.cmd(M, 'delete-nonexistent', 'DELETE', '"Non esiste"', expect='NO')
    run.cmd(M, 'delete-inbox', 'DELETE', 'INBOX', expect='NO')
    run.cmd(M, 'list-after-delete', 'LIST', '""', '"*"')

    # APPEND: flags and date, nothing, keywords, LITERAL+, a non-ASCII folder, a missing folder.
    run.cmd(M, 'append-flags-date', 'APPEND', 'INBOX', '(\\Seen)', '"12-Jan-2024 09:30:00 +0100"', literal=msgs['riunione'])
    run.cmd(M, 'append-plain', 'APPEND', 'INBOX', literal=msgs['allegato'])
    run.cmd(M, 'append-keyword', 'APPEND', 'INBOX', '($Etichetta \\Flagged)', '"28-Feb-2024 23:59:59 +0000"', literal=msgs['prova'])
    alt = msgs['alternativa']
    run.raw(M, 'append-literal-plus', b'APPEND INBOX (\\Draft) "01-Mar-2024 08:00:00 +0100" {%d+}\r\n' % len(alt) + alt)
    run.cmd(M, 'append-nonascii-folder', 'APPEND', quote(CITTA), literal=msgs['riunione'])
    run.cmd(M, 'append-nonexistent', 'APPEND', '"Non esiste"', literal=msgs['prova'], expect='NO')
    run.check((run.by_name['append-nonexistent']['code'] or [''])[0] == 'TRYCREATE', 'append-nonexistent: no [TRYCREATE]')
    run.cmd(M, 'status-inbox', 'STATUS', 'INBOX', '(MESSAGES RECENT UIDNEXT UIDVALIDITY UNSEEN HIGHESTMODSEQ)')
    run.cmd(M, 'status-nonascii', 'STATUS', quote(CITTA), '(MESSAGES UIDNEXT UNSEEN)')
    run.cmd(M, 'status-nonexistent', 'STATUS', '"Non esiste"', '(MESSAGES)', expect='NO')

    # EXAMINE: read-only.
    run.cmd(M, 'examine', 'EXAMINE', 'INBOX')
    run.check((run.by_name['examine']['code'] or [''])[0] == 'READ-ONLY', 'examine: no [READ-ONLY]')
    run.cmd(M, 'examine-fetch-text', 'FETCH', '2', 'BODY[TEXT]<0.10>')
    run.cmd(M, 'examine-store', 'STORE', '1', '+FLAGS', '(\\Deleted)', expect=None)
    run.cmd(M, 'examine-fetch-flags', 'FETCH', '1:*', '(FLAGS)')
    run.cmd(M, 'select-nonexistent', 'SELECT', '"Non esiste"', expect='NO')
    run.cmd(M, 'fetch-without-selection', 'FETCH', '1', '(FLAGS)', expect='BAD')

    run.cmd(M, 'select', 'SELECT', 'INBOX')
    run.check((run.by_name['select']['code'] or [''])[0] == 'READ-WRITE', 'select: no [READ-WRITE]')
    run.cmd(M, 'fetch-summary', 'FETCH', '1:*', '(UID FLAGS INTERNALDATE RFC822.SIZE)')
    sizes = fetch_map(run.by_name['fetch-summary'], 'RFC822.SIZE')
    order = ['riunione', 'allegato', 'prova', 'alternativa']
    run.check(sizes == {i + 1: len(msgs[n]) for i, n in enumerate(order)}, f'fetch-summary: RFC822.SIZE {sizes}')
    run.cmd(M, 'fetch-envelope', 'FETCH', '1:4', 'ENVELOPE')
    run.cmd(M, 'fetch-bodystructure', 'FETCH', '1:4', 'BODYSTRUCTURE')
    run.cmd(M, 'fetch-body', 'FETCH', '2', 'BODY')
    run.cmd(M, 'fetch-header-fields', 'FETCH', '1:4', 'BODY.PEEK[HEADER.FIELDS (FROM SUBJECT)]')
    run.cmd(M, 'fetch-header-fields-not', 'FETCH', '1', 'BODY.PEEK[HEADER.FIELDS.NOT (DATE MESSAGE-ID)]')
    run.cmd(M, 'fetch-header', 'FETCH', '3', 'BODY.PEEK[HEADER]')
    run.cmd(M, 'fetch-mime', 'FETCH', '2', 'BODY.PEEK[1.MIME]')
    run.cmd(M, 'fetch-part', 'FETCH', '2', '(BODY.PEEK[1] BODY.PEEK[2])')
    run.cmd(M, 'fetch-nested-part', 'FETCH', '4', 'BODY.PEEK[2]')
    run.cmd(M, 'fetch-text-partial', 'FETCH', '1', 'BODY.PEEK[TEXT]<0.10>')
    run.cmd(M, 'fetch-partial', 'FETCH', '2', 'BODY.PEEK[]<100.50>')
    run.cmd(M, 'fetch-partial-beyond', 'FETCH', '3', 'BODY.PEEK[]<100000.10>')
    run.cmd(M, 'fetch-all-macro', 'FETCH', '3', 'ALL')
    run.cmd(M, 'fetch-full-body', 'UID', 'FETCH', '1:*', 'BODY.PEEK[]')
    bodies = fetch_map(run.by_name['fetch-full-body'], 'BODY[]')
    for i, n in enumerate(order):
        got = bodies.get(i + 1)
        want = msgs[n]
        ok = (got == want.decode('utf-8')) if isinstance(got, str) else (isinstance(got, dict) and got.get('sha256') == sha(want))
        run.check(ok, f'fetch-full-body: message {i + 1} differs from what was appended')
    if binary:
        run.cmd(M, 'fetch-binary', 'FETCH', '2', '(BINARY.PEEK[1] BINARY.SIZE[2] BINARY.PEEK[2]<0.20>)')
    else:
        run.steps.append({'step': 'fetch-binary', 'skipped': 'BINARY not offered'})
    run.cmd(M, 'fetch-rfc822', 'FETCH', '3', '(RFC822.HEADER RFC822.TEXT)')
    run.cmd(M, 'fetch-sets-seen', 'FETCH', '2', 'BODY[TEXT]')
    run.cmd(M, 'fetch-flags-after-seen', 'FETCH', '1:*', '(FLAGS)')
    run.cmd(M, 'uid-fetch', 'UID', 'FETCH', '2:3', '(FLAGS)')
    run.cmd(M, 'uid-fetch-star', 'UID', 'FETCH', '9999:*', '(UID)')
    run.cmd(M, 'uid-fetch-missing', 'UID', 'FETCH', '9999', '(FLAGS)')
    run.cmd(M, 'fetch-bad-sequence', 'FETCH', '99', '(FLAGS)', expect=None)

    # SEARCH.
    for name, crit in [
        ('all', 'ALL'), ('seen', 'SEEN'), ('unseen', 'UNSEEN'), ('flagged', 'FLAGGED'), ('draft', 'DRAFT'),
        ('keyword', 'KEYWORD $Etichetta'), ('unkeyword', 'UNKEYWORD $Etichetta'), ('since', 'SINCE 1-Feb-2024'),
        ('before', 'BEFORE 1-Feb-2024'), ('on', 'ON 28-Feb-2024'), ('sentsince', 'SENTSINCE 1-Feb-2026'),
        ('sentbefore', 'SENTBEFORE 1-Feb-2026'), ('header', 'HEADER Message-ID "allegato-2"'), ('subject', 'SUBJECT fattura'),
        ('subject-encoded-word', 'SUBJECT "riunione di"'), ('from', 'FROM carla'), ('to', 'TO bruno'), ('cc', 'CC dario'),
        ('body', 'BODY febbraio'), ('text', 'TEXT "Versione testo"'), ('or', 'OR FLAGGED DRAFT'), ('not', 'NOT SEEN'),
        ('and', 'SEEN NOT FLAGGED'), ('uid-range', 'UID 2:3'), ('sequence', '2,4'), ('larger', 'LARGER 1000'),
        ('smaller', 'SMALLER 1000'), ('new', 'NEW'), ('recent', 'RECENT'), ('header-empty', 'HEADER In-Reply-To ""'),
    ]:
        run.cmd(M, 'search-' + name, 'SEARCH', crit)
    run.cmd(M, 'uid-search', 'UID', 'SEARCH', '1:*')
    run.cmd(M, 'search-charset-body', 'SEARCH', 'CHARSET', 'UTF-8', 'BODY', literal='città'.encode('utf-8'))
    run.cmd(M, 'search-charset-subject', 'SEARCH', 'CHARSET', 'UTF-8', 'SUBJECT', literal='lunedì'.encode('utf-8'))
    run.cmd(M, 'search-charset-unknown', 'SEARCH', 'CHARSET', 'X-NON-ESISTE', 'ALL', expect='NO')
    run.check((run.by_name['search-charset-unknown']['code'] or [''])[0] == 'BADCHARSET', 'search-charset-unknown: no [BADCHARSET]')
    run.cmd(M, 'search-bad', 'SEARCH', 'NONSENSE', expect='BAD')
    for name, want in [('search-subject-encoded-word', [1]), ('search-charset-body', [1]), ('search-charset-subject', [1]),
                       ('search-body', [2]), ('search-cc', [2]), ('search-or', [3, 4]), ('search-uid-range', [2, 3])]:
        got = [u[1] for u in run.by_name[name]['untagged'] if u[0] == 'SEARCH']
        run.check(got == [want], f'{name}: {got}, expected {want}')

    # STORE, keywords, CONDSTORE.
    run.cmd(M, 'store-add', 'STORE', '1', '+FLAGS', '(\\Flagged)')
    run.cmd(M, 'store-remove', 'STORE', '1', '-FLAGS', '(\\Seen)')
    run.cmd(M, 'store-silent', 'STORE', '2', 'FLAGS.SILENT', '(\\Answered $Inoltrato)')
    run.cmd(M, 'store-keyword', 'STORE', '3', '+FLAGS', '($Etichetta2)')
    run.cmd(M, 'uid-store', 'UID', 'STORE', '4', '+FLAGS', '(\\Seen)')
    run.cmd(M, 'fetch-flags-after-store', 'FETCH', '1:*', '(FLAGS)')
    before = modseqs(M, run, 'fetch-modseq', '1:*')
    run.check(len(before) == 4 and len(set(before.values())) >= 2, f'fetch-modseq: {before}')
    top = max(before.values() or [0])
    run.cmd(M, 'store-after-modseq', 'STORE', '2', '+FLAGS', '(\\Flagged)')
    run.cmd(M, 'fetch-changedsince', 'FETCH', '1:*', '(FLAGS)', f'(CHANGEDSINCE {top})')
    changed = sorted(u[1] for u in run.by_name['fetch-changedsince']['untagged'] if u[0] == 'FETCH')
    run.check(changed == [2], f'fetch-changedsince: {changed}, expected [2]')
    run.cmd(M, 'search-modseq', 'SEARCH', 'MODSEQ', str(top + 1))
    run.cmd(M, 'store-unchangedsince-stale', 'STORE', '2', f'(UNCHANGEDSINCE {top})', '+FLAGS', '(\\Deleted)')
    stale = run.by_name['store-unchangedsince-stale']['code'] or ['']
    run.check(stale[0] == 'MODIFIED', f'store-unchangedsince-stale: code {stale}, expected MODIFIED')
    run.cmd(M, 'store-unchangedsince-ok', 'STORE', '3', f'(UNCHANGEDSINCE {before.get(3, 0)})', '+FLAGS', '($Confermato)')
    run.cmd(M, 'status-highestmodseq', 'STATUS', quote(CITTA), '(HIGHESTMODSEQ)')

    # COPY, MOVE, UID variants.
    run.cmd(M, 'copy', 'COPY', '1:2', quote(CITTA))
    run.cmd(M, 'copy-nonexistent', 'COPY', '1', '"Non esiste"', expect='NO')
    run.check((run.by_name['copy-nonexistent']['code'] or [''])[0] == 'TRYCREATE', 'copy-nonexistent: no [TRYCREATE]')
    run.cmd(M, 'uid-copy', 'UID', 'COPY', '3', quote(archive))
    run.cmd(M, 'move', 'MOVE', '4', quote(archive))
    run.cmd(M, 'uid-move', 'UID', 'MOVE', '3', quote(trash))
    run.cmd(M, 'move-nonexistent', 'MOVE', '1', '"Non esiste"', expect='NO')
    run.cmd(M, 'status-archive', 'STATUS', quote(archive), '(MESSAGES UIDNEXT)')
    run.cmd(M, 'status-trash', 'STATUS', quote(trash), '(MESSAGES UIDNEXT)')

    # EXPUNGE and UID EXPUNGE: two messages \Deleted, UID EXPUNGE removes only the one named.
    for body in ('prova', 'alternativa', 'prova'):
        run.cmd(M, 'append-for-expunge', 'APPEND', 'INBOX', literal=msgs[body])
    run.cmd(M, 'noop-after-append', 'NOOP')
    run.cmd(M, 'fetch-uids', 'FETCH', '1:*', '(UID)')
    run.cmd(M, 'store-deleted', 'STORE', '3:4', '+FLAGS.SILENT', '(\\Deleted)')
    run.cmd(M, 'uid-expunge', 'UID', 'EXPUNGE', '6')
    run.cmd(M, 'fetch-after-uid-expunge', 'FETCH', '1:*', '(UID FLAGS)')
    run.cmd(M, 'expunge', 'EXPUNGE')
    run.cmd(M, 'check', 'CHECK')
    run.cmd(M, 'store-deleted-for-close', 'STORE', '3', '+FLAGS.SILENT', '(\\Deleted)')
    run.cmd(M, 'close', 'CLOSE')
    run.cmd(M, 'status-after-close', 'STATUS', 'INBOX', '(MESSAGES UIDNEXT)')
    run.cmd(M, 'select-nonascii', 'SELECT', quote(CITTA))
    run.cmd(M, 'store-deleted-for-unselect', 'STORE', '1', '+FLAGS', '(\\Deleted)')
    run.cmd(M, 'unselect', 'UNSELECT')
    run.cmd(M, 'status-after-unselect', 'STATUS', quote(CITTA), '(MESSAGES)')
    run.check(run.by_name['status-after-unselect']['untagged'][:1] == [['STATUS', CITTA, {'MESSAGES': 3}]],
              f'status-after-unselect: {run.by_name["status-after-unselect"]["untagged"]}')
    run.cmd(M, 'noop-after-unselect', 'NOOP')
    return M, ctx, pw, msgs


def idle(a, run, M, ctx, pw, msgs):
    """A second connection idles on INBOX; this one appends; the idler sees EXISTS."""
    B = IMAPS(a.host, a.imaps_port, ctx)
    B.login(a.user, pw)
    run.cmd(B, 'idle-select', 'SELECT', 'INBOX')
    B.raw.clear()
    tag = B._new_tag()
    B.send(tag + b' IDLE' + CRLF)
    B.sock.settimeout(10)
    cont = B.readline()
    run.check(cont.startswith(b'+'), f'idle: no continuation: {cont!r}')
    run.cmd(M, 'idle-append-from-other-connection', 'APPEND', 'INBOX', literal=msgs['prova'])
    seen = False
    try:
        while not seen:
            line = B.readline()
            if not line:
                break
            seen = line.upper().startswith(b'* ') and line.upper().rstrip().endswith(b' EXISTS')
    except (socket.timeout, TimeoutError, OSError):
        pass
    run.check(seen, 'idle: no EXISTS while idling')
    B.send(b'DONE' + CRLF)
    while True:
        line = B.readline()
        if not line or line.startswith(tag):
            break
    run.record('idle', B, 'OK', {'continuation': cont.startswith(b'+')})
    run.cmd(B, 'idle-fetch-new', 'FETCH', '*', '(FLAGS)')
    logout(run, B, 'idle-logout')


def quota_and_errors(run, M):
    run.cmd(M, 'getquotaroot', 'GETQUOTAROOT', 'INBOX')
    root = None
    m = re.search(rb'\* QUOTAROOT \S+ ("[^"]*"|\S+)', bytes(M.raw))
    if m:
        root = m.group(1).decode()
    run.cmd(M, 'getquota', 'GETQUOTA', root or '""')
    run.cmd(M, 'bad-command', 'FOOBAR', expect='BAD')
    run.cmd(M, 'select-for-errors', 'EXAMINE', 'INBOX')
    run.cmd(M, 'bad-arguments', 'FETCH', expect='BAD')
    run.cmd(M, 'bad-fetch-item', 'FETCH', '1', '(NONSENSE)', expect='BAD')
    run.cmd(M, 'bad-select-arguments', 'SELECT', expect='BAD')
    run.cmd(M, 'delete-with-children', 'DELETE', '"Progetti"', expect=None)
    run.cmd(M, 'list-final', 'LIST', '""', '"*"')
    logout(run, M, 'logout')


def authenticate(a, run, ctx, pw):
    """AUTHENTICATE PLAIN (imaplib's authenticate: empty continuation, then the base64 response)."""
    C = IMAPS(a.host, a.imaps_port, ctx)
    try:
        run.call(C, 'authenticate-plain-wrong', lambda: C.authenticate('PLAIN', lambda _: f'\0{a.user}\0{pw}x'.encode()), expect='NO')
        logout(run, C, 'authenticate-wrong-logout')
    except Exception:  # noqa: BLE001 - already among the failures; go on with a new connection
        C.shutdown()
    C = IMAPS(a.host, a.imaps_port, ctx)
    run.call(C, 'authenticate-plain', lambda: C.authenticate('PLAIN', lambda _: f'\0{a.user}\0{pw}'.encode()))
    run.cmd(C, 'authenticated-examine', 'EXAMINE', 'INBOX')
    logout(run, C, 'authenticated-logout')


def starttls(a, run, ctx, pw):
    D = IMAPPlain(a.host, a.imap_port)
    run.record('plain-greeting', D, 'OK')
    run.info['plain-greeting'] = D.welcome.decode('utf-8', 'replace')
    run.cmd(D, 'plain-capability', 'CAPABILITY')
    run.info['plain-capability'] = D.raw.decode('utf-8', 'replace').splitlines()[0]
    run.call(D, 'plain-login-refused', lambda: D.login(a.user, pw), expect='NO')
    run.call(D, 'starttls', lambda: D.starttls(ctx))
    run.cmd(D, 'tls-capability', 'CAPABILITY')
    run.call(D, 'tls-login', lambda: D.login(a.user, pw))
    run.cmd(D, 'tls-select', 'SELECT', 'INBOX')
    run.cmd(D, 'tls-starttls-again', 'STARTTLS', expect='BAD')
    logout(run, D, 'tls-logout')


def main():
    a = args_parser(__doc__.splitlines()[0]).parse_args()
    run = Run()
    ctx = tls_context(a.cafile)
    pw = read_password(a.password_file)

    def phase(name, fn, *args):
        try:
            return fn(*args)
        except Exception as e:  # noqa: BLE001 - the transcript reports it; later phases still run
            run.failures.append(f'{name} aborted: {e!r}: {traceback.format_exc(limit=-3)}')
            return None

    main_state = phase('session', session_main, a, run)
    if main_state:
        M, ctx, pw, msgs = main_state
        phase('idle', idle, a, run, M, ctx, pw, msgs)
        phase('quota-and-errors', quota_and_errors, run, M)
    phase('authenticate', authenticate, a, run, ctx, pw)
    phase('starttls', starttls, a, run, ctx, pw)
    out({'steps': run.named(), 'failures': run.failures, 'info': run.info})


if __name__ == '__main__':
    main()
