"""How an e-mail leaves the process: the message format and the transports (``MAIL_TRANSPORT``).

- ``file``: one ``.eml`` file per message in ``MAIL_DIR`` (development and tests);
- ``smtp``: the installation's mail server (``MAIL_SERVER``, ``MAIL_PORT``, ``MAIL_USERNAME``,
  ``MAIL_PASSWORD``, ``MAIL_USE_TLS`` for SMTPS, ``MAIL_USE_STARTTLS``), one connection per
  batch.

Only the standard library's ``email`` and ``smtplib``.  A transport raises ``TransportError``
when a message did not go out; the sender decides whether and when to try again.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import hashlib
import os
import smtplib
import ssl
from email.message import EmailMessage
from typing import Any, Mapping, Protocol


class TransportError(Exception):
    """The message was not sent.  ``permanent``: the server refused it for good (a 5xx reply),
    trying again will not help.  ``unavailable``: the server could not be reached, so the
    other messages of the batch need not try now either."""

    def __init__(self, message: str, *, permanent: bool = False, unavailable: bool = False):
        super().__init__(message)
        self.permanent = permanent
        self.unavailable = unavailable


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


def build_message(*, to: str, subject: str, body: str, message_id: str, sender: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    msg["Subject"] = subject
    msg["Date"] = email.utils.format_datetime(dt.datetime.now(dt.timezone.utc))
    msg["Message-ID"] = message_id
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to a robot
    msg.set_content(body, cte="base64")  # 7-bit safe for any server, whatever the script
    return msg


class FileTransport:
    """Writes each message as ``<UTC time>-<hash of its Message-ID>.eml``, atomically."""

    def __init__(self, directory: str):
        self.directory = directory

    def send(self, message: EmailMessage) -> None:
        try:
            os.makedirs(self.directory, exist_ok=True)
            stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S%f")
            digest = hashlib.sha256(str(message["Message-ID"]).encode()).hexdigest()[:16]
            path = os.path.join(self.directory, f"{stamp}-{digest}.eml")
            tmp = path + ".part"
            with open(tmp, "wb") as fh:
                fh.write(message.as_bytes())
            os.replace(tmp, path)
        except OSError as err:
            raise TransportError(f"cannot write to {self.directory}: {err}") from err

    def close(self) -> None:
        pass


class SmtpTransport:
    """Hands messages to an SMTP server over one connection, opened at the first message."""

    def __init__(self, *, host: str, port: int, username: str | None = None,
                 password: str | None = None, use_tls: bool = False, starttls: bool = False,
                 timeout: float = 30.0):
        self.host, self.port = host, port
        self.username, self.password = username, password
        self.use_tls, self.starttls, self.timeout = use_tls, starttls, timeout
        self._conn: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        if self._conn is not None:
            return self._conn
        context = ssl.create_default_context()
        try:
            if self.use_tls:
                conn: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout,
                                                      context=context)
            else:
                conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            try:
                if self.starttls and not self.use_tls:
                    conn.starttls(context=context)
                if self.username:
                    conn.login(self.username, self.password or "")
            except BaseException:
                conn.close()
                raise
        except (OSError, smtplib.SMTPException) as err:
            raise TransportError(f"cannot reach {self.host}:{self.port}: {err}", unavailable=True) from err
        self._conn = conn
        return conn

    def send(self, message: EmailMessage) -> None:
        conn = self._connect()
        try:
            conn.send_message(message)
        except smtplib.SMTPRecipientsRefused as err:
            codes = [code for code, _msg in err.recipients.values()]
            raise TransportError(f"recipient refused: {err.recipients}",
                                 permanent=all(500 <= c < 600 for c in codes)) from err
        except smtplib.SMTPResponseException as err:
            raise TransportError(f"{err.smtp_code} {err.smtp_error!r}",
                                 permanent=500 <= err.smtp_code < 600) from err
        except (OSError, smtplib.SMTPException) as err:  # the connection broke: reconnect next time
            self._discard()
            raise TransportError(f"connection to {self.host}:{self.port} lost: {err}") from err

    def _discard(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.close()
            except OSError:
                pass

    def close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            try:
                conn.quit()
            except (OSError, smtplib.SMTPException):
                conn.close()


def transport_from_config(config: Mapping[str, Any]) -> Transport:
    kind = config.get("MAIL_TRANSPORT", "file")
    if kind == "file":
        return FileTransport(config["MAIL_DIR"])
    if kind == "smtp":
        return SmtpTransport(host=config["MAIL_SERVER"], port=int(config["MAIL_PORT"]),
                             username=config.get("MAIL_USERNAME"), password=config.get("MAIL_PASSWORD"),
                             use_tls=bool(config.get("MAIL_USE_TLS")),
                             starttls=bool(config.get("MAIL_USE_STARTTLS")),
                             timeout=float(config.get("MAIL_TIMEOUT_SECONDS", 30)))
    raise RuntimeError(f"unknown MAIL_TRANSPORT {kind!r} (use 'file' or 'smtp')")
