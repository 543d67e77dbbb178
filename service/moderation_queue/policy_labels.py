"""What the policy page says about each policy key: a label a site owner understands, one
sentence of help, and the group it sits in. One table, keyed by the Policy field's name; a
test checks that every field has an entry, so a new key cannot reach the page unexplained.
Entries for keys a version does not have yet are simply unused."""

from __future__ import annotations

from dataclasses import dataclass, fields

from service.moderation.policy import DEFAULT_POLICY, Policy, dump_policy

GROUPS = ("Mode", "Words", "Links", "Limits", "Spam filter", "Trust", "Reports", "Reader features")


@dataclass(frozen=True)
class Label:
    group: str
    label: str
    help: str
    choices: tuple[str, ...] = ()  # a select instead of a text box


LABELS: dict[str, Label] = {
    "mode": Label("Mode", "Moderation mode",
                  "pre: every comment waits for review; post: published unless a rule objects; "
                  "first-time: held until the author has an approved comment.",
                  ("pre", "post", "first-time")),
    "close_after_days": Label("Mode", "Close comments after this many days",
                              "New comments on an older article are refused; leave empty to keep every "
                              "article open."),
    "banned_words": Label("Words", "Banned words",
                          "A comment containing one is refused; spacing, accents, look-alike letters and "
                          "leetspeak do not hide a word."),
    "suspect_words": Label("Words", "Suspect words", "A comment containing one is held for review."),
    "max_links": Label("Links", "Most links before a comment is held",
                       "A comment with more links than this (bare addresses count) waits for review."),
    "blocked_domains": Label("Links", "Blocked link domains",
                             "A comment linking to one of these domains or their subdomains is refused."),
    "trusted_domains": Label("Links", "Trusted link domains",
                             "Links to these domains or their subdomains (your other sites, documentation), "
                             "like links to the site's own origins, neither count toward the most links nor "
                             "weigh as links in the learned filter."),
    "rate_per_minute": Label("Limits", "Comments per minute from one reader",
                             "Counted per address and per email; more are answered \"too many\" and not stored."),
    "rate_per_hour": Label("Limits", "Comments per hour from one reader",
                           "The same count over an hour; it must be at least the per-minute limit."),
    "min_length": Label("Limits", "Shortest comment (characters)", "A shorter comment is refused."),
    "max_length": Label("Limits", "Longest comment (characters)", "A longer comment is refused."),
    "max_author_length": Label("Limits", "Longest name (characters)",
                               "The comment form's name box takes no more than this."),
    "repeat_window_minutes": Label("Limits", "Minutes in which the same text is a repeat",
                                   "The same text from the same address or email within this time is refused."),
    "copies_to_review": Label("Spam filter", "Copies from other senders that send a text to review",
                              "When this many comments with the same text came from other addresses or emails "
                              "within the repeat window, the next one is held (0 turns it off; texts under "
                              "30 characters, not counting the page's own address, are exempt)."),
    "min_fill_seconds": Label("Spam filter", "Minimum seconds between opening the form and posting",
                              "A form sent faster than a person types is held: bots fill forms at once."),
    "require_form_token": Label("Spam filter", "Require the form's signed token",
                                "Hold submissions that did not come through the comment form (scripts "
                                "posting to the API directly)."),
    "hold_disposable_email": Label("Spam filter", "Hold throwaway email addresses",
                                   "Comments from disposable mail services (a shipped list plus yours) wait "
                                   "for review."),
    "disposable_domains": Label("Spam filter", "More throwaway email domains",
                                "Added to the shipped list of disposable mail services, one per line."),
    "hold_shouting": Label("Spam filter", "Hold shouting",
                           "Hold text that is mostly capitals or floods one character when it also has a link, "
                           "a website or contact details (alone, they only weigh in the learned filter)."),
    "hold_contact_details": Label("Spam filter", "Hold contact details from new authors",
                                  "Phone numbers, messenger handles and email addresses in a first comment "
                                  "send it to review."),
    "hold_trade_websites": Label("Spam filter", "Hold websites that name what spam sells",
                                 "A first comment whose website (or the business name it comes under) names "
                                 "pills, casinos, loans, essays, backlinks and the like waits for review."),
    "spam_filter": Label("Spam filter", "Learned spam filter",
                         "Hold comments the filter trained on your moderators' decisions scores as spam."),
    "spam_threshold": Label("Spam filter", "Spam score threshold",
                            "Scores from this value up are held; leave empty to let the filter choose."),
    "spam_max_false_holds": Label("Spam filter", "Share of good comments the filter may hold",
                                  "Used to choose the threshold automatically: 0.02 means 2 in 100."),
    "trust_enabled": Label("Trust", "Trust authors with approved comments",
                           "A trusted author skips holds (never a refusal)."),
    "trusted_after": Label("Trust", "Approved comments that make an author trusted",
                           "How many of the author's comments a moderator must have approved."),
    "trust_after_days": Label("Trust", "Days a published comment takes to earn trust",
                              "A comment that stayed published this long with no report counts as approved."),
    "flags_to_review": Label("Reports", "Reader reports that send a comment to review",
                             "After this many reports the comment appears under Reported."),
    "hide_flagged": Label("Reports", "Hide reported comments until reviewed",
                          "Once the reports reach that number, readers no longer see the comment."),
    "votes": Label("Reader features", "Votes", "What readers may vote: likes and dislikes, likes only, or none.",
                   ("both", "likes", "off")),
    "avatars": Label("Reader features", "Avatars",
                     "Generated identicons, Gravatar images (the reader's browser then asks Gravatar), or none.",
                     ("identicon", "gravatar", "off")),
}


@dataclass(frozen=True)
class Field:
    key: str
    label: Label
    value: object
    default: object


def policy_fields() -> list[str]:
    return [f.name for f in fields(Policy)]


def grouped(values: dict) -> list[tuple[str, list[Field]]]:
    """The page's groups in order, each with its fields (the policy's own key order within)."""
    defaults = dump_policy(DEFAULT_POLICY)
    by_group: dict[str, list[Field]] = {group: [] for group in GROUPS}
    for key, value in values.items():
        label = LABELS.get(key) or Label("Other", key, "")
        by_group.setdefault(label.group, []).append(Field(key, label, value, defaults.get(key)))
    return [(group, items) for group, items in by_group.items() if items]


def shown(value: object) -> str:
    """A default as the page states it."""
    if value is None:
        return "none"
    if value is True or value is False:
        return "on" if value else "off"
    if isinstance(value, (list, tuple)):
        return ", ".join(map(str, value)) or "none"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
