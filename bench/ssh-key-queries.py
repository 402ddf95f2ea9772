#!/usr/bin/env python3
# Used by bench/ssh-preauth.sh. Public-key queries (userauth publickey without a signature) on one connection for N seconds, one in flight;
# prints how many were answered (PK_OK or FAILURE) and whether the server dropped the connection.
import sys, time, threading, paramiko
from paramiko.message import Message
port, keyfile, user, seconds = int(sys.argv[1]), sys.argv[2], sys.argv[3], float(sys.argv[4])
key = paramiko.Ed25519Key.from_private_key_file(keyfile)
t = paramiko.Transport(("127.0.0.1", port))
reply = threading.Event(); answers = [0]
def on_reply(tr, m):
    answers[0] += 1; reply.set()
t._handler_table[6] = lambda tr, m: reply.set()     # SERVICE_ACCEPT
t._handler_table[51] = on_reply                    # USERAUTH_FAILURE
t._handler_table[60] = on_reply                    # USERAUTH_PK_OK
t.start_client(timeout=10)
m = Message(); m.add_byte(bytes([5])); m.add_string("ssh-userauth"); t._send_message(m)
reply.wait(5); reply.clear()
start = time.time(); end = start + seconds
while time.time() < end and t.is_active():
    m = Message(); m.add_byte(bytes([50])); m.add_string(user); m.add_string("ssh-connection"); m.add_string("publickey")
    m.add_boolean(False); m.add_string("ssh-ed25519"); m.add_string(key.asbytes())
    try:
        t._send_message(m)
    except Exception as e:
        break
    if not reply.wait(5): break
    reply.clear()
print(f"{answers[0]} queries answered in {time.time()-start:.2f} s on one connection; connection open at the end: {t.is_active()}")
