"""Reads a mailbox over IMAPS and POP3S with Python's imaplib and poplib (independent clients).

usage: mail_access.py MODE HOST PORT CAFILE USER PASSWORD_FILE OUTDIR
  imap-dump:  every INBOX message's BODY[] → OUTDIR/imap-<uid>.eml; prints {"uids": [...]}.
  pop3-dump:  every message by RETR → OUTDIR/pop3-<n>.eml; prints {"uidl": [...]}.
  imap-hold:  login, SELECT INBOX, print "ready", wait for a line on stdin, then try
              STORE +FLAGS \\Seen, FETCH 1 BODY[], APPEND; prints the answers as JSON.
  pop3-dele:  login, DELE 1, QUIT; prints the answers as JSON.
  pop3-hold:  login, print "ready", wait for a line on stdin, then DELE 1, QUIT (as JSON).
"""
import imaplib
import json
import os
import poplib
import ssl
import sys

mode, host, port, cafile, user, pwfile, outdir = sys.argv[1:8]
port = int(port)
password = open(pwfile).read().strip()
ctx = ssl.create_default_context(cafile=cafile)
ctx.check_hostname = False


def text(x):
    return x.decode("utf-8", "replace") if isinstance(x, bytes) else str(x)


if mode == "imap-dump":
    c = imaplib.IMAP4_SSL(host, port, ssl_context=ctx, timeout=30)
    c.login(user, password)
    c.select("INBOX", readonly=True)
    typ, data = c.uid("SEARCH", None, "ALL")
    uids = [int(u) for u in data[0].split()]
    for uid in uids:
        typ, data = c.uid("FETCH", str(uid), "(BODY.PEEK[])")
        with open(os.path.join(outdir, "imap-%d.eml" % uid), "wb") as f:
            f.write(data[0][1])
    c.logout()
    print(json.dumps({"uids": uids}))
elif mode == "pop3-dump":
    p = poplib.POP3_SSL(host, port, context=ctx, timeout=30)
    p.user(user)
    p.pass_(password)
    _, listing, _ = p.uidl()
    uidl = [text(l).split()[1] for l in listing]
    for n in range(1, len(uidl) + 1):
        _, lines, _ = p.retr(n)
        with open(os.path.join(outdir, "pop3-%d.eml" % n), "wb") as f:
            f.write(b"\r\n".join(lines) + b"\r\n")
    p.quit()
    print(json.dumps({"uidl": uidl}))
elif mode == "imap-hold":
    c = imaplib.IMAP4_SSL(host, port, ssl_context=ctx, timeout=30)
    c.login(user, password)
    c.select("INBOX")
    print("ready", flush=True)
    sys.stdin.readline()
    out = {}
    typ, data = c._simple_command("STORE", "1", "+FLAGS", "(\\Seen)")
    out["store"] = [typ, text(data[-1]) if data else ""]
    # RFC 3501 §7.1: [READ-ONLY] tells that access changed while selected; imaplib then refuses
    # every further command unless told to go on, which a reading client does.
    out["signalled"] = c.untagged_responses.pop("READ-ONLY", None) is not None
    typ, data = c.fetch("1", "(BODY.PEEK[])")
    out["fetch"] = [typ, len(data[0][1]) if typ == "OK" else 0]
    typ, data = c.append("INBOX", None, None, b"Subject: x\r\n\r\nx\r\n")
    out["append"] = [typ, text(data[-1]) if data else ""]
    c.untagged_responses.pop("READ-ONLY", None)
    c.logout()
    print(json.dumps(out))
elif mode in ("pop3-dele", "pop3-hold"):
    p = poplib.POP3_SSL(host, port, context=ctx, timeout=30)
    p.user(user)
    p.pass_(password)
    if mode == "pop3-hold":
        print("ready", flush=True)
        sys.stdin.readline()
    out = {}
    try:
        out["dele"] = text(p.dele(1))
    except poplib.error_proto as e:
        out["dele"] = text(e.args[0])
    out["quit"] = text(p.quit())
    print(json.dumps(out))
