#!/bin/sh
# Sending: `reviewpack send` against a real SMTP server (aiosmtpd) on
# 127.0.0.1. Checks that one message reaches both recipients with the
# bytes of pack.eml; that a server refusing RCPT makes send exit 4 with
# the server's reply on stderr and deliver nothing; that a bad --from is
# a usage error (exit 2) before anything is sent; that an unreachable
# port exits 4. Every server is stopped on exit.
# usage: tests/test-send.sh REVIEWPACK PACK.EML
set -u
if [ $# -ne 2 ]; then
	echo "usage: $0 REVIEWPACK PACK.EML" >&2
	exit 2
fi
RP=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
EML=$2
PY=${PYTHON:-/usr/bin/python3}
# No credentials (they would require TLS), no proxy for the loopback server.
unset REVIEWPACK_SMTP_USER REVIEWPACK_SMTP_PASSWORD
export NO_PROXY=127.0.0.1 no_proxy=127.0.0.1
TMP=$(mktemp -d "${TMPDIR:-/tmp}/reviewpack-send-XXXXXX")
SERVER_PID=""
stop_server() {
	if [ -n "$SERVER_PID" ]; then
		kill "$SERVER_PID" 2>/dev/null
		wait "$SERVER_PID" 2>/dev/null
		SERVER_PID=""
	fi
}
trap 'stop_server; rm -rf "$TMP"' EXIT
trap 'exit 130' INT TERM
pass=0
fail=0
ok() { pass=$((pass + 1)); echo "ok   $1"; }
bad() { fail=$((fail + 1)); echo "FAIL $1"; }

if ! "$PY" -c 'import aiosmtpd' 2>/dev/null; then
	echo "FAIL $PY cannot import aiosmtpd (make deps installs python3-aiosmtpd)"
	exit 1
fi
mkdir -p "$TMP/pack"
cp "$EML" "$TMP/pack/pack.eml" || { echo "FAIL cannot copy $EML"; exit 1; }

# The server: SERVER.py DIR MODE, MODE "accept" or "reject" (550 on RCPT).
# It writes DIR/port once listening on 127.0.0.1, then DIR/N.from,
# DIR/N.rcpt (one recipient a line) and DIR/N.eml for message N.
cat > "$TMP/server.py" <<'EOF'
import os, signal, socket, sys, time
from aiosmtpd.controller import Controller

out, mode = sys.argv[1], sys.argv[2]

class Handler:
    count = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if mode == "reject":
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        Handler.count += 1
        base = os.path.join(out, str(Handler.count))
        with open(base + ".from", "w") as f:
            f.write(envelope.mail_from + "\n")
        with open(base + ".rcpt", "w") as f:
            f.write("".join(r + "\n" for r in envelope.rcpt_tos))
        with open(base + ".eml", "wb") as f:
            f.write(envelope.original_content)
        return "250 OK queued"

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

for attempt in range(20):
    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    try:
        controller.start()
        break
    except Exception:
        time.sleep(0.1)
else:
    sys.exit("cannot start the SMTP server")
signal.signal(signal.SIGTERM, lambda *a: (controller.stop(), sys.exit(0)))
with open(os.path.join(out, "port.tmp"), "w") as f:
    f.write("%d\n" % port)
os.rename(os.path.join(out, "port.tmp"), os.path.join(out, "port"))
while True:
    time.sleep(1)
EOF

# start_server MODE DIR: sets PORT, or returns 1.
start_server() {
	mkdir -p "$2"
	"$PY" "$TMP/server.py" "$2" "$1" 2>"$2/server.log" &
	SERVER_PID=$!
	i=0
	while [ ! -s "$2/port" ]; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$SERVER_PID" 2>/dev/null; then
			cat "$2/server.log"
			stop_server
			return 1
		fi
		sleep 0.1
	done
	PORT=$(cat "$2/port")
}

# The pack's own From header: the envelope sender send uses.
FROM=$("$PY" -c '
import email, email.policy, sys
msg = email.message_from_bytes(open(sys.argv[1], "rb").read(), policy=email.policy.default)
print(msg["From"].addresses[0].addr_spec)' "$EML") || { echo "FAIL cannot read From of $EML"; exit 1; }

# --- a message for two recipients ---------------------------------------
S="$TMP/accept"
if start_server accept "$S"; then
	timeout --foreground 60 "$RP" send "$TMP/pack" --smtp "smtp://127.0.0.1:$PORT" \
		--to a@example.com --to b@example.com >"$TMP/stdout" 2>"$TMP/stderr"
	code=$?
	stop_server
	n=$(ls "$S" | grep -c '\.eml$')
	if [ $code != 0 ]; then
		bad "send: exit $code, expected 0"; cat "$TMP/stderr"
	elif [ "$n" != 1 ]; then
		bad "send: the server received $n messages, expected 1"
	elif [ "$(cat "$S/1.rcpt")" != "$(printf 'a@example.com\nb@example.com')" ]; then
		bad "send: recipients $(tr '\n' ' ' < "$S/1.rcpt"), expected a@example.com b@example.com"
	elif [ "$(cat "$S/1.from")" != "$FROM" ]; then
		bad "send: envelope sender $(cat "$S/1.from"), expected $FROM"
	elif ! "$PY" -c '
import sys
norm = lambda b: b.replace(b"\r\n", b"\n").rstrip(b"\n")
sent, got = (open(p, "rb").read() for p in sys.argv[1:3])
sys.exit(0 if norm(sent) == norm(got) else 1)' "$EML" "$S/1.eml"; then
		bad "send: the received message differs from pack.eml"
		diff "$EML" "$S/1.eml" | head -n 20
	else
		ok "send: one message for both recipients, the bytes of pack.eml"
	fi
else
	bad "send: cannot start the SMTP server"
fi

# refused_send NAME MODE CODE PATTERN ARGS...: send with ARGS to a server in
# MODE exits CODE with PATTERN on stderr, and nothing is delivered.
refused_send() {
	name=$1; mode=$2; want=$3; pattern=$4; shift 4
	S="$TMP/$name"
	if ! start_server "$mode" "$S"; then
		bad "$name: cannot start the SMTP server"; return
	fi
	timeout --foreground 60 "$RP" send "$TMP/pack" --smtp "smtp://127.0.0.1:$PORT" "$@" \
		>"$TMP/stdout" 2>"$TMP/stderr"
	code=$?
	stop_server
	if [ $code != "$want" ]; then
		bad "$name: exit $code, expected $want"; cat "$TMP/stderr"
	elif ! grep -q "$pattern" "$TMP/stderr"; then
		bad "$name: stderr does not say why"; cat "$TMP/stderr"
	elif ls "$S" | grep -q '\.eml$'; then
		bad "$name: a message was delivered anyway"
	else
		ok "$name: exit $want, nothing delivered"
	fi
}

# --- the server refuses the recipient: exit 4 with its reply --------------
refused_send "refused recipient" reject 4 '^reviewpack: send failed: .*550 no such user' \
	--to nobody@example.com

# --- a bad --from: a usage error before anything is sent ------------------
refused_send "bad --from" accept 2 '^reviewpack: bad --from address "partnerships@@example.com"' \
	--to a@example.com --from 'partnerships@@example.com'

# --- nothing listens ----------------------------------------------------
PORT=$("$PY" -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
timeout --foreground 60 "$RP" send "$TMP/pack" --smtp "smtp://127.0.0.1:$PORT" --to a@example.com \
	>"$TMP/stdout" 2>"$TMP/stderr"
code=$?
if [ $code = 4 ] && grep -q '^reviewpack: send failed: ' "$TMP/stderr"; then
	ok "unreachable server: exit 4"
else
	bad "unreachable server: exit $code, expected 4"; cat "$TMP/stderr"
fi

echo "$pass passed, $fail failed"
[ $fail = 0 ]
