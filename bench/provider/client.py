"""Benchmark client: submits N messages of SIZE bytes to RCPTS over implicit TLS with AUTH.

usage: client.py HOST PORT CAFILE USER PASSWORD_FILE RCPTS N SIZE TAG
Prints one JSON line per message: {"id": "<bench-TAG-i@client.test>", "t": start_epoch_seconds}.
"""
import json
import smtplib
import ssl
import sys
import time

host, port, cafile, user, pwfile, rcpts, n, size, tag = sys.argv[1:10]
rcpts = rcpts.split(",")
password = open(pwfile, encoding="utf-8").read().rstrip("\n") if pwfile != "-" else None
ctx = ssl.create_default_context(cafile=cafile)
s = smtplib.SMTP_SSL(host, int(port), context=ctx, timeout=120)
if password:
    s.login(user, password)
line = ("x" * 76 + "\r\n").encode()
body = line * max(1, int(size) // len(line))
for i in range(int(n)):
    mid = f"<bench-{tag}-{i}@client.test>"
    head = (f"From: {user}\r\nTo: {', '.join(rcpts)}\r\nSubject: bench {tag} {i}\r\nMessage-ID: {mid}\r\n"
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=US-ASCII\r\n\r\n").encode()
    t = time.time()
    s.sendmail(user, rcpts, head + body)
    print(json.dumps({"id": mid, "t": t}), flush=True)
s.quit()
