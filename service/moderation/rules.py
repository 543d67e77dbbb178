"""The moderation rules: each a function `(draft, facts, policy) -> Reason | list[Reason] | None`.

A rule looks at one concern and says why it objects; `RULES` is the order they run in and the
order their reasons are shown. Messages are read by moderators, and those of rejects by the
author too, so they name what matched but never reveal stored values such as IP hashes.
"""

from __future__ import annotations

from collections.abc import Iterable
from urllib.parse import urlsplit

from .contact import find_contact_details
from .policy import Policy, domain_key, listed_domain
from .spam_features import spam_features, website_trades, without_page_links
from .text import capitals_share, character_floods, name_key, tokenize, visible_length
from .types import HOLD, REJECT, Draft, Facts, Reason

# Holds a trusted author skips; the rest (and every reject) still apply to them.
SOFT_HOLDS = frozenset({
    "pre_moderation", "first_time_author", "suspect_word", "too_many_links", "shouting",
    "character_flood", "disposable_email", "too_fast", "missing_form_token", "contact_details", "trade_website",
})
# Holds that only an author a moderator approved before may skip: a spammer can earn the
# rules' trust with one harmless comment, and the learned filter and the campaign check are
# there for what follows.
MODERATOR_TRUST_HOLDS = frozenset({"spam_score", "copied_text"})
# Reasons that mark a submission as spam rather than merely rejected.
SPAM_CODES = frozenset({"honeypot"})
# Reasons that come from what is stored (other comments, blocks, an author's record) rather
# than from the submission itself. Moderators see them; the submitter is told only a generic
# refusal, else an answer would tell whether some address wrote a text or is blocked.
STORED_DATA_CODES = frozenset({
    "repeat_post", "copied_text", "blocked_email", "blocked_email_domain", "blocked_ip", "blocked_name",
    "rejection_history",
})

# Every reason code a rule can give: what a moderator can filter the queue by.
RULE_CODES = (
    "honeypot", "blocked_email", "blocked_email_domain", "blocked_ip", "blocked_name", "repeat_post", "copied_text",
    "too_short", "too_long", "author_too_long", "banned_word", "suspect_word", "blocked_domain", "too_many_links",
    "disposable_email", "too_fast", "missing_form_token", "shouting", "character_flood", "contact_details",
    "trade_website", "spam_score", "rejection_history", "pre_moderation", "first_time_author",
)

SHOUTING_MIN_LETTERS = 20
SHOUTING_CAPITALS_SHARE = 0.7
FLOOD_MIN_RUN = 12
REJECTION_HISTORY_MIN = 3
# Shorter texts ("Thanks!", "Great post, loved it") are written alike by many readers.
# Counted without links to the comment's own page.
COPY_MIN_LENGTH = 30


def _listing(items: Iterable[str]) -> str:
    return ", ".join(items)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def word_lists(draft: Draft, facts: Facts, policy: Policy) -> list[Reason]:
    """Banned words reject, suspect words hold. The body, the author name, the website and the
    e-mail address are all read: a spammer whose text is bland flattery puts the words it sells
    in its name and its website's address ("Cheap Viagra", buy-viagra-online.example)."""
    if not (policy.banned_words or policy.suspect_words):
        return []
    # Tokenized once for both lists; a word found outside the text and the name says where.
    fields = [(tokenize(draft.body), ""), (tokenize(draft.author), "")]
    fields += [(tokenize(value), place) for value, place in ((draft.website, " (in the website)"),
                                                             (draft.email, " (in the e-mail address)")) if value]
    reasons = []
    for matcher, code, verdict, label in (
        (policy.banned_matcher, "banned_word", REJECT, "banned"),
        (policy.suspect_matcher, "suspect_word", HOLD, "suspect"),
    ):
        if not matcher:
            continue
        found: dict[str, str] = {}
        for tokens, place in fields:
            for word in matcher.find(tokens):
                found.setdefault(word, place)
        if found:
            what = f"a {label} word" if len(found) == 1 else f"{label} words"
            listing = _listing(word + place for word, place in found.items())
            reasons.append(Reason(code, verdict, f"Contains {what}: {listing}", tuple(found)))
    return reasons


def too_many_links(draft: Draft, facts: Facts, policy: Policy) -> Reason | None:
    links = draft.links
    if len(links) > policy.max_links and draft.trusted_domains:  # links to trusted domains do not count
        links = tuple(url for url in links if not _is_trusted(url, draft.trusted_domains))
    if len(links) <= policy.max_links:
        return None
    return Reason("too_many_links", HOLD,
                  f"Contains {_plural(len(links), 'link')}; more than {policy.max_links} are held for review.",
                  links)


def _is_trusted(url: str, domains: frozenset[str]) -> bool:
    host = link_host(url)
    return host is not None and listed_domain(host, domains) is not None


def link_host(url: str) -> str | None:
    """The domain a link or website points to (mailto: links: the address's domain)."""
    url = url.strip()
    if url.lower().startswith("mailto:"):
        return domain_key(url.rpartition("@")[2].partition("?")[0]) or None
    if "://" not in url and not url.startswith("//"):
        url = "//" + url
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return domain_key(host) if host else None


def is_within(host: str, domain: str) -> bool:
    """Whether `host` is `domain` or one of its subdomains."""
    return host == domain or host.endswith("." + domain)


def blocked_link_domains(draft: Draft, facts: Facts, policy: Policy) -> Reason | None:
    if not policy.blocked_domains:
        return None
    hits = []
    for url in (*draft.links, draft.website or ""):
        host = link_host(url) if url else None
        domain = listed_domain(host, policy.blocked_domain_set) if host else None
        if domain and domain not in hits:
            hits.append(domain)
    if not hits:
        return None
    noun = "a blocked domain" if len(hits) == 1 else "blocked domains"
    return Reason("blocked_domain", REJECT, f"Links to {noun}: {_listing(hits)}", tuple(hits))


def body_length(draft: Draft, facts: Facts, policy: Policy) -> Reason | None:
    length = visible_length(draft.body)
    if length < policy.min_length:
        return Reason("too_short", REJECT,
                      f"Comment is too short: {_plural(length, 'character')} (minimum {policy.min_length}).")
    if len(draft.body) > policy.max_length:
        return Reason("too_long", REJECT,
                      f"Comment is too long: {_plural(len(draft.body), 'character')} (maximum {policy.max_length}).")
    return None


def author_length(draft: Draft, facts: Facts, policy: Policy) -> Reason | None:
    length = len(draft.author.strip())
    if length <= policy.max_author_length:
        return None
    return Reason("author_too_long", REJECT,
                  f"Name is too long: {_plural(length, 'character')} (maximum {policy.max_author_length}).")


def repeat_post(draft: Draft, facts: Facts, policy: Policy) -> Reason | None:
    if not (facts.duplicate_recent and policy.repeat_window_minutes):
        return None
    return Reason("repeat_post", REJECT,
                  f"The same comment was already posted in the last "
                  f"{_plural(policy.repeat_window_minutes, 'minute')}.")


def copied_text(draft: Draft, facts: Facts, policy: Policy) -> Reason | None:
    """The same text from other senders within the repeat window: a campaign that posts one
    message from many addresses and emails walks past `repeat_post`."""
    if not (policy.copies_to_review and policy.repeat_window_minutes) or facts.copies_recent < policy.copies_to_review:
        return None
    # The article's own address is not the reader's words: readers share a page as its title and link.
    if visible_length(without_page_links(draft.body, draft.page_url)) < COPY_MIN_LENGTH:
        return None
    return Reason("copied_text", HOLD,
                  f"The same text came from {_plural(facts.copies_recent, 'other comment')} on this site in the last "
                  f"{_plural(policy.repeat_window_minutes, 'minute')}.")


def _email_domain(email: str | None) -> str | None:
    if not email or "@" not in email:
        return None
    return domain_key(email.rpartition("@")[2]) or None


def blocks(draft: Draft, facts: Facts, policy: Policy) -> list[Reason]:
    """Blocks a moderator placed on an email, email domain, IP (hash) or author name."""
    email = (draft.email or "").strip().casefold()
    domain = _email_domain(draft.email)
    author = None
    reasons = []
    for block in facts.blocks:
        if not block.is_active(facts.now):
            continue
        value = block.value.strip()
        if block.kind == "email" and email and value.casefold() == email:
            reasons.append(Reason("blocked_email", REJECT, "This email address is blocked on this site.", (value,)))
        elif block.kind == "domain" and domain and is_within(domain, domain_key(value.lstrip("@"))):
            reasons.append(Reason("blocked_email_domain", REJECT,
                                  f"Email addresses at {domain} are blocked on this site.", (value,)))
        elif block.kind == "ip" and draft.ip_hash and value.casefold() == draft.ip_hash.casefold():
            reasons.append(Reason("blocked_ip", REJECT, "Comments from this network are blocked on this site.",
                                  (value,)))
        elif block.kind == "name":
            author = name_key(draft.author) if author is None else author
            if author and name_key(value) == author:
                reasons.append(Reason("blocked_name", REJECT, "This name is blocked on this site.", (value,)))
    return reasons


def disposable_email(draft: Draft, facts: Facts, policy: Policy) -> Reason | None:
    domain = _email_domain(draft.email)
    if not (policy.hold_disposable_email and domain):
        return None
    listed = listed_domain(domain, policy.disposable_domain_set)
    if listed is None:
        return None
    return Reason("disposable_email", HOLD, f"Uses a disposable email address ({listed}).", (listed,))


def honeypot(draft: Draft, facts: Facts, policy: Policy) -> Reason | None:
    if not (draft.honeypot and draft.honeypot.strip()):
        return None
    return Reason("honeypot", REJECT, "A field that people leave empty was filled in: an automated submission.",
                  (draft.honeypot[:100],))


def fill_time(draft: Draft, facts: Facts, policy: Policy) -> Reason | None:
    if draft.fill_seconds is None:
        if policy.require_form_token:
            return Reason("missing_form_token", HOLD, "Sent without a valid form token.")
        return None
    if draft.fill_seconds < policy.min_fill_seconds:
        return Reason("too_fast", HOLD,
                      f"Sent {draft.fill_seconds:.1f} s after the form was shown "
                      f"(people take at least {policy.min_fill_seconds:g} s).")
    return None


def _second_signal(draft: Draft) -> bool:
    """Something besides the tone that spam needs: a link, a website, contact details. On the
    labelled corpus, capitals or a flood alone held legitimate excitement as often as spam."""
    return bool(draft.links or draft.website or find_contact_details(draft.body)
                or "://" in draft.body or "www." in draft.body.lower())


def shouting(draft: Draft, facts: Facts, policy: Policy) -> list[Reason]:
    """Mostly capital letters, or one character repeated at length, together with a second
    signal (see `_second_signal`); alone they are features of the learned filter."""
    if not policy.hold_shouting:
        return []
    reasons = []
    letters, share = capitals_share(draft.body)
    if letters >= SHOUTING_MIN_LETTERS and share >= SHOUTING_CAPITALS_SHARE:
        reasons.append(Reason("shouting", HOLD, f"Written mostly in capital letters ({share:.0%})."))
    floods = character_floods(draft.body, FLOOD_MIN_RUN)
    if floods:
        reasons.append(Reason("character_flood", HOLD,
                              f"Repeats a character {FLOOD_MIN_RUN} or more times in a row: {_listing(floods)}",
                              tuple(floods)))
    if reasons and not _second_signal(draft):
        return []
    return reasons


def contact_details(draft: Draft, facts: Facts, policy: Policy) -> Reason | None:
    """Phone numbers, messenger handles and e-mail addresses in a first-time author's text:
    the way back to a scammer when there is no link."""
    if not policy.hold_contact_details or facts.author_approved or facts.moderator_approvals:
        return None
    found = find_contact_details(draft.body)
    if not found:
        return None
    return Reason("contact_details", HOLD, f"A first comment with contact details: {_listing(found.kinds())}.",
                  tuple(found.kinds()))


def trade_website(draft: Draft, facts: Facts, policy: Policy) -> Reason | None:
    """A first-time author whose website names a trade spam sells (`spam_trades.txt`: pills,
    casinos, loans, essays, backlinks...) in its address or in the phrase it comes under. Spam
    whose only link is the website field says nothing in its text ("Great post, bookmarked!"),
    and the learned filter, which weighs every word of it, lets much of it through; readers'
    own sites seldom name these trades."""
    if not policy.hold_trade_websites or facts.author_approved or facts.moderator_approvals:
        return None
    found = website_trades(draft.website, draft.author, draft.trusted_domains)
    if not found:
        return None
    return Reason("trade_website", HOLD, f"A first comment whose website names what spam sells: {_listing(found)}.",
                  tuple(found))


def spam_threshold(model, policy: Policy) -> float:
    """The score at or above which the filter holds a site's comment: the site's own
    `spam_threshold`, or the model's for the site's `spam_max_false_holds`."""
    if policy.spam_threshold is not None:
        return policy.spam_threshold
    return model.threshold_for(policy.spam_max_false_holds)


def draft_features(draft: Draft) -> frozenset[str]:
    """What the learned filter reads of a draft."""
    return spam_features(draft.body, draft.author, draft.website, draft.email, draft.links, draft.page_url,
                         draft.trusted_domains)


def spam_probability(draft: Draft, facts: Facts, policy: Policy) -> float | None:
    """The learned filter's probability that the draft is spam; None when the site turned the
    filter off or no model is loaded."""
    model = facts.spam_model
    if not policy.spam_filter or model is None:
        return None
    return model.probability(draft_features(draft))


def spam_score(draft: Draft, facts: Facts, policy: Policy) -> Reason | None:
    """The learned filter: holds (never refuses) what its model scores at or above the threshold.
    The engine scores the draft once, before the rules (`facts.spam_probability`)."""
    model = facts.spam_model
    probability = facts.spam_probability
    if probability is None:
        probability = spam_probability(draft, facts, policy)
    if probability is None or probability < spam_threshold(model, policy):
        return None
    score = model.score(draft_features(draft))  # only a held comment's features are ranked
    return Reason("spam_score", HOLD, score.message(), score.top)


def rejection_history(draft: Draft, facts: Facts, policy: Policy) -> Reason | None:
    rejected, approved = facts.author_rejected, facts.author_approved
    if rejected < REJECTION_HISTORY_MIN or rejected <= approved:
        return None
    return Reason("rejection_history", HOLD,
                  f"The author has {_plural(rejected, 'rejected comment')} and {approved} approved.")


def moderation_mode(draft: Draft, facts: Facts, policy: Policy) -> Reason | None:
    if policy.mode == "pre":
        return Reason("pre_moderation", HOLD, "Pre-moderation is on: every comment is reviewed before it appears.")
    if policy.mode == "first-time" and facts.author_approved < policy.trusted_after:
        return Reason("first_time_author", HOLD,
                      f"New commenter: held until they have {_plural(policy.trusted_after, 'approved comment')}.")
    return None


RULES = (
    honeypot,
    blocks,
    repeat_post,
    copied_text,
    body_length,
    author_length,
    word_lists,
    blocked_link_domains,
    too_many_links,
    disposable_email,
    fill_time,
    shouting,
    contact_details,
    trade_website,
    spam_score,
    rejection_history,
    moderation_mode,
)
