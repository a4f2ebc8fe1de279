"""Submits messages with Python's smtplib, as an independent client would.

usage: smtp_submit.py MODE HOST PORT CAFILE USER PASSWORD_FILE MAIL_FROM RCPTS MESSAGE_FILE [COUNT]
  MODE: ssl (implicit TLS + AUTH), starttls (STARTTLS + AUTH), plain (no TLS, no AUTH: port 25 style)
  RCPTS: comma-separated
Prints one JSON object per message: {"ok": true} or {"ok": false, "code": N, "error": "..."}.
"""
import json
import smtplib
import ssl
import sys

mode, host, port, cafile, user, pwfile, mail_from, rcpts, msgfile = sys.argv[1:10]
count = int(sys.argv[10]) if len(sys.argv) > 10 else 1
with open(msgfile, "rb") as f:
    message = f.read()
password = open(pwfile, encoding="utf-8").read().rstrip("\n") if pwfile != "-" else None
ctx = ssl.create_default_context(cafile=cafile)

def connect():
    if mode == "ssl":
        s = smtplib.SMTP_SSL(host, int(port), context=ctx, timeout=60)
    else:
        s = smtplib.SMTP(host, int(port), timeout=60)
        if mode == "starttls":
            s.starttls(context=ctx)
    if password is not None and mode != "plain":
        s.login(user, password)
    return s

s = connect()
for i in range(count):
    body = message.replace(b"@@N@@", str(i).encode())
    try:
        refused = s.sendmail(mail_from, rcpts.split(","), body)
        print(json.dumps({"ok": True, "refused": list(refused.keys())}), flush=True)
    except smtplib.SMTPResponseException as e:
        print(json.dumps({"ok": False, "code": e.smtp_code, "error": e.smtp_error.decode("utf-8", "replace")}), flush=True)
        try:
            s.rset()
        except Exception:
            s = connect()
    except smtplib.SMTPRecipientsRefused as e:
        first = next(iter(e.recipients.values()))
        print(json.dumps({"ok": False, "code": first[0], "error": first[1].decode("utf-8", "replace")}), flush=True)
        s = connect()
try:
    s.quit()
except Exception:
    pass
