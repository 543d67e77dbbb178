"""Text in its matching form, and a word/phrase matcher that survives common evasions.

`normalize` turns text into the form rules compare: compatibility forms folded (NFKD),
look-alike letters mapped to Latin, case folded, accents and invisible characters dropped,
leetspeak inside words read as letters. `WordMatcher` compiles a word list once; a call
normalizes the text once, splits it into tokens and looks them up in dicts, so its cost
depends on the length of the text, not on the number of configured words.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass


def _code_points(*ranges: tuple[int, int]) -> Iterable[int]:
    for start, stop in ranges:
        yield from range(start, stop)


def _char_class(code_points: Iterable[int]) -> str:
    """A regex character class body (without brackets) for a set of code points, as ranges."""
    points = sorted(code_points)
    parts, i = [], 0
    while i < len(points):
        j = i
        while j + 1 < len(points) and points[j + 1] == points[j] + 1:
            j += 1
        parts.append(re.escape(chr(points[i])) + ("-" + re.escape(chr(points[j])) if j > i else ""))
        i = j + 1
    return "".join(parts)


def _build_tables() -> tuple[str, str, str]:
    """Scan the Unicode database once for marks, invisible characters and capital letters."""
    marks, invisible, upper = [], [], []
    for cp in _code_points((0, 0x20000), (0xE0000, 0xE01F0)):
        category = unicodedata.category(chr(cp))
        if category in ("Mn", "Me"):
            marks.append(cp)
        elif category == "Cf" or (category == "Cc" and chr(cp) not in "\t\n\r\f\v\x1c\x1d\x1e\x1f\x85"):
            invisible.append(cp)
        elif category == "Lu" or category == "Lt":
            upper.append(cp)
    # Hangul fillers and the braille blank render as nothing or as blank space inside a word.
    invisible += [0x115F, 0x1160, 0x3164, 0xFFA0]
    return _char_class(marks), _char_class(invisible), _char_class(upper)


_MARKS_CLASS, _INVISIBLE_CLASS, _UPPER_CLASS = _build_tables()
_MARKS = re.compile(f"[{_MARKS_CLASS}]+")
_INVISIBLE = re.compile(f"[{_INVISIBLE_CLASS}]+")
_UPPER = re.compile(f"[{_UPPER_CLASS}]+")

# Look-alike letters mapped to the Latin letter they imitate. Applied before case folding,
# because Cyrillic Н looks like H while its lower case н reads as h only in small caps.
_CONFUSABLE_PAIRS = {
    # Cyrillic
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C",
    "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "І": "I", "Ј": "J", "Ӏ": "I", "Ԛ": "Q", "Ԝ": "W",
    "Ү": "Y", "Һ": "H", "Ԁ": "D", "Ь": "b", "Г": "r",
    "а": "a", "в": "b", "е": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c",
    "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ј": "j", "ӏ": "l", "ԛ": "q", "ԝ": "w",
    "ү": "y", "һ": "h", "ԁ": "d", "ь": "b", "г": "r", "п": "n", "ѡ": "w", "ѵ": "v",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "Ϲ": "C",
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "u", "ν": "v",
    "ο": "o", "ρ": "p", "σ": "o", "ς": "s", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϲ": "c",
    "ϳ": "j", "ϱ": "p",
    # Latin letters that have no decomposition, and small capitals
    "ı": "i", "ȷ": "j", "ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "Đ": "D", "ħ": "h",
    "Ħ": "H", "ŧ": "t", "Ŧ": "T", "ƀ": "b", "ɨ": "i", "ƒ": "f", "ɑ": "a", "ɡ": "g", "ɩ": "i",
    "ɵ": "o", "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE",
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ꜰ": "f", "ɢ": "g", "ʜ": "h", "ɪ": "i",
    "ᴊ": "j", "ᴋ": "k", "ʟ": "l", "ᴍ": "m", "ɴ": "n", "ᴏ": "o", "ᴘ": "p", "ʀ": "r", "ꜱ": "s",
    "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w", "ʏ": "y", "ᴢ": "z",
}
for _i in range(26):
    # Negative circled and squared letters, regional indicator symbols: NFKD leaves them alone.
    for _base in (0x1F150, 0x1F170, 0x1F1E6):
        _CONFUSABLE_PAIRS[chr(_base + _i)] = chr(ord("a") + _i)
_CONFUSABLES = str.maketrans(_CONFUSABLE_PAIRS)
_HAS_CONFUSABLE = re.compile(f"[{_char_class(map(ord, _CONFUSABLE_PAIRS))}]")

# Leetspeak, read only inside a word that also has letters ("c4s1n0"), so numbers stay numbers.
_LEET = str.maketrans({
    "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "6": "g", "7": "t", "8": "b", "9": "g",
    "@": "a", "$": "s", "!": "i", "|": "l", "€": "e", "¢": "c",
})
_LEET_WORD = re.compile(r"(?<![^\W_])(?<![@$!|€¢])(?:[^\W_]|[@$!|€¢])*?[013456789@$!|€¢](?:[^\W_]|[@$!|€¢])*")
_LETTER = re.compile(r"[^\W\d_]")
_DIGIT = re.compile(r"\d")

_WORD = re.compile(r"[^\W_]+")
_SINGLE = r"(?<![^\W_])[^\W_](?![^\W_])"
_SPACED_RUN = re.compile(rf"{_SINGLE}(?:[\W_]+{_SINGLE})+")
_STRETCHED = re.compile(r"(?<![^\W_])[^\W_]*?([^\W_])\1\1[^\W_]*")
_REPEATS = re.compile(r"(.)\1+")
# Scripts written without spaces between words: configured words in them match as substrings.
_UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
                       "\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")


def _unleet(match: re.Match) -> str:
    word = match.group()
    core = word.strip("!|")  # "!" and "|" at the edge of a word are punctuation
    if not (_LETTER.search(core) or (len(core) > 1 and not _DIGIT.search(core))):
        return word
    start = len(word) - len(word.lstrip("!|"))
    return word[:start] + core.translate(_LEET) + word[start + len(core):]


def normalize(text: str) -> str:
    """The matching form of `text`: what a reader sees, spelled in plain lower-case Latin letters."""
    if text.isascii():
        if _INVISIBLE.search(text):
            text = _INVISIBLE.sub("", text)
        text = text.lower()
    else:
        text = unicodedata.normalize("NFKD", _INVISIBLE.sub("", text))
        if _HAS_CONFUSABLE.search(text):
            text = text.translate(_CONFUSABLES)
        # Case folding can produce new precomposed letters and marks (İ → i̇), so decompose again.
        text = unicodedata.normalize("NFKD", text.casefold())
        text = _MARKS.sub("", text)
        if _HAS_CONFUSABLE.search(text):
            text = text.translate(_CONFUSABLES)
    return _LEET_WORD.sub(_unleet, text)


def fingerprint(body: str) -> str:
    """A stable hash of the words of `body`, blind to case, spacing, punctuation and markup."""
    words = " ".join(_WORD.findall(normalize(body)))
    return hashlib.blake2b(words.encode(), digest_size=16).hexdigest()


def name_key(name: str) -> str:
    """The form author names are compared in: normalized words separated by single spaces."""
    return " ".join(tokenize(name).sequences[-1])


def visible_length(text: str) -> int:
    """Length of `text` without invisible characters and surrounding white space."""
    return len(_INVISIBLE.sub("", text).strip())


def capitals_share(text: str) -> tuple[int, float]:
    """(number of letters, share of them that are capitals) in `text`."""
    letters = "".join(_LETTER.findall(text))
    if not letters:
        return 0, 0.0
    capitals = len(letters) - len(_UPPER.sub("", letters))
    return len(letters), capitals / len(letters)


def character_floods(text: str, min_run: int) -> list[str]:
    """Characters repeated at least `min_run` times in a row (white space and markdown rules aside)."""
    pattern = _flood_pattern(min_run)
    return list(dict.fromkeys(match.group(1) for match in pattern.finditer(text)))


_FLOOD_PATTERNS: dict[int, re.Pattern] = {}


def _flood_pattern(min_run: int) -> re.Pattern:
    pattern = _FLOOD_PATTERNS.get(min_run)
    if pattern is None:
        pattern = _FLOOD_PATTERNS[min_run] = re.compile(rf"([^\s\-=_*#~`.])\1{{{min_run - 1},}}")
    return pattern


@dataclass(frozen=True)
class Tokens:
    """Text split once for matching; pass it to several matchers to normalize only once."""

    normalized: str
    sequences: tuple[tuple[str, ...], ...]  # the words; again with spaced-out letters joined, if any
    vocabulary: frozenset[str]  # every token of every sequence
    squeezed: tuple[str, ...]  # words stretched by repeating a letter ("caaasino"), squeezed


def _join_spaced(match: re.Match) -> str:
    joined = "".join(_WORD.findall(match.group()))
    return joined.translate(_LEET) if _LETTER.search(joined) else joined


def tokenize(text: str) -> Tokens:
    """Normalize `text` and split it into the token sequences `WordMatcher.find` looks up."""
    normalized = normalize(text)
    words = tuple(_WORD.findall(normalized))
    sequences = (words,)
    joined, runs = _SPACED_RUN.subn(_join_spaced, normalized)
    if runs:
        sequences += (tuple(_WORD.findall(joined)),)
    squeezed = tuple(_REPEATS.sub(r"\1", m.group()) for m in _STRETCHED.finditer(joined))
    vocabulary = frozenset(words).union(*sequences[1:])
    return Tokens(normalized, sequences, vocabulary, squeezed)


class WordMatcher:
    """Finds configured words and phrases in text, compiled once per word list."""

    def __init__(self, words: Iterable[str]) -> None:
        self._words: list[str] = []
        self._singles: dict[str, list[int]] = {}  # token → indexes of configured words
        self._squeezed: dict[str, list[int]] = {}
        self._phrases: dict[str, list[tuple[tuple[str, ...], int]]] = {}  # first token → phrases
        unspaced: dict[str, list[int]] = {}
        for word in words:
            key = tokenize(word).sequences[-1]
            if not key:
                continue
            index = len(self._words)
            self._words.append(word)
            if _UNSPACED.search(" ".join(key)):
                unspaced.setdefault(" ".join(key), []).append(index)
            elif len(key) > 1:
                self._phrases.setdefault(key[0], []).append((key, index))
            else:
                token = key[0]
                self._singles.setdefault(token, []).append(index)
                if "l" in token:  # "ki11" reads 1 as i, but meant l
                    self._singles.setdefault(token.replace("l", "i"), []).append(index)
                self._squeezed.setdefault(_REPEATS.sub(r"\1", token), []).append(index)
        self._unspaced = unspaced
        self._unspaced_pattern = (
            re.compile("|".join(map(re.escape, sorted(unspaced, key=len, reverse=True)))) if unspaced else None
        )

    def __len__(self) -> int:
        return len(self._words)

    def find(self, text: str | Tokens) -> list[str]:
        """The configured words/phrases found in `text`, as configured, in configuration order."""
        if not self._words:
            return []
        tokens = text if isinstance(text, Tokens) else tokenize(text)
        hits: set[int] = set()
        for token in tokens.vocabulary & self._singles.keys():
            hits.update(self._singles[token])
        for token in tokens.squeezed:
            hits.update(self._squeezed.get(token, ()))
        for first in tokens.vocabulary & self._phrases.keys():
            for sequence in tokens.sequences:
                hits.update(_phrase_hits(sequence, first, self._phrases[first]))
        if self._unspaced_pattern is not None and _UNSPACED.search(tokens.normalized):
            for match in self._unspaced_pattern.finditer(tokens.normalized):
                hits.update(self._unspaced[match.group()])
        return [self._words[index] for index in sorted(hits)]


def _phrase_hits(sequence: tuple[str, ...], first: str, phrases: list[tuple[tuple[str, ...], int]]):
    start = 0
    while True:
        try:
            position = sequence.index(first, start)
        except ValueError:
            return
        for key, index in phrases:
            if sequence[position:position + len(key)] == key:
                yield index
        start = position + 1

