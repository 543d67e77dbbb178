"""Turn what a reader typed into safe HTML, once, at write time.

The body is a markdown subset (paragraphs, emphasis, code, quotes, lists, links), rendered
with raw HTML disabled and then passed through a bleach allowlist as a second, independent
line of defence. Links: every http(s) URL with its scheme written out, whatever its host, and
bare domain names that end in a public suffix (see `domains`); every link gets
rel="nofollow ugc noopener". The link rules count what the stored HTML links to, so the rendered
body, the link count and the blocked domains always agree.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from functools import partial
from urllib.parse import urlsplit

import bleach
from bleach.linkifier import LinkifyFilter
from markdown_it import MarkdownIt

from .domains import is_domain_name

ALLOWED_TAGS = frozenset({"p", "br", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "a"})
ALLOWED_ATTRIBUTES = {"a": ["href", "rel"], "ol": ["start"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})
LINK_REL = "nofollow ugc noopener"

# Control characters other than tab and newline, and the bidi embedding/override/isolate
# controls that can make text read backwards beyond its own box.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]")
_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029\x85]+")
_HREF = re.compile(r'<a href="([^"]*)"')

# What the linkifier looks at. bleach's own pattern knows a fixed list of about 250 TLDs, even
# after a scheme, so https://web.dev/x stayed text and escaped the link rules. Here a written
# scheme makes a link of any host (a name, an IP address, localhost); a bare name is only a
# candidate, which `_set_rel` keeps when `is_domain_name` says it ends in a public suffix.
_LABEL = r"[^\W_](?:[^\W_]|-)*"
_PATH = r"""(?:[/?#][^\s<>"`{}|\\^]*)?"""
_URL_RE = re.compile(
    r"\(*(?:"
    r"(?<![\w@.+-])https?://(?:\[[0-9a-f:.]+\](?::[0-9]{1,5})?|[^\s/?#<>\"'`{}|\\^\[\]]+)" + _PATH
    + r"|(?<![\w@.+/:-])(?:" + _LABEL + r"\.)+(?:xn--[a-z0-9-]+|[^\W\d_]{2,})(?::[0-9]{1,5})?"
    r"(?![\w-]|\.[^\W_])" + _PATH
    + r")",
    re.IGNORECASE,
)
_SCHEME = re.compile(r"https?://", re.IGNORECASE)
_HOST_END = re.compile(r"[/?#:]")


def _markdown() -> MarkdownIt:
    md = MarkdownIt("zero", {"html": False, "breaks": True, "maxNesting": 20})
    md.enable(["paragraph", "blockquote", "list", "code", "fence", "emphasis", "backticks", "link",
               "newline", "escape", "autolink"])
    return md


_MD = _markdown()


def _is_bare_domain(text: str) -> bool:
    host = _HOST_END.split(text, 1)[0]
    suffix = host.rpartition(".")[2]
    # "there.It was": a capitalised suffix after a missing space ends a sentence, it is not a TLD.
    if suffix[:1].isupper() and not suffix.isupper():
        return False
    return is_domain_name(host)


def _set_rel(attrs: dict, new: bool = False) -> dict | None:
    href_key = (None, "href")
    href = attrs.get(href_key, "")
    if not safe_link(href):
        return None  # drops the <a>, keeps its text
    if new and not _SCHEME.match(attrs.get("_text", "")) and not _is_bare_domain(attrs.get("_text", "")):
        return None  # "3.10", "1.it", "notes.txt": not a domain name, stays text
    attrs[(None, "rel")] = LINK_REL
    return attrs


_CLEANER = bleach.Cleaner(
    tags=ALLOWED_TAGS,
    attributes=ALLOWED_ATTRIBUTES,
    protocols=ALLOWED_PROTOCOLS,
    strip=True,
    strip_comments=True,
    filters=[partial(LinkifyFilter, callbacks=[_set_rel], skip_tags={"pre", "code"}, parse_email=False,
                     url_re=_URL_RE)],
)


@dataclass(frozen=True)
class RenderedBody:
    html: str
    links: tuple[str, ...]


def clean_text(value: str, *, multiline: bool = False) -> str:
    """Drop control characters (and, for one-line fields, line breaks); NFC-normalize."""
    value = unicodedata.normalize("NFC", value)
    value = value.replace("\r\n", "\n")
    if not multiline:
        value = _LINE_BREAKS.sub(" ", value)
    return _CONTROL.sub("", value).strip()


# Plain prose: letters, digits, spaces and punctuation that neither markdown, HTML nor the
# linkifier reacts to. A dot followed by a letter could start a domain name (which would become
# a link), so dots are allowed only before a space, a newline, another dot or the end.
# Emphasis of whole words, `*like this*`, opens after a space, a line start or "(" and closes before
# a space, punctuation or the end: markdown then always reads it as <em> and nothing else.
_EMPHASIS = r"\*([^\W_]+(?: [^\W_]+)*)\*"
_PLAIN = re.compile(r"(?:[^\W_]|[ ,;:!?'()\n-]|\.(?=[ \n.]|\Z)"
                    r"|(?<![^\s(])" + _EMPHASIS + r"(?=[\s,;:!?')]|\.(?=[ \n.]|\Z)|\Z))*\Z")
_EMPHASIS_RE = re.compile(_EMPHASIS)
# Lines starting with a space, a dash or a digit may be code blocks or list items.
_RISKY_LINE = re.compile(r"(?:^|\n)[ 0-9-]|[ ]\n|[ ]\Z")
_PARAGRAPHS = re.compile(r"\n{2,}")


def plain_html(text: str) -> str | None:
    """What the full renderer gives for `text` (already through `clean_text`) when the text is
    plain prose, perhaps with a few emphasised words, built directly; None when only the full
    renderer can tell. Most comments are plain prose, and markdown plus bleach cost about a
    millisecond each."""
    if not _PLAIN.match(text) or _RISKY_LINE.search(text):
        return None
    if "*" in text:
        text = _EMPHASIS_RE.sub(r"<em>\1</em>", text)
    return "\n".join("<p>" + para.replace("\n", "<br>\n") + "</p>" for para in _PARAGRAPHS.split(text) if para)


def render_full(body: str) -> RenderedBody:
    """Markdown subset -> sanitized HTML, plus every URL it links to (for the link rules)."""
    rendered = _MD.render(clean_text(body, multiline=True))
    safe = _CLEANER.clean(rendered).strip()
    links = tuple(html.unescape(href) for href in _HREF.findall(safe))
    return RenderedBody(html=safe, links=links)


def render_body(body: str) -> RenderedBody:
    """The stored form of a comment body: plain prose directly, everything else in full.
    A property test holds the two to the same output."""
    plain = plain_html(clean_text(body, multiline=True))
    return RenderedBody(html=plain, links=()) if plain is not None else render_full(body)


def safe_link(url: str) -> bool:
    """Only http(s) and mailto links survive; anything else (javascript:, data:...) is dropped."""
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    if parts.scheme.lower() in ("http", "https"):
        return bool(parts.netloc)
    return parts.scheme.lower() == "mailto"


def clean_website(url: str) -> str | None:
    """A reader's website: an absolute http(s) URL or nothing."""
    url = clean_text(url)
    if not url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return url
