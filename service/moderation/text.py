"""Text in its matching form, and a word/phrase matcher that survives common evasions.

`normalize` turns text into the form rules compare: compatibility forms folded (NFKD),
look-alike letters mapped to Latin, case folded, accents and invisible characters dropped,
leetspeak inside words read as letters. `tokenize` produces the same words split for lookup,
and `WordMatcher` compiles a word list once so that a call costs dict and set lookups on the
text's words, whatever the number of configured words. Words of five letters or more are also
found glued to others, with suffixes, stretched and split (see `wordforms`).

Speed matters here (every submission runs this over bodies of several KB), so ASCII text,
by far the most common, goes through `bytes.translate` and `str.split`, and work on words
is done once per distinct word.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from itertools import product

from .wordforms import LongWords, glue, is_long, squeeze_vowels


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


def _scan_unicode(start: int, stop: int) -> tuple[list[int], list[int]]:
    """Combining marks and invisible characters (format, control, fillers) in a code point range."""
    marks, invisible = [], []
    category = unicodedata.category
    for cp in range(start, stop):
        kind = category(chr(cp))
        if kind in ("Mn", "Me"):
            marks.append(cp)
        elif kind == "Cf" or (kind == "Cc" and chr(cp) not in "\t\n\v\f\r\x85"):
            invisible.append(cp)
    return marks, invisible


# Two classes each: the regex engine tests a class of BMP characters with a bitmap, but one
# that also holds astral ranges range by range, which is an order of magnitude slower.
_bmp_marks, _bmp_invisible = _scan_unicode(0, 0x10000)
_bmp_invisible += [0x115F, 0x1160, 0x3164, 0xFFA0]  # Hangul fillers render as nothing
_astral_marks, _astral_invisible = _scan_unicode(0x10000, 0x20000)
_tag_marks, _tag_invisible = _scan_unicode(0xE0000, 0xE01F0)  # tags, variation selectors
_BMP_DROP = re.compile(f"[{_char_class(_bmp_marks + _bmp_invisible)}]+")
_BMP_INVISIBLE = re.compile(f"[{_char_class(_bmp_invisible)}]+")
_ASTRAL_DROP = re.compile(f"[{_char_class(_astral_marks + _astral_invisible + _tag_marks + _tag_invisible)}]+")
_ASTRAL_INVISIBLE = re.compile(f"[{_char_class(_astral_invisible + _tag_invisible)}]+")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
del _bmp_marks, _bmp_invisible, _astral_marks, _astral_invisible, _tag_marks, _tag_invisible

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
    "ᲀ": "b", "ᲂ": "o", "ᲃ": "c", "ᲄ": "t", "ᲅ": "t",  # old forms that case-fold to the above
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "Ϲ": "C",
    "α": "a", "β": "b", "γ": "y", "ε": "e", "η": "n", "ι": "i", "κ": "k", "μ": "u", "ν": "v",
    "ο": "o", "ρ": "p", "σ": "o", "ς": "s", "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ϲ": "c",
    "ϳ": "j", "ϱ": "p",
    # Latin letters without a decomposition, and small capitals
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
for _lower, _latin in list(_CONFUSABLE_PAIRS.items()):
    # Capitals of mapped letters too, so that case folding cannot bring a look-alike back.
    if len(_lower.upper()) == 1 and _lower.upper() != _lower:
        _CONFUSABLE_PAIRS.setdefault(_lower.upper(), _latin)
# Mapped with str.replace, char by char: faster than str.translate on text in other scripts.
_CONFUSABLE_ITEMS = tuple(_CONFUSABLE_PAIRS.items())
_HAS_CONFUSABLE = re.compile(
    f"[{_char_class(ord(c) for c in _CONFUSABLE_PAIRS if ord(c) < 0x10000)}]"
    "|[\U0001f150-\U0001f169\U0001f170-\U0001f189\U0001f1e6-\U0001f1ff]"
)

# Leetspeak, read only inside a word that also has letters ("c4s1n0"), so numbers stay numbers;
# "!" and "|" only between letters, since at the edge of a word they are punctuation.
_LEET = str.maketrans({
    "0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "6": "g", "7": "t", "8": "b", "9": "g",
    "@": "a", "$": "s", "!": "i", "|": "l", "€": "e", "¢": "c",
})
_EDGE_MARKS = "!|"
# Symbols that read as either letter: "v|agra", "k!ll", "he11". The first reading above is the
# word's matching form; the others are looked up too (see `_readings`).
_EITHER_I_OR_L = "1|!"
_MAX_AMBIGUOUS = 4  # past this many, only the all-i and all-l readings

# Letters drawn with several symbols, read before anything else: \/iagra, |\|, |<.
_DRAWN_LETTERS = {"|\\/|": "m", "\\/\\/": "w", "|\\|": "n", "\\/": "v", "|<": "k"}
_DRAWN = re.compile("|".join(map(re.escape, _DRAWN_LETTERS)))
# "c()ck", "c4()ck": between letters or leetspeak, and after the others ("|<()" is "ko").
_DRAWN_O = re.compile(r"(?<=[^\W_]|[@$!|€¢])\(\)(?=[^\W_]|[@$!|€¢])")

# ASCII fast path: one bytes.translate lower-cases, blanks every character that cannot be part
# of a word and deletes control characters; str.split then yields the words.
_ASCII_WORD_BYTES = b"abcdefghijklmnopqrstuvwxyz0123456789@$!|"
_ASCII_SPLIT = bytes(
    c + 32 if 65 <= c <= 90 else c if c in _ASCII_WORD_BYTES else 32 for c in range(256)
)
_ASCII_CONTROLS = bytes(c for c in [*range(32), 127] if chr(c) not in "\t\n\v\f\r")
_ASCII_NOT_LETTER = bytes(c for c in range(256) if not (65 <= c <= 90 or 97 <= c <= 122))
_ASCII_NOT_CAPITAL = bytes(c for c in range(256) if not 65 <= c <= 90)

_ASCII_RUNS = re.compile(r"[\x00-\x7f]+")
_WORD = re.compile(r"[^\W_]+")
_TOKEN = re.compile(r"[\w@$!|€¢]+")  # on text without "_"
_TRIPLE_LETTER = re.compile(r"([^\W\d_])\1\1")
_STRETCHED_WORD = re.compile(r"(?<!\S)\S*?([^\W\d_])\1\1\S*")
_REPEATS = re.compile(r"(.)\1+")
_DOUBLED_VOWEL = re.compile(r"([aeiou])\1")
# Scripts written without spaces between words: configured words in them match as substrings.
_UNSPACED = re.compile("[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf"
                       "\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")


def _drop_invisible(text: str, marks_too: bool = False) -> str:
    text = (_BMP_DROP if marks_too else _BMP_INVISIBLE).sub("", text)
    if _ASTRAL.search(text):
        text = (_ASTRAL_DROP if marks_too else _ASTRAL_INVISIBLE).sub("", text)
    return text


def _fold(text: str) -> str:
    """Lower case, compatibility forms and look-alikes mapped, marks and invisibles dropped."""
    if text.isascii():
        return text.encode("ascii").translate(None, _ASCII_CONTROLS).decode("ascii").lower()
    # After NFKD and without marks, no character case-folds to a mark or a decomposable one
    # (checked over all of Unicode), and the look-alike table covers both cases.
    text = _drop_invisible(unicodedata.normalize("NFKD", text), marks_too=True)
    if _HAS_CONFUSABLE.search(text):
        for char, latin in _CONFUSABLE_ITEMS:
            if char in text:
                text = text.replace(char, latin)
    return text.casefold()


def _reads_as_leet(core: str) -> bool:
    """A word with letters ("c4s1n0"), or of symbols only ("@$$"), is leetspeak; "2024" is not."""
    return any(map(str.isalpha, core)) or (len(core) > 1 and not any(map(str.isdigit, core)))


def _unleet_word(word: str) -> str:
    """A raw word (letters, digits, leet symbols) as space-separated matching words."""
    core = word.strip(_EDGE_MARKS)
    if _reads_as_leet(core):
        core = core.translate(_LEET)
    return core if core.isalnum() else " ".join(_WORD.findall(core))


def _unleet_in_place(match: re.Match) -> str:
    word = match.group()
    core = word.strip(_EDGE_MARKS)
    if not _reads_as_leet(core):
        return word
    start = len(word) - len(word.lstrip(_EDGE_MARKS))
    return word[:start] + core.translate(_LEET) + word[start + len(core):]


def _read_drawn_letters(text: str) -> str:
    if "\\" in text or "|<" in text:
        text = _DRAWN.sub(lambda match: _DRAWN_LETTERS[match.group()], text)
    return _DRAWN_O.sub("o", text) if "()" in text else text


def normalize(text: str) -> str:
    """The matching form of `text`: what a reader sees, spelled in plain lower-case Latin letters."""
    folded = _read_drawn_letters(_fold(text)).replace("_", " ")
    return _TOKEN.sub(_unleet_in_place, folded)


def _readings(word: str) -> list[str]:
    """The other matching words a raw word can be read as, when it has a symbol for i or l."""
    core = word.rstrip(_EDGE_MARKS)  # "|oans" may be loans; "casino!" is not casinoi
    if not (_reads_as_leet(core) and any(symbol in core for symbol in _EITHER_I_OR_L)):
        return []
    parts = re.split("([1|!])", core)  # odd items are the ambiguous symbols
    ambiguous = len(parts) // 2
    choices = product("il", repeat=ambiguous) if ambiguous <= _MAX_AMBIGUOUS else ("i" * ambiguous, "l" * ambiguous)
    readings = []
    for letters in choices:
        parts[1::2] = letters
        reading = "".join(parts).translate(_LEET)
        readings += [reading] if reading.isalnum() else _WORD.findall(reading)
    return readings


def _words(text: str, readings: set[str] | None = None) -> list[str]:
    """The words of `normalize(text)`, computed without building the normalized string; other
    readings of ambiguous symbols ("v|agra": vlagra, viagra) go into `readings` if given."""
    folded = text if text.isascii() else _fold(text)  # the ASCII table lower-cases by itself
    folded = _read_drawn_letters(folded)
    if folded.isascii():
        raw = folded.encode("ascii").translate(_ASCII_SPLIT, _ASCII_CONTROLS).decode("ascii").split()
    else:
        raw = _TOKEN.findall(folded.replace("_", " "))
    changed = {}
    for word in set(raw):
        if not word.isalpha():
            matching = _unleet_word(word)
            if matching != word:
                changed[word] = matching
                if readings is not None:
                    readings.update(_readings(word))
    if changed:
        raw = " ".join([changed.get(word, word) for word in raw]).split()
    return raw


def fingerprint(body: str) -> str:
    """A stable hash of the words of `body`, blind to case, spacing, punctuation and markup."""
    return hashlib.blake2b(" ".join(_words(body)).encode(), digest_size=16).hexdigest()


@lru_cache(maxsize=4096)  # block lists compare every name block on every submission
def name_key(name: str) -> str:
    """The form author names are compared in: normalized words separated by single spaces."""
    return " ".join(tokenize(name).sequences[-1])


def visible_length(text: str) -> int:
    """Length of `text` without invisible characters and surrounding white space."""
    if text.isascii():
        return len(text.encode("ascii").translate(None, _ASCII_CONTROLS).strip())
    return len(_drop_invisible(text).strip())


def capitals_share(text: str) -> tuple[int, float]:
    """(number of letters, share of them that are capitals) in `text`."""
    if text.isascii():
        data = text.encode("ascii")
        letters = len(data.translate(None, _ASCII_NOT_LETTER))
        capitals = len(data.translate(None, _ASCII_NOT_CAPITAL))
    else:
        # ASCII counted as bytes, the rest character by character.
        data = text.encode("ascii", "ignore")
        others = _ASCII_RUNS.sub("", text)
        letters = len(data.translate(None, _ASCII_NOT_LETTER)) + sum(map(str.isalpha, others))
        capitals = len(data.translate(None, _ASCII_NOT_CAPITAL)) + sum(map(str.isupper, others))
    return letters, (capitals / letters if letters else 0.0)


_FLOOD_PATTERNS: dict[int, re.Pattern] = {}


def character_floods(text: str, min_run: int) -> list[str]:
    """Characters repeated at least `min_run` times in a row (white space and markdown rules aside)."""
    # A run lies inside one white-space-separated chunk, and chunks that long are few.
    chunks = [chunk for chunk in text.split() if len(chunk) >= min_run]
    if not chunks:
        return []
    pattern = _FLOOD_PATTERNS.get(min_run)
    if pattern is None:
        pattern = _FLOOD_PATTERNS[min_run] = re.compile(rf"([^\s\-=_*#~`.])\1{{{min_run - 1},}}")
    return list(dict.fromkeys(match.group(1) for match in pattern.finditer(" ".join(chunks))))


@dataclass(frozen=True)
class Tokens:
    """Text split once for matching; pass it to several matchers to normalize only once."""

    sequences: tuple[tuple[str, ...], ...]  # the words; again with spaced-out letters joined, if any
    vocabulary: frozenset[str]  # every word of every sequence
    squeezed: tuple[str, ...]  # words stretched by repeating a letter ("caaasino"), squeezed
    unspaced: str  # the sequences one a line, if a word is in a script written without spaces, else ""
    readings: frozenset[str] = frozenset()  # other readings of symbols for i or l ("v|agra": viagra)

    @cached_property
    def vowels_squeezed(self) -> dict[str, str]:
        """Words with a doubled vowel, and how they read with each vowel written once."""
        listed = " ".join(self.vocabulary | self.readings if self.readings else self.vocabulary)
        if not _DOUBLED_VOWEL.search(listed):
            return {}
        words = [word for word in listed.split() if _DOUBLED_VOWEL.search(word)]
        return dict(zip(words, squeeze_vowels(" ".join(words)).split()))

    @cached_property
    def forms(self) -> frozenset[str]:
        """Every word in every reading, with doubled vowels also written once: what long words
        are looked for in. Built on first use, once for all the matchers the tokens go to."""
        if not (self.readings or self.squeezed or self.vowels_squeezed):
            return self.vocabulary
        return self.vocabulary | self.readings | frozenset(self.squeezed) | frozenset(self.vowels_squeezed.values())

    @cached_property
    def glued(self) -> tuple[str, frozenset[str]]:
        return glue(self.forms)

    @cached_property
    def line(self) -> str:
        """The words in order, each between spaces: where split words are looked for."""
        return f" {' '.join(self.sequences[0])} "


def _join_spaced_letters(words: list[str]) -> list[str]:
    """Runs of one-character words joined into one word and read as leetspeak: c a s 1 n o → casino."""
    joined: list[str] = []
    run: list[str] = []
    for word in [*words, ""]:
        if len(word) == 1:
            run.append(word)
            continue
        if len(run) > 1:
            letters = "".join(run)
            joined.append(letters.translate(_LEET) if _reads_as_leet(letters) else letters)
        else:
            joined.extend(run)
        run = []
        if word:
            joined.append(word)
    return joined


def tokenize(text: str) -> Tokens:
    """Normalize `text` and split it into the word sequences `WordMatcher.find` looks up."""
    readings: set[str] = set()
    words = _words(text, readings)
    sequences = (tuple(words),)
    if b"\x01\x01" in bytes(map((1).__eq__, map(len, words))):  # two one-letter words in a row
        sequences += (tuple(_join_spaced_letters(words)),)
    vocabulary = frozenset(words).union(*sequences[1:])
    listed = " ".join(vocabulary)
    squeezed = ()
    if _TRIPLE_LETTER.search(listed):
        squeezed = tuple(_REPEATS.sub(r"\1", m.group()) for m in _STRETCHED_WORD.finditer(listed))
    unspaced = ""
    if not listed.isascii() and _UNSPACED.search(listed):
        unspaced = "\n".join(" ".join(sequence) for sequence in sequences)
    return Tokens(sequences, vocabulary, squeezed, unspaced, frozenset(readings - vocabulary))


class WordMatcher:
    """Finds configured words and phrases in text, compiled once per word list."""

    def __init__(self, words: Iterable[str]) -> None:
        self._words: list[str] = []
        self._singles: dict[str, list[int]] = {}  # word → indexes of configured words
        self._squeezed: dict[str, list[int]] = {}
        self._phrases: dict[str, list[tuple[tuple[str, ...], int]]] = {}  # first word → phrases
        self._unspaced: dict[str, list[int]] = {}
        long_words: list[tuple[str, int]] = []
        for word in words:
            key = tokenize(word).sequences[-1]
            if not key:
                continue
            index = len(self._words)
            self._words.append(word)
            if _UNSPACED.search(" ".join(key)):
                self._unspaced.setdefault(" ".join(key), []).append(index)
            elif len(key) > 1:
                self._phrases.setdefault(key[0], []).append((key, index))
                if is_long("".join(key)):  # "freemoney", "free money" glued
                    long_words.append(("".join(key), index))
            else:
                single = key[0]
                if is_long(single):
                    long_words.append((single, index))
                self._singles.setdefault(single, []).append(index)
                if "l" in single:  # "ki11": leetspeak reads 1 as i, but here it stood for l
                    self._singles.setdefault(single.replace("l", "i"), []).append(index)
                self._squeezed.setdefault(_REPEATS.sub(r"\1", single), []).append(index)
        self._long = LongWords(long_words)
        # Sets, not dict views: `a_set & a_dict.keys()` copies every key on every call.
        self._single_keys, self._phrase_keys = frozenset(self._singles), frozenset(self._phrases)
        self._unspaced_pattern = (
            re.compile("|".join(map(re.escape, sorted(self._unspaced, key=len, reverse=True))))
            if self._unspaced else None
        )

    def __len__(self) -> int:
        return len(self._words)

    def find(self, text: str | Tokens) -> list[str]:
        """The configured words/phrases found in `text`, as configured, in configuration order."""
        if not self._words:
            return []
        tokens = text if isinstance(text, Tokens) else tokenize(text)
        hits: set[int] = set()
        for word in tokens.vocabulary & self._single_keys:
            hits.update(self._singles[word])
        for word in tokens.readings & self._single_keys:
            hits.update(self._singles[word])
        if self._long:
            hits.update(self._long.find(tokens.forms, *tokens.glued, tokens.vocabulary, tokens.line,
                                        tokens.vowels_squeezed))
        for word in tokens.squeezed:
            hits.update(self._squeezed.get(word, ()))
        for first in tokens.vocabulary & self._phrase_keys:
            for sequence in tokens.sequences:
                hits.update(_phrase_hits(sequence, first, self._phrases[first]))
        if self._unspaced_pattern is not None and tokens.unspaced:
            for match in self._unspaced_pattern.finditer(tokens.unspaced):
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
