""""Send me a test": one message through the mail server in use, and the server's own
answer, or why it could not be reached, in words."""

from __future__ import annotations

import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import formatdate, make_msgid

from masthead.config import SmtpConfig
from masthead.mail import server
from masthead.mail.connection import connect
from masthead.mail.outbox import FolderConnection


def _message(smtp: SmtpConfig, to: str, site_title: str) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = smtp.from_address
    msg["To"] = to
    msg["Subject"] = f"A test from {site_title}"
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain=smtp.from_address.rpartition("@")[2].strip("> "))
    msg.set_content(f"This is a test from {site_title}'s studio: mail from the site reaches "
                    f"{to}.\n")
    return msg


def _answer(code: int, text: bytes | str) -> str:
    words = text.decode(errors="replace") if isinstance(text, bytes) else str(text)
    return f"{code} {' '.join(words.split())}"


def send_test(to: str, site_title: str) -> tuple[bool, str]:
    """(accepted, what happened): the server's last reply, e.g. "250 OK queued as 4F2A"."""
    smtp = server.current()
    if smtp is None:
        return False, "No mail server is set up yet: fill in the form above and save it."
    where = f"{smtp.host}:{smtp.port}"
    data = _message(smtp, to, site_title).as_bytes(policy=SMTP)
    try:
        conn = connect(smtp, timeout=20)
    except smtplib.SMTPAuthenticationError as exc:
        return False, ("The server refused the user name or password: "
                       + _answer(exc.smtp_code, exc.smtp_error))
    except smtplib.SMTPNotSupportedError:
        return False, (f"{where} does not offer STARTTLS: choose TLS (often port 465) or "
                       "ask your provider which security it uses.")
    except smtplib.SMTPResponseException as exc:
        return False, f"{where} refused the connection: " + _answer(exc.smtp_code,
                                                                      exc.smtp_error)
    except socket.gaierror:
        return False, f"There is no server called {smtp.host}: check the host name."
    except ConnectionRefusedError:
        return False, f"Nothing answers at {where}: check the host and the port."
    except TimeoutError:
        return False, f"{where} did not answer within 20 seconds: check the host and the port."
    except ssl.SSLError as exc:
        return False, (f"The secure connection to {where} failed ({exc.reason or exc}): "
                       "check the security setting and the port.")
    except (OSError, smtplib.SMTPException) as exc:
        return False, f"Could not talk to {where}: {exc}"
    if isinstance(conn, FolderConnection):
        name = conn.write(smtp.from_address, [to], data)
        return True, f"No mail server here: the message was put in the outbox ({name})."
    try:
        conn.ehlo_or_helo_if_needed()
        code, text = conn.mail(smtp.from_address.rpartition("<")[2].strip("> ") or
                               smtp.from_address)
        if code != 250:
            return False, "The server refused the sender address: " + _answer(code, text)
        code, text = conn.rcpt(to)
        if code not in (250, 251):
            return False, f"The server refused to deliver to {to}: " + _answer(code, text)
        code, text = conn.data(data)
        return code == 250, ("The server accepted the message: " if code == 250 else
                             "The server refused the message: ") + _answer(code, text)
    except smtplib.SMTPResponseException as exc:
        return False, "The server refused the message: " + _answer(exc.smtp_code,
                                                                    exc.smtp_error)
    except (OSError, smtplib.SMTPException) as exc:
        return False, f"The connection to {where} broke off: {exc}"
    finally:
        try:
            conn.quit()
        except (OSError, smtplib.SMTPException):
            conn.close()
