"""A help center's custom domain: the host name admins enter, its DNS proof, its links for emails.

An admin enters a host name (`set_domain`: checked, lower-cased, stored in ASCII/IDNA form), creates
the two records the settings page shows (`records_of`): a CNAME to the service's host and a TXT record
holding a random token at `_helpdesk-verify.<host>`, and presses "Check DNS" (`check_dns`). The check
asks the resolver it is given (the app passes `dns_resolver()`, a `dns.resolver.Resolver`; tests a fake
one): the domain is verified when the TXT token is there, and the CNAME's target is reported. Once
verified, `helpcenter/hosts.py` serves the help center at `/` on that host and `public_url` links to it.
"""
import ipaddress
import re
import secrets
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

import dns.exception
import dns.resolver
import idna
from flask import current_app
from peewee import IntegrityError

from helpdesk.core import audit
from helpdesk.core.i18n import gettext as _
from helpdesk.core.urls import external_url
from helpdesk.extensions import db
from helpdesk.helpcenter.models import HelpCenter

TXT_PREFIX = "_helpdesk-verify"
LOOKUP_SECONDS = 4.0  # each of the two lookups; the check runs while the admin waits
# An entry nobody verified for this long no longer keeps another workspace from the host.
UNVERIFIED_CLAIM_DAYS = 7
LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
RESERVED_SUFFIXES = ("localhost", "local", "invalid", "internal", "arpa")

VERIFIED, NO_RECORD, WRONG_TOKEN, TIMEOUT, DNS_ERROR = "verified", "no_record", "wrong_token", "timeout", "dns_error"
OUTCOMES = (VERIFIED, NO_RECORD, WRONG_TOKEN, TIMEOUT, DNS_ERROR)


class DomainError(Exception):
    """A host name or a change refused; the message is for the admin."""


@dataclass
class DnsCheck:
    outcome: str  # one of OUTCOMES
    cname: str  # the host's CNAME target ("" when it has none, or it could not be read)


def service_host():
    """The host name of this service (BASE_URL's): never a custom domain."""
    return (urlsplit(current_app.config["BASE_URL"]).hostname or "").lower()


def cname_target():
    """What a custom domain must be a CNAME of: CUSTOM_DOMAIN_TARGET, else the service's host name."""
    return current_app.config.get("CUSTOM_DOMAIN_TARGET") or service_host()


def normalize_host(text):
    """The host name `text` names, lower-cased in ASCII (IDNA 2008): a pasted address is reduced to its host.

    Refused with a `DomainError`: empty, an IP address, a port, a single label, a label that is not
    letters, digits and inner hyphens, over 253 characters, a reserved name, or this service's own host.
    """
    raw = (text or "").strip()
    if "://" in raw:
        raw = urlsplit(raw).netloc
    raw = raw.split("/", 1)[0].rstrip(".").lower()
    if not raw:
        raise DomainError(_("Enter a host name such as help.example.com."))
    if _is_ip(raw) or (raw.count(":") == 1 and _is_ip(raw.partition(":")[0])):
        raise DomainError(_("Enter a host name such as help.example.com, not an IP address."))
    if ":" in raw:
        raise DomainError(_("Enter the host name without a port: visitors reach it on the usual web ports."))
    invalid = DomainError(_("“%(host)s” is not a valid host name: letters, digits and hyphens between dots "
                            "(at most 63 in a part, 253 in all), such as help.example.com.", host=raw[:80]))
    try:
        host = idna.encode(raw, uts46=True).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        raise invalid from None
    labels = host.split(".")
    if len(host) > 253 or not all(LABEL.fullmatch(label) for label in labels):
        raise invalid
    if len(labels) < 2 or labels[-1].isdigit():
        raise DomainError(_("Enter the full host name, such as help.example.com."))
    if labels[-1] in RESERVED_SUFFIXES:
        raise DomainError(_("“%(host)s” is a reserved name that no one can reach on the internet.", host=host))
    own = {service_host(), cname_target()}
    if any(host == name or host.endswith("." + name) for name in own if name):
        raise DomainError(_("“%(host)s” belongs to this service: enter a name of your own domain.", host=host))
    return host


def _is_ip(text):
    try:
        ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return False
    return True


def display_host(host):
    """The host as people read it (an internationalized name in its own letters)."""
    try:
        return idna.decode(host)
    except (idna.IDNAError, UnicodeError):
        return host


@dataclass
class Record:
    type: str
    name: str
    value: str


def records_of(help_center):
    """The DNS records the admin must create for the entered domain."""
    host = help_center.domain
    return [Record("CNAME", host, cname_target()), Record("TXT", f"{TXT_PREFIX}.{host}", help_center.domain_token)]


# --- changes -------------------------------------------------------------------------------------------


def set_domain(help_center, actor, text, *, now):
    """Enter a host name (not verified yet, with a new TXT token); refused when another workspace holds it."""
    host = normalize_host(text)
    if help_center.domain:
        raise DomainError(_("Remove the current domain before entering another one."))
    _release_stale_claim(host, help_center.workspace_id, now)
    help_center.domain, help_center.domain_token = host, secrets.token_hex(16)
    help_center.domain_added_at, help_center.domain_verified_at = now, None
    help_center.domain_checked_at, help_center.domain_check, help_center.domain_cname = None, "", ""
    try:
        with db.database.atomic():
            help_center.save()
    except IntegrityError:  # the unique index: another workspace entered it first
        help_center.domain = None
        raise DomainError(_("“%(host)s” is already the domain of another help center. If it is yours, "
                            "remove it there first or ask us for help.", host=host)) from None
    audit.record("help_center.domain_added", now=now, workspace=help_center.workspace, actor=actor, domain=host)
    return help_center


def _release_stale_claim(host, workspace_id, now):
    """Free `host` from another workspace that entered it and never proved it within UNVERIFIED_CLAIM_DAYS."""
    (HelpCenter.update(domain=None, domain_token="", domain_added_at=None, domain_checked_at=None,
                       domain_check="", domain_cname="")
     .where(HelpCenter.domain == host, HelpCenter.workspace != workspace_id, HelpCenter.domain_verified_at.is_null(),
            HelpCenter.domain_added_at < now - timedelta(days=UNVERIFIED_CLAIM_DAYS))
     .execute())


def remove_domain(help_center, actor, *, now):
    host = help_center.domain
    if not host:
        return help_center
    if help_center.domain_verified_at:
        help_center.updated_at = now  # pages' canonical address moves back: new ETag
    help_center.domain, help_center.domain_token, help_center.domain_added_at = None, "", None
    help_center.domain_verified_at = help_center.domain_checked_at = None
    help_center.domain_check, help_center.domain_cname = "", ""
    help_center.save()
    audit.record("help_center.domain_removed", now=now, workspace=help_center.workspace, actor=actor, domain=host)
    return help_center


def check_dns(help_center, actor, *, resolver, now):
    """Look the records up with `resolver`; the first check that finds the token verifies the domain."""
    if not help_center.domain:
        raise DomainError(_("Enter a domain first."))
    found = lookup(help_center.domain, help_center.domain_token, resolver)
    newly_verified = found.outcome == VERIFIED and not help_center.domain_verified_at
    if newly_verified:
        help_center.domain_verified_at = help_center.updated_at = now  # pages' canonical address moves: new ETag
    help_center.domain_checked_at, help_center.domain_check, help_center.domain_cname = now, found.outcome, found.cname
    help_center.save()
    if newly_verified:
        audit.record("help_center.domain_verified", now=now, workspace=help_center.workspace, actor=actor,
                     domain=help_center.domain)
    return found


def lookup(host, token, resolver):
    """The TXT proof at `_helpdesk-verify.<host>` and the CNAME of `host`, asked of `resolver`."""
    try:
        answer = resolver.resolve(f"{TXT_PREFIX}.{host}", "TXT", lifetime=LOOKUP_SECONDS)
        values = {b"".join(record.strings).decode("ascii", "replace").strip().strip('"') for record in answer}
        outcome = VERIFIED if token in values else WRONG_TOKEN
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        outcome = NO_RECORD
    except dns.exception.Timeout:
        outcome = TIMEOUT
    except dns.exception.DNSException:  # no server answered, a refusal, a broken zone
        outcome = DNS_ERROR
    return DnsCheck(outcome, cname_of(host, resolver))


def cname_of(host, resolver):
    try:
        answer = resolver.resolve(host, "CNAME", lifetime=LOOKUP_SECONDS)
    except dns.exception.DNSException:
        return ""
    return next((record.target.to_text(omit_final_dot=True).lower() for record in answer), "")


def points_here(help_center):
    """Whether the last check found the host's CNAME on the service's target."""
    return help_center.domain_cname.rstrip(".") == cname_target()


def dns_resolver():
    """The resolver of the DNS check: the system's (resolv.conf), unless the app was given another."""
    given = current_app.extensions.get("dns_resolver")
    if given is not None:
        return given
    try:
        return dns.resolver.Resolver()
    except dns.exception.DNSException:  # no resolv.conf: every lookup fails as a DNS error
        return dns.resolver.Resolver(configure=False)


# --- links ---------------------------------------------------------------------------------------------


def public_url_of(workspace, endpoint, **values):
    """`public_url` for a workspace whose help-center row is not at hand (one query)."""
    help_center = HelpCenter.of(workspace).first() or HelpCenter(workspace=workspace)
    help_center.workspace = workspace
    return public_url(help_center, endpoint, **values)


def public_url(help_center, endpoint, **values):
    """An absolute link to a help-center page, safe to mail (whatever Host header came in): on the
    verified custom domain, else under BASE_URL's /h/<slug>/."""
    host = help_center.verified_domain
    if host is None:
        return external_url(endpoint, help_slug=help_center.workspace.slug, **values)
    scheme = urlsplit(current_app.config["BASE_URL"]).scheme
    adapter = current_app.extensions["custom_host_map"].bind(host, url_scheme=scheme)
    return adapter.build(endpoint, values, force_external=True)
