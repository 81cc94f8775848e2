"""The DNS records that let receiving servers trust the site's mail: SPF (which servers
may send for the domain), DKIM (the public key the signatures verify with) and DMARC
(what to do with mail that fails both)."""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr

from masthead.config import SmtpConfig


@dataclass(frozen=True)
class Record:
    purpose: str
    kind: str  # TXT
    name: str
    value: str
    note: str = ""


def domain_of(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2].lower()


def records(smtp: SmtpConfig | None, dkim_domain: str | None, selector: str | None,
            public_key: str | None) -> list[Record]:
    if smtp is None or not domain_of(smtp.from_address):
        return []
    domain = domain_of(smtp.from_address)
    sender = parseaddr(smtp.from_address)[1]
    spf_hosts = f"a:{smtp.host} " if smtp.host and smtp.host not in ("127.0.0.1", "localhost") \
        else ""
    out = [Record("SPF", "TXT", domain, f"v=spf1 mx {spf_hosts}~all",
                  "A domain has one SPF record: if it has one already, add to it. If your "
                  "mail provider gives an include: value, use theirs.")]
    if public_key and selector:
        out.append(Record("DKIM", "TXT", f"{selector}._domainkey.{dkim_domain or domain}",
                          f"v=DKIM1; k=rsa; p={public_key}",
                          "Paste it whole: DNS providers split long values themselves."))
    out.append(Record("DMARC", "TXT", f"_dmarc.{domain}",
                      f"v=DMARC1; p=none; rua=mailto:{sender}",
                      "p=none only reports; once reports show your mail passes, "
                      "p=quarantine asks servers to set failing mail aside."))
    return out
