"""The test SMTP sink (smtp_sink.Sink) behind TLS, with authentication: a real aiosmtpd server
for the outbox's TLS tests.

Run: python3 scripts/smtp_tls_sink.py MODE PORT CERT KEY DIR USER PASSWORD
  MODE starttls: plaintext greeting, STARTTLS required before anything else;
  MODE tls: implicit TLS from the first byte (SMTPS).
The server offers AUTH only over TLS and accepts USER/PASSWORD only (LOGIN and PLAIN).
"""
import os
import ssl
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from aiosmtpd.controller import Controller  # noqa: E402
from aiosmtpd.smtp import AuthResult, LoginPassword  # noqa: E402

from smtp_sink import Sink  # noqa: E402


def main():
    mode, port, cert, key, directory, user, password = sys.argv[1:8]
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == user.encode() and auth_data.password == password.encode())
        return AuthResult(success=ok, handled=False, auth_data=auth_data if ok else None)

    options = dict(
        hostname="127.0.0.1", port=int(port), authenticator=authenticator,
        auth_require_tls=True, auth_required=True,
    )
    if mode == "tls":
        options["ssl_context"] = context
        # The whole connection is encrypted; aiosmtpd's auth_require_tls only knows STARTTLS.
        options["auth_require_tls"] = False
    elif mode == "starttls":
        options["tls_context"] = context
        options["require_starttls"] = True
    else:
        sys.exit(f"unknown mode {mode!r}: starttls or tls")
    controller = Controller(Sink(directory), **options)
    controller.start()
    try:
        threading.Event().wait()
    finally:
        controller.stop()


if __name__ == "__main__":
    main()
