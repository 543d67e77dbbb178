"""Notification mail: plain-text messages built from an outbox payload, sent over SMTP.

Every link in these mails only shows a page: the queue item (the moderator acts there, with a
login and a CSRF token) or the unsubscribe confirmation (a POST form). Mail scanners follow
links, so no link may act on GET.
"""

from __future__ import annotations

import re
import smtplib
import ssl
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import formataddr, make_msgid
from urllib.parse import quote, urlsplit

from flask import current_app, render_template

from service.delivery import Result, describe

SMTP_TIMEOUT_SECONDS = 15
EXCERPT_CHARS = 600
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")
# Headers whose value a mail client parses as it stands: RFC 8058 needs List-Unsubscribe as a
# plain `<https://...>`, and the standard policy turns an unbreakable long line into RFC 2047
# encoded words, which no client reads as a URL.
_VERBATIM_HEADERS = frozenset({"list-unsubscribe", "list-unsubscribe-post"})
_MAX_LINE = 998  # RFC 5322's hard limit, CRLF excluded


class _MailPolicy(EmailPolicy):
    """The standard policy, except that the List-Unsubscribe headers are written unfolded."""

    def _verbatim(self, name: str, value) -> str | None:
        text = str(value)
        if name.lower() in _VERBATIM_HEADERS and text.isascii() and len(name) + 2 + len(text) <= _MAX_LINE:
            return f"{name}: {text}{self.linesep}"
        return None

    def fold(self, name, value):
        return self._verbatim(name, value) or super().fold(name, value)

    def fold_binary(self, name, value):
        line = self._verbatim(name, value)
        return line.encode("ascii") if line else super().fold_binary(name, value)


MAIL_POLICY = _MailPolicy()


def public_url() -> str:
    return (current_app.config.get("PUBLIC_URL") or "http://localhost:5000").rstrip("/")


def sender() -> str:
    configured = current_app.config.get("MAIL_FROM")
    if configured:
        return configured
    host = urlsplit(public_url()).hostname or "localhost"
    return formataddr(("Comments", f"comments@{host}"))


def header_text(text: str | None, limit: int = 120) -> str:
    """Reader-written text made safe for a header: one line, bounded."""
    flat = _CONTROL.sub(" ", text or "").strip()
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def excerpt(text: str | None) -> str:
    body = (text or "").strip()
    return body if len(body) <= EXCERPT_CHARS else body[:EXCERPT_CHARS].rstrip() + " […]"


_LINK = re.compile(r"(?i)(?:\b[a-z][a-z0-9+.-]*://|\bwww\.|\bmailto:)[^\s<>\"]*")
_DOTTED = re.compile(r"[\w-]+(?:\.[\w-]+)+")


def _defang(match: re.Match) -> str:
    text = match.group(0)
    last = text.rsplit(".", 1)[1]
    return text.replace(".", "[.]") if len(last) >= 2 and last.isalpha() else text


def unlinked(text: str | None) -> str:
    """Reader-written text with nothing a mail client would turn into a link: addresses become
    "[link]" and bare domain names lose their dots ("example[.]com"). Mail carries links only to
    the service and the site's own pages; the comment itself is one click away."""
    return _DOTTED.sub(_defang, _LINK.sub("[link]", text or ""))


def queue_url(comment_id: int) -> str:
    return f"{public_url()}/moderate/comments/{comment_id}"


def article_url(payload: dict) -> str:
    """The article's page when it is one of the site's (checked when queued), else its comments
    page on this service."""
    article = payload.get("article") or {}
    return payload.get("article_link") or (
        f"{public_url()}/embed/{quote(payload.get('site') or '', safe='')}"
        f"?article={quote(article.get('key') or '', safe='')}")


def build(event: str, payload: dict, recipient: str, unsubscribe_url: str | None = None,
          confirm_url: str | None = None) -> EmailMessage:
    """The message for one outbox mail. Raises ValueError for an event that has no mail."""
    article = payload.get("article") or {}
    site_name = header_text(payload.get("site_name") or payload.get("site"), 80)
    title = unlinked(header_text(article.get("title") or article.get("key"), 100))
    author = unlinked(header_text(payload.get("author"), 60))
    context = {"m": payload, "site_name": site_name, "article_title": title, "recipient": recipient,
               "author": author, "parent_author": unlinked(header_text(payload.get("parent_author"), 60)),
               "excerpt": unlinked(excerpt(payload.get("body_text"))),
               "reasons": [unlinked(r.get("message")) for r in payload.get("reasons") or [] if r.get("message")]}
    message = EmailMessage(policy=MAIL_POLICY)
    if event in ("comment.reply", "comment.thread"):
        if not unsubscribe_url:
            raise ValueError("Reader mail needs its unsubscribe link.")
        context.update(unsubscribe_url=unsubscribe_url, article_url=article_url(payload))
        # RFC 8058: mail clients offer "unsubscribe" and POST to this URL, without a browser.
        message["List-Unsubscribe"] = f"<{unsubscribe_url}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    if event == "comment.held":
        subject = f"[{site_name}] Held for review: a comment on \"{title}\""
        body = render_template("notifications/mail_held.txt", queue_url=queue_url(payload["id"]), **context)
    elif event == "comment.reported":
        subject = f"[{site_name}] Reported by readers: a comment on \"{title}\""
        body = render_template("notifications/mail_reported.txt", queue_url=queue_url(payload["id"]), **context)
    elif event == "comment.reply":
        subject = f"{author} replied to your comment on \"{title}\""
        body = render_template("notifications/mail_reply.txt", **context)
    elif event == "comment.thread":
        subject = f"[{site_name}] New comment by {author} on \"{title}\""
        body = render_template("notifications/mail_thread.txt", **context)
    elif event == "address.confirm":
        if not confirm_url:
            raise ValueError("A confirmation mail needs its link.")
        subject = f"[{site_name}] Confirm your address for comment notifications"
        body = render_template("notifications/mail_confirm.txt", confirm_url=confirm_url, **context)
    elif event == "digest":
        total = sum(s["pending"] + s["reported"] for s in payload.get("sites", []))
        subject = f"{total} comment{'s' if total != 1 else ''} waiting for review"
        body = render_template("notifications/mail_digest.txt", **context)
    else:
        raise ValueError(f"No mail for event {event!r}.")
    message["Subject"] = header_text(subject, 200)
    message["From"] = sender()
    message["To"] = recipient
    message["Message-ID"] = make_msgid(domain=urlsplit(public_url()).hostname or "localhost")
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies to this
    message.set_content(body)
    return message


def send(message: EmailMessage) -> Result:
    """Hand one message to the configured SMTP server."""
    config = current_app.config
    if not config.get("SMTP_HOST"):
        return Result(ok=False, error="SMTP_HOST is not set: mail cannot be sent.")
    try:
        with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            if config.get("SMTP_STARTTLS"):
                smtp.starttls(context=ssl.create_default_context())
            if config.get("SMTP_USER"):
                smtp.login(config["SMTP_USER"], config.get("SMTP_PASSWORD") or "")
            smtp.send_message(message)
    except smtplib.SMTPRecipientsRefused as exc:
        codes = [code for code, _ in exc.recipients.values()]
        return Result(ok=False, error=describe(exc), permanent=all(500 <= code < 600 for code in codes))
    except (smtplib.SMTPException, OSError, ValueError) as exc:
        return Result(ok=False, error=describe(exc))
    return Result(ok=True)
