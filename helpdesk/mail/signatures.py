"""Signatures under replies: the agent's own, then the mailbox's (the team's address, hours, links).

Both are plain text, added when the reply is built (`mail.send.build_reply`) to its text part and, escaped,
to its HTML part, so a changed signature applies to the replies sent from then on.
"""
from markupsafe import escape

from helpdesk.mail.models import Mailbox, Signature

MAX_SIGNATURE_CHARS = 2000
SEPARATOR = "-- "  # RFC 3676's signature separator: mail clients fold or strip what follows


class SignatureError(ValueError):
    """The signature was refused; the message says why."""


def signature_of(workspace, *, user=None, mailbox=None):
    """The stored text for the agent or the mailbox ("" when none)."""
    query = Signature.of(workspace).where(Signature.user == user if user else Signature.user.is_null(),
                                          Signature.mailbox == mailbox if mailbox else Signature.mailbox.is_null())
    row = query.first()
    return row.body if row else ""


def save_signature(workspace, body, *, user=None, mailbox=None):
    """Store the agent's (`user`) or the mailbox's signature; an empty text removes it."""
    if (user is None) == (mailbox is None):
        raise ValueError("a signature belongs to an agent or to a mailbox")
    if mailbox is not None and not Mailbox.of(workspace).where(Mailbox.id == mailbox).exists():
        raise LookupError(mailbox)
    body = "\n".join(line.rstrip() for line in (body or "").strip().splitlines())
    if len(body) > MAX_SIGNATURE_CHARS:
        raise SignatureError(f"A signature can be at most {MAX_SIGNATURE_CHARS} characters long.")
    match = (Signature.workspace == workspace) & (
        (Signature.user == user) if user else (Signature.mailbox == mailbox))
    Signature.delete().where(match).execute()
    if body:
        Signature.create(workspace=workspace, user=user, mailbox=mailbox, body=body)
    return body


def signatures_for(workspace_id, author_id, mailbox_id):
    """The texts added under a reply by `author_id` sent from `mailbox_id`: agent first (one query)."""
    wanted = Signature.user == author_id if author_id else None
    if mailbox_id:
        by_mailbox = Signature.mailbox == mailbox_id
        wanted = by_mailbox if wanted is None else (wanted | by_mailbox)
    if wanted is None:
        return []
    rows = list(Signature.of(workspace_id).where(wanted))
    return [r.body for r in sorted(rows, key=lambda r: r.user_id is None) if r.body]


def with_signatures(text, signatures):
    """The reply's text with its signatures under the RFC 3676 separator."""
    if not signatures:
        return text
    return f"{text}\n\n{SEPARATOR}\n" + "\n\n".join(signatures)


def html_with_signatures(text, signatures):
    """The same reply as HTML: the text kept as typed (line breaks), the signatures in a signature block."""
    html = f'<div style="white-space: pre-wrap">{escape(text)}</div>'
    if signatures:
        parts = "".join(f'<div style="white-space: pre-wrap">{escape(s)}</div>' for s in signatures)
        html += f'<div class="signature" style="color: #52606d; margin-top: 1em">{escape(SEPARATOR)}<br>{parts}</div>'
    return f"<!doctype html><html><body>{html}</body></html>"
