"""Imported HTML back to what a reader would have typed: the markdown subset the service stores
as `body` (paragraphs, line breaks, emphasis, code, quotes, lists, links).

Only structure survives: scripts and styles vanish with their content, unknown tags keep their
text, links other than http(s)/mailto keep their text and lose the link. The result is still
rendered and sanitized by `render_body` like any submission, so nothing here is trusted.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from service.moderation.sanitize import safe_link

_BLOCK = {"p", "div", "section", "article", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "hr"}
_DROP = {"script", "style", "template", "iframe", "object", "noscript", "textarea", "select", "head", "title"}
_WRAP = {"em": "*", "i": "*", "strong": "**", "b": "**", "code": "`"}
_FRAMED = {"a", "blockquote", "pre", "li", "em", "i", "strong", "b", "code"}
_SPACES = re.compile(r"[ \t\r\f\v]+")
_ALL_SPACE = re.compile(r"\s+")
_AROUND_NEWLINE = re.compile(r" *\n *")
_MANY_NEWLINES = re.compile(r"\n{3,}")
_BLOCK_REF = re.compile("\x00([0-9]+)\x00")


class _Converter(HTMLParser):
    def __init__(self, newlines_are_breaks: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.newlines_are_breaks = newlines_are_breaks
        self.frames: list[tuple[str, dict, list[str]]] = [("", {}, [])]
        self.dropping = 0
        self.pre = 0
        self.ordinals: list[int | None] = []
        self.blocks: list[str] = []

    def emit(self, text: str) -> None:
        self.frames[-1][2].append(text)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _DROP:
            self.dropping += 1
        elif self.dropping:
            return
        elif tag == "br":
            self.emit("\n")
        elif tag in _BLOCK:
            self.emit("\n\n")
        elif tag in ("ul", "ol"):
            self.ordinals.append(1 if tag == "ol" else None)
            self.emit("\n\n")
        elif tag in _FRAMED:
            if tag == "pre":
                self.pre += 1
            self.frames.append((tag, dict(attrs), []))

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        if tag == "br" and not self.dropping:
            self.emit("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _DROP:
            self.dropping = max(0, self.dropping - 1)
        elif self.dropping:
            return
        elif tag in _BLOCK:
            self.emit("\n\n")
        elif tag in ("ul", "ol"):
            if self.ordinals:
                self.ordinals.pop()
            self.emit("\n\n")
        elif tag in _FRAMED and any(frame[0] == tag for frame in self.frames[1:]):
            while True:  # close whatever was left open inside, as browsers do
                name, attrs, parts = self.frames.pop()
                self.emit(self._finish(name, attrs, "".join(parts)))
                if name == tag:
                    break

    def handle_data(self, data: str) -> None:
        if self.dropping:
            return
        if self.pre:
            self.emit(data)
        elif self.newlines_are_breaks:
            self.emit(_SPACES.sub(" ", data))
        else:
            self.emit(_ALL_SPACE.sub(" ", data))

    def _finish(self, name: str, attrs: dict, text: str) -> str:
        if name == "pre":
            self.pre -= 1
            # Kept aside so that tidying whitespace cannot touch the code's indentation.
            self.blocks.append("```\n" + text.strip("\n") + "\n```")
            return f"\n\n\x00{len(self.blocks) - 1}\x00\n\n"
        if name == "a":
            return _link(text, (attrs.get("href") or "").strip())
        if name == "blockquote":
            lines = _tidy(text).split("\n")
            return "\n\n" + "\n".join(f"> {line}".rstrip() for line in lines) + "\n\n"
        if name == "li":
            ordinal = self.ordinals[-1] if self.ordinals else None
            marker = "-"
            if ordinal is not None:
                marker = f"{ordinal}."
                self.ordinals[-1] = ordinal + 1
            body = _tidy(text).replace("\n", "\n   ")
            return f"{marker} {body}\n"
        stripped = text.strip()
        if not stripped:
            return text
        if self.pre:
            return text
        mark = _WRAP[name]
        # Markers must touch the words they wrap, or markdown leaves them as literal stars.
        lead = " " if text[:1].isspace() else ""
        trail = " " if text[-1:].isspace() else ""
        return f"{lead}{mark}{stripped}{mark}{trail}"

    def result(self) -> str:
        while len(self.frames) > 1:
            name, attrs, parts = self.frames.pop()
            self.emit(self._finish(name, attrs, "".join(parts)))
        text = _tidy("".join(self.frames[0][2]))
        return _BLOCK_REF.sub(lambda m: self.blocks[int(m.group(1))], text) if self.blocks else text


def _link(text: str, href: str) -> str:
    label = _ALL_SPACE.sub(" ", text).strip()
    if not href or not safe_link(href):
        return text
    if not label or label == href:
        return href if safe_link(href) and href.lower().startswith(("http://", "https://")) else label
    url = href.replace(" ", "%20").replace("(", "%28").replace(")", "%29")
    label = label.replace("[", "(").replace("]", ")")
    return f"[{label}]({url})"


def _tidy(text: str) -> str:
    text = _AROUND_NEWLINE.sub("\n", text)
    return _MANY_NEWLINES.sub("\n\n", text).strip()


def html_to_text(html: str, *, newlines_are_breaks: bool = False) -> str:
    """The markdown-subset text of an HTML fragment. With `newlines_are_breaks` (WordPress,
    which stores text with newlines and adds <p> and <br> only when showing it), a newline in
    the text is a line break; otherwise it is just a space, as in HTML."""
    if "<" not in html and "&" not in html:
        text = html.replace("\r\n", "\n")
        text = _SPACES.sub(" ", text) if newlines_are_breaks else _ALL_SPACE.sub(" ", text)
        return _tidy(text)
    converter = _Converter(newlines_are_breaks)
    converter.feed(html.replace("\r\n", "\n").replace("\x00", ""))
    converter.close()
    return converter.result()
