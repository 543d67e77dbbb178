"""Reading one large JSON object a piece at a time.

Our export is one JSON object whose "articles" and "comments" arrays can hold hundreds of
thousands of items. `JsonObjectReader` walks the top-level object and hands back each array
item as it is decoded, so memory holds one item, not the file; other members are decoded
whole. Any layout a JSON tool may have reformatted the file into is accepted.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import TextIO

from service.importers.common import ImportFailure

CHUNK = 1 << 16
_DECODER = json.JSONDecoder()
_SPACE = " \t\r\n"


class JsonObjectReader:
    def __init__(self, stream: TextIO, progress: Callable[[int], None] = lambda n: None) -> None:
        self.stream = stream
        self.progress = progress
        self.buf = ""
        self.pos = 0
        self.lines_before = 1
        self.eof = False
        self.chunk = CHUNK

    def fail(self, message: str) -> ImportFailure:
        return ImportFailure(f"line {self.line()}: {message}")

    def line(self) -> int:
        return self.lines_before + self.buf.count("\n", 0, self.pos)

    def _fill(self) -> bool:
        if self.eof:
            return False
        try:
            chunk = self.stream.read(self.chunk)
        except UnicodeDecodeError:
            raise self.fail("the file is not UTF-8 text") from None
        if not chunk:
            self.eof = True
            return False
        self.progress(len(chunk))
        self.lines_before += self.buf.count("\n", 0, self.pos)
        self.buf = self.buf[self.pos:] + chunk
        self.pos = 0
        return True

    def peek(self) -> str:
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in _SPACE:
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def take(self, char: str, what: str) -> None:
        if self.peek() != char:
            found = self.peek() or "the end of the file"
            raise self.fail(f"expected {what}, found {found!r}")
        self.pos += 1

    def value(self):
        self.peek()
        while True:
            try:
                value, end = _DECODER.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self._fill():
                    self.chunk = min(self.chunk * 2, 1 << 24)  # a value larger than the buffer
                    continue
                self.pos = min(exc.pos, len(self.buf))
                raise self.fail(f"not valid JSON ({exc.msg})") from None
            except RecursionError:
                raise self.fail("the JSON is nested too deeply") from None
            if end == len(self.buf) and self._fill():
                continue  # a number may go on in the next chunk
            self.pos = end
            self.chunk = CHUNK
            return value

    def members(self) -> Iterator[str]:
        """Yield each member name of the top-level object; after each, the caller reads the
        value with `value()` or `items()`."""
        self.take("{", "a JSON object")
        if self.peek() == "}":
            self.pos += 1
            return
        while True:
            name = self.value()
            if not isinstance(name, str):
                raise self.fail("expected a member name")
            self.take(":", "':'")
            yield name
            if self.peek() == ",":
                self.pos += 1
                continue
            self.take("}", "',' or '}'")
            if self.peek():
                raise self.fail("unexpected data after the end of the object")
            return

    def items(self) -> Iterator[tuple[int, object]]:
        """Yield (line, item) for each item of the array that comes next."""
        self.take("[", "an array")
        if self.peek() == "]":
            self.pos += 1
            return
        while True:
            self.peek()
            line = self.line()
            yield line, self.value()
            if self.peek() == ",":
                self.pos += 1
                continue
            self.take("]", "',' or ']'")
            return
