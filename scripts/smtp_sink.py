"""A small SMTP sink for the tests: an aiosmtpd handler that writes every accepted message as
one JSON file (envelope, headers, decoded body, raw text, whether the session was encrypted
and who authenticated) into a directory.

Run: PYTHONPATH=scripts python3 -m aiosmtpd -n -l 127.0.0.1:PORT -c smtp_sink.Sink DIR
With TLS and authentication: python3 scripts/smtp_tls_sink.py (see there).
"""
import email
import json
import os
import uuid
from email import policy


class Sink:
    def __init__(self, directory):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)

    @classmethod
    def from_cli(cls, parser, *args):
        if len(args) != 1:
            parser.error("smtp_sink.Sink takes one argument: the output directory")
        return cls(args[0])

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        msg = email.message_from_bytes(raw, policy=policy.default)
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "message_id": str(msg["Message-ID"] or ""),
            "from": str(msg["From"] or ""),
            "to": str(msg["To"] or ""),
            "subject": str(msg["Subject"] or ""),
            "body": msg.get_content(),
            "raw": raw.decode("utf-8", "replace"),
            "tls": session.ssl is not None
            or server.transport.get_extra_info("ssl_object") is not None,
            "login": (session.auth_data.login.decode("utf-8", "replace")
                      if getattr(session, "auth_data", None) is not None
                      and getattr(session.auth_data, "login", None) else None),
        }
        name = uuid.uuid4().hex
        tmp = os.path.join(self.directory, name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(record, f, ensure_ascii=False)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, os.path.join(self.directory, name + ".json"))
        return "250 Message accepted for delivery"
