"""Configured words of five or more letters, found in the forms spam hides them in.

A long word is distinctive enough to be looked for where an exact word lookup cannot see it:
inside a run of glued words ("onlinecasino"), with a suffix ("casinos", "viagraonline"), with a
vowel doubled ("viiagra") and split by a space ("vi agra"). Shorter words ("ass", "hell",
"cunt") are found only as whole words, because inside other words they are everywhere
("classic", "hello", "Scunthorpe"). The rules that keep innocent words out:

- a doubled consonant is spelling, not stretching: "Cassino" (the town) is not "casino"
  (a letter written three times or more is squeezed for every word, in `text`);
- a word inside a longer one needs its neighbours to look like words of their own: at least
  four letters before it (or a short word that spam glues on: "buy", "get", "top"...), and after
  it nothing, a suffix ("s", "es", "ed", "er", "y") or at least three letters. So "specialist"
  and "specialised" do not contain "cialis" (only "spe" before it) and "therapist" does not
  contain "rapist" ("the");
- two neighbouring words are read as one only when neither is a common short word or the
  tail of a contraction: "pen is" is not "penis", "he'll" is not "hell".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MIN_LETTERS = 5
_PREFIX = MIN_LETTERS - 1  # stems ("abus" for "abuse") are one letter shorter than the words
_DOUBLED_VOWELS = re.compile(r"([aeiou])\1+")

# Short words spam glues in front of the word it sells ("buyviagra", "topcasino").
GLUE_WORDS = frozenset({"my", "buy", "get", "top", "win", "hot", "new", "big", "bet", "pay", "try", "fun", "sex",
                        "xxx", "best", "free", "real", "cheap", "online"})
# Remainders after a word that make a form of it; three letters or more count anyway.
SHORT_SUFFIXES = frozenset({"s", "es", "ed", "er", "y", "ly"})
# Suffixes after a word's stem: "abusing" for "abuse", "pussies" for "pussy".
STEM_SUFFIXES = {"e": ("ing", "ings", "ed", "er", "ers", "es"), "y": ("ies", "ied", "ier", "iest")}
# Words never read as half of a split word: common short words and contraction tails.
NOT_SPLIT_HALVES = frozenset("""
    a i o s t d m ll re ve an as at be by do go he if in is it me my no of on or so to up us we
    am are and but can did for get had has her him his how its let may not now off old one our out own
    say see she the too two use was way who why yes yet you all any few new ask big
""".split())


def squeeze_vowels(word: str) -> str:
    """`word` with every run of one vowel written once: "viiagra" -> "viagra"."""
    return _DOUBLED_VOWELS.sub(r"\1", word)


def is_long(key: str) -> bool:
    return len(key) >= MIN_LETTERS and key.isalpha()


class LongWords:
    """Long configured words (each with the index it was configured at), looked up in forms."""

    def __init__(self, entries: Iterable[tuple[str, int]]) -> None:
        self._exact: dict[str, list[int]] = {}
        # variant -> [(index, suffixes it needs: None for a whole word)]
        self._variants: dict[str, list[tuple[int, tuple[str, ...] | None]]] = {}
        self._by_prefix: dict[str, list[str]] = {}
        self._heads: set[str] = set()  # what the first half of a split long word can be
        self._longest = 0
        for key, index in entries:
            self._exact.setdefault(key, []).append(index)
            self._add(key, index, None)
            stem_suffixes = STEM_SUFFIXES.get(key[-1])
            if stem_suffixes:
                self._add(key[:-1], index, stem_suffixes)
            self._heads.update(key[:cut] for cut in range(1, len(key)))
            self._longest = max(self._longest, len(key))
        # Sets, not dict views: `a_set & a_dict.keys()` copies every key on every call.
        self._exact_keys = frozenset(self._exact)
        self._prefixes = frozenset(self._by_prefix)

    def _add(self, variant: str, index: int, suffixes: tuple[str, ...] | None) -> None:
        self._variants.setdefault(variant, []).append((index, suffixes))
        prefixes = self._by_prefix.setdefault(variant[:_PREFIX], [])
        if variant not in prefixes:
            prefixes.append(variant)

    def __bool__(self) -> bool:
        return bool(self._exact)

    def find(self, forms: frozenset[str], glued: str, windows: frozenset[str], vocabulary: frozenset[str],
             line: str, squeezed: dict[str, str]) -> set[int]:
        """Indexes of the long words in `forms` (the text's words in every reading; `glued` and
        `windows`: see `glue`) or split across two or three neighbouring words of `line` (the
        text's words, each between spaces; `vocabulary`: the distinct ones; `squeezed`: those
        with a doubled vowel, written with one)."""
        hits: set[int] = set()
        for form in forms & self._exact_keys:
            hits.update(self._exact[form])
        for window in self._prefixes & windows:  # usually none: then no word is looked at
            position = glued.find(window)
            while position >= 0:
                start = glued.rfind(" ", 0, position) + 1
                end = glued.find(" ", position)
                form = glued[start:end if end >= 0 else len(glued)]
                self._at(form, position - start, self._by_prefix[window], hits)
                position = glued.find(window, position + 1)
        if forms & self._heads:
            for joined in self._joins(vocabulary, line, squeezed):
                variants = self._by_prefix.get(joined[:_PREFIX])
                if variants:
                    self._at(joined, 0, variants, hits, whole=True)
        return hits

    def _at(self, form: str, start: int, variants: list[str], hits: set[int], whole: bool = False) -> None:
        """The `variants` that occur in `form` at `start` glued to other words or with a suffix;
        `whole`: with nothing before them and at most a suffix after."""
        before = form[:start]
        if before and not (len(before) >= 4 or before in GLUE_WORDS):
            return
        for variant in variants:
            if form.startswith(variant, start):
                after = form[start + len(variant):]
                for index, suffixes in self._variants[variant]:
                    if _fits(after, suffixes, variant[-1], whole):
                        hits.add(index)

    def _joins(self, vocabulary: frozenset[str], line: str, squeezed: dict[str, str]):
        """Two and three neighbouring words joined, where the first could start a long word
        (`line`: the words, each between spaces)."""
        heads, skip, longest = self._heads, NOT_SPLIT_HALVES, self._longest + 3
        starts = {word: word for word in heads & vocabulary if word not in skip}
        starts.update((word, short) for word, short in squeezed.items() if short in heads and short not in skip)
        for word, head in starts.items():
            needle = f" {word} "
            position = line.find(needle)
            while position >= 0:  # str.find rather than a walk over the words: they can be thousands
                after = position + len(needle)
                joined = head
                for following in line[after:after + longest + 1].split(" ")[:-1][:2]:  # the last may be cut
                    if following in skip or not following.isalpha():
                        break
                    joined += following
                    if joined[:_PREFIX] in self._prefixes:
                        yield joined
                    if joined not in heads:  # no listed word goes on from here
                        break
                position = line.find(needle, position + 1)


def glue(forms: Iterable[str]) -> tuple[str, frozenset[str]]:
    """The forms that can hold a long word and more, one string with a space between them, and
    every stretch of four characters in it: a long word can be inside one of the forms only if
    its first four letters are one of these, and `str.find` on the one string says where."""
    glued = " ".join(form for form in forms if len(form) > MIN_LETTERS)
    return glued, frozenset(glued[start:start + _PREFIX] for start in range(len(glued) - _PREFIX + 1))


def _fits(after: str, suffixes: tuple[str, ...] | None, last: str, whole: bool) -> bool:
    """Whether what follows a word found inside a form leaves a form of that word."""
    if suffixes is not None:  # a stem: only its own suffixes
        return after in suffixes
    if not after:
        return True
    if after in SHORT_SUFFIXES or (after[0] == last and after[1:] in SHORT_SUFFIXES):
        return True
    return not whole and len(after) >= 3
