"""Per-site widget settings (Site.settings) and the per-embed overrides from data attributes.

Settings: language, order ("oldest" | "newest"), reply_depth (1-6) and theme (a map of a few
CSS custom properties to values). Theme values end up in a stylesheet, so they are checked
strictly: colours and lengths only, in forms that cannot close a declaration or a block.
"""

from __future__ import annotations

import re
from typing import Mapping

from service.embed.i18n import languages
from service.errors import Unprocessable
from service.extensions import db
from service.services.administration.sites import get_site

ORDERS = ("oldest", "newest", "top")
DEFAULT_REPLY_DEPTH = 3
MAX_REPLY_DEPTH = 6

_HEX = r"#(?:[0-9a-fA-F]{3,4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})"
_FUNC = r"(?:rgb|rgba|hsl|hsla)\(\s*[0-9.%,\s/deg]{1,60}\)"
_NAMED = r"[a-zA-Z]{3,20}"
COLOUR = re.compile(rf"^(?:{_HEX}|{_FUNC}|{_NAMED})$")
LENGTH = re.compile(r"^(?:0|\d{1,3}(?:\.\d{1,3})?(?:px|rem|em|%))$")

# The custom properties a theme may set, and the kind of value each takes.
THEME_PROPERTIES = {
    "accent": COLOUR, "fg": COLOUR, "bg": COLOUR, "muted": COLOUR, "line": COLOUR, "surface": COLOUR,
    "radius": LENGTH, "font-size": LENGTH, "max-width": LENGTH,
}
THEME_KEYS = tuple(THEME_PROPERTIES) + tuple(f"dark-{name}" for name in THEME_PROPERTIES)


def valid_theme_value(name: str, value: object) -> bool:
    prop = name[5:] if name.startswith("dark-") else name
    pattern = THEME_PROPERTIES.get(prop)
    return pattern is not None and isinstance(value, str) and bool(pattern.match(value.strip()))


def clean_theme(theme: Mapping | None) -> dict[str, str]:
    """Only the allowed properties with valid values; anything else is dropped."""
    if not isinstance(theme, Mapping):
        return {}
    return {name: str(theme[name]).strip() for name in THEME_KEYS
            if name in theme and valid_theme_value(name, theme[name])}


def theme_from_query(args: Mapping[str, str]) -> dict[str, str]:
    """`theme-accent=#c00` style query parameters, as embed.js passes data-theme-* attributes."""
    return clean_theme({key[6:]: value for key, value in args.items() if key.startswith("theme-")})


def widget_settings(stored: Mapping | None) -> dict:
    """A site's stored settings with defaults filled and anything invalid ignored."""
    stored = stored if isinstance(stored, Mapping) else {}
    depth = stored.get("reply_depth")
    order = stored.get("order")
    language = stored.get("language")
    return {
        "language": language if language in languages() else "en",
        "order": order if order in ORDERS else "oldest",
        "reply_depth": depth if isinstance(depth, int) and 1 <= depth <= MAX_REPLY_DEPTH else DEFAULT_REPLY_DEPTH,
        "theme": clean_theme(stored.get("theme")),
    }


def validate_changes(changes: Mapping) -> dict:
    """Strict check of settings an owner sets: a clear 422 for anything invalid."""
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    if changes.get("language") is not None:
        if changes["language"] not in languages():
            errors["language"] = [f"One of {', '.join(languages())}."]
        clean["language"] = changes["language"]
    if changes.get("order") is not None:
        if changes["order"] not in ORDERS:
            errors["order"] = [f"One of {', '.join(ORDERS)}."]
        clean["order"] = changes["order"]
    if changes.get("reply_depth") is not None:
        depth = changes["reply_depth"]
        if not isinstance(depth, int) or not 1 <= depth <= MAX_REPLY_DEPTH:
            errors["reply_depth"] = [f"A whole number from 1 to {MAX_REPLY_DEPTH}."]
        clean["reply_depth"] = depth
    if changes.get("theme") is not None:
        bad = [name for name, value in changes["theme"].items() if not valid_theme_value(name, value)]
        if bad:
            errors["theme"] = [f"Not an allowed property or value: {', '.join(sorted(bad))}. "
                               f"Properties: {', '.join(THEME_KEYS)}; values are colours or lengths."]
        clean["theme"] = dict(changes["theme"])
    if errors:
        raise Unprocessable("Invalid widget settings.", errors={"json": errors})
    return clean


def configure_site(slug: str, changes: Mapping, *, reset_theme: bool = False) -> dict:
    """Store validated widget settings for a site; returns the effective settings."""
    site = get_site(slug)
    clean = validate_changes(changes)
    settings = dict(site.settings or {})
    if reset_theme:
        settings.pop("theme", None)
    if "theme" in clean:
        clean["theme"] = {**(settings.get("theme") or {}), **clean["theme"]}
    settings.update(clean)
    site.settings = settings
    db.session.commit()
    return widget_settings(settings)
