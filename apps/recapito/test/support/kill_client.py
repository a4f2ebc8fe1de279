"""Submits N messages with smtplib while the provider may be killed at any moment.

usage: kill_client.py HOST PORT CAFILE USER PASSWORD_FILE RCPTS N
Each message i has Message-ID <kill-i@client.test>. A message counts as accepted when the
server answered 250 to its DATA; when the connection breaks first the client reconnects and
submits it again (as a real client would), so a lost 250 can lead to a second transaction.
Prints one JSON object: {"accepted": [...], "resubmitted": [...], "errors": N}.
"""
import json
import smtplib
import ssl
import sys
import time

host, port, cafile, user, pwfile, rcpts, n = sys.argv[1:8]
rcpts = rcpts.split(",")
password = open(pwfile, encoding="utf-8").read().rstrip("\n")
ctx = ssl.create_default_context(cafile=cafile)
accepted, resubmitted, errors = [], [], 0
conn = None

def connect():
    while True:
        try:
            s = smtplib.SMTP_SSL(host, int(port), context=ctx, timeout=30)
            s.login(user, password)
            return s
        except Exception:
            time.sleep(0.2)

for i in range(int(n)):
    msg = (
        f"From: {user}\r\nTo: {', '.join(rcpts)}\r\nSubject: kill test {i}\r\n"
        f"Message-ID: <kill-{i}@client.test>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\n\r\n"
        f"messaggio numero {i}\r\n"
    ).encode()
    tries = 0
    while True:
        if conn is None:
            conn = connect()
        try:
            conn.sendmail(user, rcpts, msg)
            accepted.append(i)
            break
        except (smtplib.SMTPServerDisconnected, ConnectionError, OSError, smtplib.SMTPResponseException) as e:
            errors += 1
            tries += 1
            conn = None
            if tries == 1:
                resubmitted.append(i)
            time.sleep(0.1)
try:
    conn.quit()
except Exception:
    pass
print(json.dumps({"accepted": accepted, "resubmitted": resubmitted, "errors": errors}))
