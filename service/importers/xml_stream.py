"""Streaming XML for the importers: memory stays bounded however long the file is, entity
declarations (the "billion laughs" bomb) and external references are refused, and every
element knows the line it started on, for error messages.

The parser is defusedxml's hardened expat parser feeding an ElementTree builder. Elements the
caller asks for are handed over when they end and removed from their parent afterwards, so a
100,000-comment file never holds more than one record (and its ancestors' small headers).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

from defusedxml import DefusedXmlException, EntitiesForbidden
from defusedxml.ElementTree import DefusedXMLParser

from service.importers.common import ImportFailure

CHUNK = 1 << 16


@lru_cache(maxsize=1024)  # a file uses a few dozen tag names, hundreds of thousands of times
def local(tag: str) -> str:
    """`{namespace}name` -> `name`."""
    return tag.rpartition("}")[2]


def children(elem: Element) -> dict[str, Element]:
    """An element's children by local name (the first of each name)."""
    found: dict[str, Element] = {}
    for child in elem:
        found.setdefault(local(child.tag), child)
    return found


def text_of(found: dict[str, Element], name: str) -> str:
    child = found.get(name)
    return (child.text or "").strip() if child is not None else ""


@dataclass(frozen=True)
class Ended:
    """A wanted element, complete, with its parent and the line its start tag was on."""

    name: str
    elem: Element
    parent: Element | None
    line: int


class _Target:
    """Builds the tree like TreeBuilder, and remembers each open element's start line."""

    def __init__(self, wanted: dict[str, int]) -> None:
        self.builder = TreeBuilder()
        self.wanted = wanted
        self.stack: list[tuple[Element, int]] = []
        self.ended: list[Ended] = []
        self.line: Callable[[], int] = lambda: 0

    def start(self, tag: str, attrs: dict) -> Element:
        elem = self.builder.start(tag, attrs)
        self.stack.append((elem, self.line()))
        return elem

    def end(self, tag: str) -> Element:
        elem = self.builder.end(tag)
        _, line = self.stack.pop()
        name = local(tag)
        if self.wanted.get(name) == len(self.stack):
            self.ended.append(Ended(name, elem, self.stack[-1][0] if self.stack else None, line))
        return elem

    def data(self, data: str) -> None:
        self.builder.data(data)

    def close(self) -> Element:
        return self.builder.close()


def iter_ended(path: str, wanted: dict[str, int],
               progress: Callable[[int], None] = lambda n: None) -> Iterator[Ended]:
    """Yield each element named in `wanted` (local name -> depth, the root being at depth 0),
    in document order of their ends; once the caller moves on, the element is dropped."""
    target = _Target(wanted)
    parser = DefusedXMLParser(target=target, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    expat = parser.parser
    target.line = lambda: expat.CurrentLineNumber
    try:
        with open(path, "rb") as stream:
            while chunk := stream.read(CHUNK):
                _feed(parser, expat, chunk)
                yield from _drain(target)
                progress(len(chunk))
        _feed(parser, expat, None)
        yield from _drain(target)
    except OSError as exc:
        raise ImportFailure(f"cannot read {path}: {exc.strerror or exc}") from None


def _feed(parser: DefusedXMLParser, expat, chunk: bytes | None) -> None:
    try:
        if chunk is None:
            parser.close()
        else:
            parser.feed(chunk)
    except ParseError as exc:
        line = exc.position[0] if getattr(exc, "position", None) else expat.CurrentLineNumber
        reason = str(exc).split(":")[0]
        raise ImportFailure(f"line {line}: the XML is malformed ({reason})") from None
    except EntitiesForbidden as exc:
        raise ImportFailure(f"line {expat.CurrentLineNumber}: the file declares the XML entity "
                            f"{exc.name!r}; entity declarations are refused (they can expand a small "
                            "file into gigabytes)") from None
    except DefusedXmlException as exc:
        raise ImportFailure(f"line {expat.CurrentLineNumber}: the file refers to an external "
                            f"resource, which imports refuse ({exc})") from None


def _drain(target: _Target) -> Iterator[Ended]:
    ended, target.ended = target.ended, []
    for item in ended:
        yield item
        if item.parent is not None:
            item.parent.remove(item.elem)
        item.elem.clear()
