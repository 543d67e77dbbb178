"""Contact details in a comment's text: phone numbers, messenger handles, e-mail addresses.

Scams that carry no link at all ("call +1 555 ..., WhatsApp me") still need a way back to the
spammer; these are it. Each finder says what kind of detail it saw, never the value, so a
moderator's reason does not repeat someone's number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

# A phone number: an optional +, then 9-15 digits in groups of 1-5, separated by one space,
# dash, dot or a bracketed area code. A date (2024-01-15), a time, a decimal or a number with
# thousands separators (1,000,000) has too few digits or the wrong separators.
_PHONE = re.compile(
    r"(?<![\w.,/+-])"
    r"(\+\s?)?(\(\d{1,5}\)\s?)?\d{1,5}(?:[ .\-]?\(?\d{1,5}\)?){1,6}"
    r"(?![\w,/]|\.\d)"
)
_DATE = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4}")
_DIGIT = re.compile(r"\d")  # what a phone number needs at least one of
_IPV4 = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
_ISBN_BEFORE = re.compile(r"isbn(?:-1[03])?:?\s*$", re.IGNORECASE)
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]{1,64}@(?:[a-z0-9-]{1,63}\.)+[a-z]{2,24}(?![\w-])", re.IGNORECASE)
# A messenger named next to something that reaches a person on it: a handle, a number or
# its own short link. "I read it on Telegram" names the app and reaches nobody.
_MESSENGERS = {
    "whatsapp": r"whats\s?app|wa\.me/",
    "telegram": r"telegram|t\.me/",
    "signal": r"\bsignal\b",
    "wechat": r"we\s?chat",
    "viber": r"\bviber\b",
    "skype": r"\bskype\b",
    "kik": r"\bkik\b",
}
_MESSENGER = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in _MESSENGERS.items()),
                        re.IGNORECASE)
_SHORT_LINK = re.compile(r"(?:wa\.me|t\.me)/\+?\w{3,}", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w@])@[a-z_][\w.]{3,31}", re.IGNORECASE)
# A count written out ("1000000000 views", "2000000000 likes") or a round number of unbroken
# digits is a figure someone quotes, not a number someone calls.
_COUNT_AFTER = re.compile(r"\s*(?:views?|likes?|subs?|subscribers?|people|times|comments?|plays?|hits?)\b",
                          re.IGNORECASE)
_ROUND = re.compile(r"\d+0{5}")
_NEAR = 60  # characters either side of the messenger's name where a handle or number counts


@dataclass(frozen=True)
class ContactDetails:
    phones: int = 0
    emails: int = 0
    handles: tuple[str, ...] = ()  # the messengers reached ("whatsapp", "telegram"...)

    def __bool__(self) -> bool:
        return bool(self.phones or self.emails or self.handles)

    def kinds(self) -> list[str]:
        found = []
        if self.phones:
            found.append("a phone number")
        found.extend(f"a {name.capitalize() if name != 'whatsapp' else 'WhatsApp'} contact"
                     for name in self.handles)
        if self.emails:
            found.append("an e-mail address")
        return found


def phone_numbers(text: str) -> list[str]:
    found = []
    for match in _PHONE.finditer(text):
        candidate = match.group().strip()
        digits = sum(ch.isdigit() for ch in candidate)
        if not 9 <= digits <= 15 or _DATE.fullmatch(candidate) or _IPV4.fullmatch(candidate):
            continue
        if _ISBN_BEFORE.search(text[max(0, match.start() - 10):match.start()]):
            continue
        if "." in candidate and not candidate.startswith("+") and candidate.count(".") < 2:
            continue  # 3.14159265: a decimal, not a number to call
        if candidate.isdigit() and (_ROUND.fullmatch(candidate) or _COUNT_AFTER.match(text, match.end())):
            continue
        found.append(candidate)
    return found


def email_addresses(text: str) -> list[str]:
    return _EMAIL.findall(text)


def messenger_handles(text: str, phones: list[str]) -> tuple[str, ...]:
    reached = []
    for match in _MESSENGER.finditer(text):
        name = match.lastgroup
        around = text[max(0, match.start() - _NEAR):match.end() + _NEAR]
        if (_SHORT_LINK.search(match.group() + text[match.end():match.end() + 40])
                or _HANDLE.search(around) or any(phone in around for phone in phones)):
            if name not in reached:
                reached.append(name)
    return tuple(reached)


@lru_cache(maxsize=64)  # the rules and the filter's features ask about the same text
def find_contact_details(text: str) -> ContactDetails:
    if not text:
        return ContactDetails()
    phones = phone_numbers(text) if _DIGIT.search(text) else []
    emails = email_addresses(text) if "@" in text else []
    return ContactDetails(len(phones), len(emails), messenger_handles(text, phones))
