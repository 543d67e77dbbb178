"""The learned spam filter's features: one function, run alike when a model is trained and when a
submission is scored, so the two can never disagree about what a comment looks like.

A feature is a short string naming one observation, so that a reason can show the few that
weighed most: `w:check out` (a word or two-word phrase), ` sub` or `k out` (a piece of the
text, within a word or across the space between two: the only features without a colon, so that
the hundreds of them a comment has are plain slices of its text),
`host:bit.ly` and `tld:xyz` (where links point), `site:` and `stld:` (the website field),
`mail:` (the e-mail domain), `n:` (a word of the author's name), `name:digits`,
`website:person`, `website:phrase` and `website:handle` (whose name the website field comes
under), `website:sells` (its address or that name names a trade spam sells), `nlinks:2`,
`has:phone`, `has:email`, `has:website`, `handle:telegram`, `style:caps`, `style:repeat`, `len:4`.

A link to the page the comment is on is not a link: readers quote the article's own address
("Roar (Official): https://youtu.be/...") and it says nothing about spam, while every other link
weighs heavily. Nor is a link to a host only public institutions can register (.gov, .edu,
gov.uk, ac.jp...): it promotes no one, and readers cite them as they cite the article (a tax
page, a trail closure). Nor is a link to a domain the site trusts: its own origins (a reader
pointing to another article of the blog) and its policy's `trusted_domains`. All are left out
of the text and the links before anything is counted. A website field on a trusted domain (a
reader's profile on a forge the site names) is no website either.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from .contact import find_contact_details
from .policy import domain_key, listed_domain
from .text import WordMatcher, capitals_share, tokenize

# 2: links to the comment's own page are left out; 3: pieces across words, kinds renamed;
# 4: pieces of 3-4 characters within a word and 5-6 across (were 3-5 and 4-6); 5: links to
# public institutions left out; 6: whether a website comes under a person's given name; 7: whether
# a website names a trade spam sells.
FEATURE_VERSION = 7
MAX_TEXT = 2000  # characters of the body that are read: spam says what it wants early
CHAR_SIZES = (3, 4)  # within a word
# Pieces that cross a space ("k out", "my cha") catch phrases whatever their spelling and
# spacing; shorter ones ("y b") only add noise, longer ones cost more than they add. Measured
# across videos on the corpus (eval/RESULTS.md): these sizes hold as much spam as 3-5 within
# and 4-6 across did, with fewer legitimate comments held and a fifth fewer pieces to build and
# look up per comment.
CROSS_SIZES = (5, 6)


def _piece_pattern(size: int) -> re.Pattern:
    """Every piece of `size` characters of a text of words joined by single spaces, overlapping
    (the match is empty; the piece is the lookahead's group): within a word when the size is only
    in CHAR_SIZES (no space inside the piece, only at its ends), across words when it is only in
    CROSS_SIZES (a space inside), any piece when it is in both. One C scan per size instead of a
    Python slice per position: scoring a submission is on the posting path."""
    inside = size - 2
    if size in CHAR_SIZES and size in CROSS_SIZES:
        return re.compile(f"(?=(.{{{size}}}))", re.DOTALL)
    if size in CHAR_SIZES:
        return re.compile(f"(?=(.[^ ]{{{inside}}}.))", re.DOTALL)
    return re.compile(f"(?=(.(?=.{{0,{inside - 1}}} ).{{{size - 1}}}))", re.DOTALL)


_PIECES = tuple(_piece_pattern(size) for size in sorted({*CHAR_SIZES, *CROSS_SIZES}))
_WORD = re.compile(r"[^\W_]+")
# Links a reader typed without markdown, and bare domains ("murdev.com"): the sanitizer links
# only some of them, and a host is worth the same to the model however it was written.
_URLISH = re.compile(r"(?:https?://|www\.)[^\s<>\"')\]]+|\b(?:[a-z0-9-]{2,63}\.)+[a-z]{2,12}(?:/[^\s<>\"')\]]*)?",
                     re.IGNORECASE)
# Every match of _URLISH holds one of these: a cheap search that spares most comments the two
# scans for addresses.
_ADDRESS_HINT = re.compile(r"://|www\.|[a-z0-9-]\.[a-z]", re.IGNORECASE)
# Any character four times in a row: a cheap scan that spares most comments the two below.
_RUN_OF_FOUR = re.compile(r"(.)\1\1\1", re.DOTALL)
_REPEAT = re.compile(r"([^\W\d_])\1{3,}")
_FLOOD = re.compile(r"(\S)\1{11,}")
_EXCLAIM = re.compile(r"[!?]{3,}")
_SECOND_LEVEL = frozenset({"co", "com", "net", "org", "ac", "gov", "edu", "ne", "or", "go"})
_NOT_HOSTS = frozenset({"e.g", "i.e", "a.m", "p.m"})
# Registration under these is restricted to governments, universities and treaty organisations:
# .gov, .edu, .mil, .int, and the second-level names countries keep for the same (gov.uk, gob.mx,
# gouv.fr, go.jp, ac.uk, edu.au, govt.nz, gv.at).
_INSTITUTION_TLDS = frozenset({"gov", "edu", "mil", "int"})
_INSTITUTION_SECOND_LEVEL = frozenset({"gov", "edu", "mil", "ac", "gob", "gouv", "govt", "go", "gv"})
_GOVERNMENT_PORTALS = frozenset({"gov", "gob", "gouv", "govt"})
CAPS_MIN_LETTERS = 20
CAPS_SHARE = 0.7


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold()


def registrable(host: str) -> str:
    """The part of a host name someone registered: bit.ly, example.co.uk (a close guess that
    needs no suffix list: the model only needs the same answer every time)."""
    labels = [label for label in host.lower().strip(".").split(".") if label]
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


def url_host(url: str) -> str | None:
    url = url.strip()
    if url.lower().startswith("mailto:"):
        return None
    if "://" not in url:
        url = "//" + url
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host or "." not in host or host in _NOT_HOSTS:
        return None
    return host.removeprefix("www.")


def is_institution(host: str) -> bool:
    """Whether `host` is under a name only a public institution can register."""
    labels = host.lower().strip(".").split(".")
    if len(labels) < 2:
        return False
    if labels[-1] in _INSTITUTION_TLDS:
        return True
    if len(labels[-1]) != 2 or labels[-2] not in _INSTITUTION_SECOND_LEVEL:
        return False
    # gov.uk and gob.mx are governments' own portals; go.to or ac.me alone are ordinary names.
    return len(labels) >= 3 or labels[-2] in _GOVERNMENT_PORTALS


def page_key(url: str | None) -> str | None:
    """What makes an address one page: host (without www.), path and query, in any case; the
    scheme, a trailing slash and the fragment do not count."""
    if not url:
        return None
    url = url.strip()
    if "://" not in url:
        url = "//" + url
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    key = host.removeprefix("www.") + parts.path.rstrip("/")
    return _fold(f"{key}?{parts.query}" if parts.query else key)


def _not_a_link(url: str, page: str | None, trusted: frozenset[str]) -> bool:
    """Whether a link counts for nothing: it points to the comment's own page (`page`, a
    `page_key`), to a public institution, or to a domain the site trusts."""
    if page is not None and page_key(url) == page:
        return True
    host = url_host(url)
    if host is None:
        return False
    return is_institution(host) or _trusted_host(host, trusted)


def _trusted_host(host: str, trusted: frozenset[str]) -> bool:
    return bool(trusted) and listed_domain(domain_key(host), trusted) is not None


def _without_unlinked(text: str, links, page: str | None, trusted: frozenset[str]) -> tuple[str, tuple[str, ...]]:
    """The text and links with every link that counts for nothing taken out."""
    links = tuple(url for url in links if not _not_a_link(url, page, trusted))
    if _ADDRESS_HINT.search(text):
        text = _URLISH.sub(lambda m: " " if _not_a_link(m.group(), page, trusted) else m.group(), text)
    return text, links


def without_page_links(text: str, page_url: str | None) -> str:
    """`text` without the addresses of the page it is on (`page_url`), typed or linked."""
    page = page_key(page_url)
    if page is None or not _ADDRESS_HINT.search(text):
        return text
    return _URLISH.sub(lambda m: "" if page_key(m.group()) == page else m.group(), text)


def link_hosts(body: str, links: tuple[str, ...] | list[str] = ()) -> list[str]:
    """Hosts of the rendered body's links and of the URLs and domains typed in its text, in order."""
    hosts: list[str] = []
    typed = _URLISH.findall(body[:MAX_TEXT]) if _ADDRESS_HINT.search(body, 0, MAX_TEXT) else []
    for url in (*links, *typed):
        host = url_host(url)
        if host and not host.replace(".", "").isdigit() and host not in hosts:
            hosts.append(host)
    return hosts


@cache
def given_names() -> tuple[frozenset[str], frozenset[str]]:
    """Common given names of many languages (`given_names.txt`, casefolded): (those that count
    wherever they stand in a name, those that count only as its first word). A blog spammer signs
    the website field with the words it wants linked ("Cheap Flights Deals"), a reader with their
    name."""
    anywhere: set[str] = set()
    first_only: set[str] = set()
    section = anywhere
    for line in Path(__file__).with_name("given_names.txt").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line == "[first word only]":
            section = first_only
        elif line and not line.startswith("#"):
            section.add(_fold(line))
    return frozenset(anywhere), frozenset(first_only)


def _website_signature(name_words: list[str]) -> str:
    """Whose name a website comes under: a person's (a word of it, not an initial, is a given
    name: "Helen K.", "Tanaka Hiroshi"; or its first word is one that is also a common word:
    "Will Turner" but not "Plumber Austin"), a phrase of other words ("best seo company"), or one
    other word (a handle)."""
    words = [w for w in name_words if len(w) > 1]
    anywhere, first_only = given_names()
    if words and (words[0] in first_only or not anywhere.isdisjoint(words)):
        return "website:person"
    return "website:phrase" if len(words) > 1 else "website:handle"


@cache
def trade_words() -> WordMatcher:
    """What comment spam sells (`spam_trades.txt`): pills, casinos, loans, essays, backlinks..."""
    lines = Path(__file__).with_name("spam_trades.txt").read_text(encoding="utf-8").splitlines()
    return WordMatcher(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _trades_named(site_host: str, name_words: list[str], signature: str) -> list[str]:
    """The trades spam sells that a website's address names, or else the name it comes under when
    that is no person's. A person's name is not read: some given names are trade words in another
    language (Judi is gambling in Indonesian), so the list leaves those out and names stay unread."""
    matcher = trade_words()
    found = matcher.find(tokenize(_unicode_host(site_host)))
    if not found and signature != "website:person":
        found = matcher.find(tokenize(" ".join(name_words)))
    return found


def _unicode_host(host: str) -> str:
    """`host` with its punycode labels (xn--...) as the letters they stand for: займ.example."""
    if "xn--" not in host:
        return host
    labels = []
    for label in host.split("."):
        try:
            labels.append(label.encode("ascii").decode("idna") if label.startswith("xn--") else label)
        except UnicodeError:
            labels.append(label)
    return ".".join(labels)


def website_trades(website: str | None, author: str, trusted: frozenset[str] = frozenset()) -> list[str]:
    """What a comment's website names of the trades spam sells ("cheap-viagra.example", or "Best
    Casino Bonus" as the name it comes under); nothing for a website on a trusted domain."""
    site_host = url_host(website) if website else None
    if not site_host or _trusted_host(site_host, trusted):
        return []
    name_words = _words(_fold(author))
    return _trades_named(site_host, name_words, _website_signature(name_words))


def _bucket(n: int) -> int:
    return n.bit_length()  # 0, 1, 2-3, 4-7, 8-15...


def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _word_features(words: list[str], prefix: str) -> list[str]:
    feats = [prefix + w for w in words]
    feats.extend(f"{prefix}{a} {b}" for a, b in zip(words, words[1:]))
    return feats


def _piece_features(words: list[str]) -> list[str]:
    """Pieces of the words joined by single spaces: of CHAR_SIZES characters within a word
    (" ch", "chec", "eck "), and of CROSS_SIZES with a space inside, not only at an end
    ("k out", "ck out")."""
    text = " " + " ".join(words) + " "
    feats = []
    for pattern in _PIECES:
        feats += pattern.findall(text)
    return feats


def _host_features(hosts: list[str], prefix: str, tld_prefix: str) -> list[str]:
    feats = []
    for host in hosts:
        feats.append(prefix + registrable(host))
        feats.append(tld_prefix + host.rpartition(".")[2])
    return feats


def _style_features(body: str) -> list[str]:
    feats = []
    letters, share = capitals_share(body)
    if letters >= CAPS_MIN_LETTERS and share >= CAPS_SHARE:
        feats.append("style:caps")
    elif letters >= CAPS_MIN_LETTERS and share >= 0.3:
        feats.append("style:some_caps")
    if _RUN_OF_FOUR.search(body):
        if _REPEAT.search(body):
            feats.append("style:repeat")
        if _FLOOD.search(body):
            feats.append("style:flood")
    if _EXCLAIM.search(body):
        feats.append("style:exclaim")
    return feats


def spam_features(body: str, author: str = "", website: str | None = None, email: str | None = None,
                  links: tuple[str, ...] | list[str] = (), page_url: str | None = None,
                  trusted: frozenset[str] = frozenset()) -> frozenset[str]:
    """Every feature of one comment, each once (a feature is there or not). `page_url` is the
    address of the page the comment is on (its article's URL), when known; `trusted` the domains
    the site trusts (its own origins and its policy's `trusted_domains`)."""
    body = body[:MAX_TEXT]
    folded, links = _without_unlinked(_fold(body), links, page_key(page_url), trusted)
    words = _words(folded)
    feats = _word_features(words, "w:")
    feats.extend(_piece_features(words))
    feats.append(f"len:{_bucket(len(words))}")

    hosts = link_hosts(folded, links)
    feats.append(f"nlinks:{min(len(hosts), 3)}")
    feats.extend(_host_features(hosts, "host:", "tld:"))

    name_words = _words(_fold(author))
    site_host = url_host(website) if website else None
    if site_host and _trusted_host(site_host, trusted):
        site_host = None  # a profile on a host the site trusts (its own, a forge it names) is no website
    if site_host:
        signature = _website_signature(name_words)
        feats.append("has:website")
        feats.append(signature)
        if _trades_named(site_host, name_words, signature):
            feats.append("website:sells")
        feats.extend(_host_features([site_host], "site:", "stld:"))
        if hosts and registrable(site_host) in {registrable(h) for h in hosts}:
            feats.append("has:own_link")
    if email and "@" in email:
        domain = _fold(email.rpartition("@")[2]).strip(".")
        if domain:
            feats.append("mail:" + registrable(domain))

    feats.extend("n:" + w for w in name_words)
    if any(ch.isdigit() for ch in author):
        feats.append("name:digits")
    if url_host(author) and "." in author.strip(". "):
        feats.append("name:domain")

    contact = find_contact_details(body)
    if contact.phones:
        feats.append("has:phone")
    if contact.emails:
        feats.append("has:email")
    feats.extend("handle:" + name for name in contact.handles)
    feats.extend(_style_features(body))
    return frozenset(feats)


def is_piece(feature: str) -> bool:
    return ":" not in feature


_NAMED = {
    "has:website": "a website", "has:own_link": "a link to its own website",
    "website:person": "a website under a person's name", "website:phrase": "a website under a phrase",
    "website:handle": "a website under a handle", "website:sells": "a website that names what spam sells",
    "has:phone": "a phone number",
    "has:email": "an e-mail address in the text", "name:digits": "digits in the name",
    "name:domain": "a domain as the name", "style:caps": "capitals", "style:some_caps": "many capitals",
    "style:repeat": "repeated letters", "style:flood": "a character flood", "style:exclaim": "!!!",
}


def describe(feature: str) -> str:
    """How a feature reads in a moderator's reason."""
    if is_piece(feature):
        return f"'{feature.strip()}…'" if feature.strip() else "word pieces"
    kind, _, value = feature.partition(":")
    match kind:
        case "w":
            return f"'{value}'"
        case "host":
            return f"a link to {value}"
        case "tld":
            return f"a link to .{value}"
        case "site":
            return f"website {value}"
        case "stld":
            return f"a website on .{value}"
        case "mail":
            return f"e-mail at {value}"
        case "n":
            return f"the name '{value}'"
        case "nlinks":  # links to how many sites (3: three or more)
            return {"0": "no links", "1": "a link", "2": "links to two sites"}.get(value, "links to three or more sites")
        case "handle":
            return f"a {value} contact"
        case "len":
            return "its length"
    return _NAMED.get(feature, feature)
