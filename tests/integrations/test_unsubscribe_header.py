"""RFC 8058 one-click unsubscribe, as the bytes reach a real SMTP server: `List-Unsubscribe` is
a plain `<https://...>` on one line (never RFC 2047 encoded words, which no mail client reads
as a URL), beside `List-Unsubscribe-Post: List-Unsubscribe=One-Click`."""

from __future__ import annotations

import re

from service.extensions import db
from service.services.delivery import outbox
from tests.factories import make_comment, make_site
from tests.integrations.conftest import PUBLIC_URL
from tests.integrations.mail_helpers import confirm_address


def header_lines(raw: bytes) -> list[bytes]:
    """The header section's physical lines, as sent (CRLF line ends)."""
    head = raw.split(b"\r\n\r\n", 1)[0]
    return head.split(b"\r\n")


def test_list_unsubscribe_reaches_the_smtp_server_as_one_plain_line(mail_app, smtp):
    site = make_site("blog", name="Garden Blog")
    parent = make_comment(site, email="ann@example.com")
    parent.notify_replies = True
    db.session.commit()
    confirm_address(site, "ann@example.com")
    make_comment(site, parent=parent, author="Bob")
    assert outbox.drain().delivered == 1

    [mail] = smtp.received
    lines = header_lines(mail.raw)
    [unsubscribe] = [line for line in lines if line.lower().startswith(b"list-unsubscribe:")]
    assert re.fullmatch(rb"List-Unsubscribe: <" + re.escape(PUBLIC_URL.encode())
                        + rb"/notifications/unsubscribe\?token=[A-Za-z0-9_.\-]+>", unsubscribe), unsubscribe
    assert b"=?" not in unsubscribe
    following = lines[lines.index(unsubscribe) + 1]
    assert not following.startswith((b" ", b"\t")), "the header was folded onto a second line"
    assert b"List-Unsubscribe-Post: List-Unsubscribe=One-Click" in lines
    assert len(unsubscribe) <= 998
