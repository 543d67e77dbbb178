"""Blocks a moderator places on an author: an email, an email domain, an address, a name.

Values are stored normalized, in the form the rules compare them in: emails lowercased,
domains lowercased without a leading "@", names casefolded, addresses as the keyed hash the
service stores instead of IPs (a raw address typed by a moderator is hashed first).
"""

from __future__ import annotations

import ipaddress
import re
from datetime import datetime

import sqlalchemy as sa

from service.auth import Actor, require_site_access
from service.errors import NotFound, field_error
from service.extensions import db
from service.models import AdminEvent, Block, Site, utcnow
from service.moderation.sanitize import clean_text
from service.security import hash_ip
from service.services.moderation.decisions import forget_blocks
from service.services.moderation.moderation_actions import comment_for

KINDS = ("email", "domain", "ip", "name")
AUTHOR_KINDS = ("email", "ip", "name")
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$")
IP_HASH = re.compile(r"^[0-9a-f]{32,64}$")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}$")


def normalize_value(kind: str, value: str) -> str:
    if kind not in KINDS:
        raise field_error("kind", f"A block is on one of: {', '.join(KINDS)}.")
    raw = clean_text(value or "")
    if kind == "email":
        email = raw.lower()
        if len(email) > 254 or not EMAIL.match(email):
            raise field_error("value", "Enter an email address.")
        return email
    if kind == "domain":
        domain = raw.lower().lstrip("@").rstrip(".")
        try:
            domain = domain.encode("idna").decode("ascii") if domain else domain
        except UnicodeError:
            raise field_error("value", "Enter a domain such as example.com.") from None
        if not DOMAIN.match(domain):
            raise field_error("value", "Enter a domain such as example.com.")
        return domain
    if kind == "ip":
        try:
            return hash_ip(str(ipaddress.ip_address(raw)))
        except ValueError:
            pass
        if IP_HASH.match(raw.lower()):
            return raw.lower()
        raise field_error("value", "Enter an IP address, or the address hash shown on a comment.")
    name = raw.casefold()
    if not name or len(name) > 200:
        raise field_error("value", "Enter a name of 1 to 200 characters.")
    return name


def _check_expiry(expires_at: datetime | None) -> None:
    if expires_at is not None and expires_at <= utcnow():
        raise field_error("expires_at", "Choose a time in the future.")


def _add(actor: Actor, site_id: int, kind: str, value: str, expires_at, note, comment_id: int | None = None) -> Block:
    block = Block(site_id=site_id, kind=kind, value=value, expires_at=expires_at,
                  note=(clean_text(note)[:500] or None) if note else None, created_by=actor.moderator_id,
                  comment_id=comment_id)
    db.session.add(block)
    db.session.flush()
    _audit(actor, site_id, "block.added", block,
           expires=expires_at.strftime("%Y-%m-%d %H:%M UTC") if expires_at else "never", comment_id=comment_id)
    return block


def _audit(actor: Actor, site_id: int, action: str, block: Block, **detail) -> None:
    """The site's change log names the block by id and kind, not by what it blocks: an erasure
    of that address or name must not have to look for it in the log."""
    db.session.add(AdminEvent(site_id=site_id, moderator_id=actor.moderator_id, actor=actor.label, action=action,
                              detail={"id": block.id, "kind": block.kind, **detail}))


def create_block(actor: Actor, site: Site, kind: str, value: str, expires_at: datetime | None = None,
                 note: str | None = None) -> Block:
    require_site_access(actor, site.id)
    value = normalize_value(kind, value)
    _check_expiry(expires_at)
    block = _add(actor, site.id, kind, value, expires_at, note)
    db.session.commit()
    forget_blocks(site.id)
    return block


def block_author_of_comment(actor: Actor, comment_id: int, kinds=AUTHOR_KINDS, expires_at: datetime | None = None,
                            note: str | None = None) -> list[Block]:
    """Block what the comment tells about its author (email, address hash, name), in one go.
    Kinds the comment has nothing for (no email given) are skipped."""
    comment, site_id = comment_for(actor, comment_id)
    _check_expiry(expires_at)
    unknown = [k for k in kinds if k not in AUTHOR_KINDS]
    if unknown or not kinds:
        raise field_error("kinds", f"Block by any of: {', '.join(AUTHOR_KINDS)}.")
    values = {"email": comment.email, "ip": comment.ip_hash, "name": comment.author}
    note = note or f"Author of comment {comment.id}."
    blocks = []
    for kind in dict.fromkeys(kinds):
        if not values[kind]:
            continue
        # The stored address hash is already in the form the rules compare.
        value = values[kind].lower() if kind == "ip" else normalize_value(kind, values[kind])
        blocks.append(_add(actor, site_id, kind, value, expires_at, note, comment.id))
    db.session.commit()
    forget_blocks(site_id)
    return blocks


def list_blocks(site: Site, include_expired: bool = False) -> list[Block]:
    query = sa.select(Block).where(Block.site_id == site.id).order_by(Block.id.desc())
    if not include_expired:
        query = query.where(sa.or_(Block.expires_at.is_(None), Block.expires_at > utcnow()))
    return list(db.session.execute(query).scalars())


def delete_block(actor: Actor, site: Site, block_id: int) -> None:
    require_site_access(actor, site.id)
    block = db.session.get(Block, block_id)
    if block is None or block.site_id != site.id:
        raise NotFound(f"No block {block_id} on this site.")
    _audit(actor, site.id, "block.lifted", block)
    db.session.delete(block)
    db.session.commit()
    forget_blocks(site.id)
