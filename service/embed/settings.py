"""Per-site widget settings (Site.settings) and the per-embed overrides from data attributes.

Settings: language, order ("oldest" | "newest"), reply_depth (1-6) and theme (a map of a few
CSS custom properties to values). Theme values end up in a stylesheet, so they are checked
strictly: colours, lengths and font-family lists only, in forms that cannot close a
declaration or a block.

The host page's own look (font family, text, link and background colours, read by embed.js
and passed as host-* query parameters) is the base layer; the site's theme and the embed's
data-theme-* attributes override it property by property.
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
# CSS's named colours (Color Level 4) and the two keywords a theme can sensibly use: any other
# word is refused, where a browser would silently ignore it and the theme would not apply.
CSS_COLOUR_NAMES = frozenset("""
aliceblue antiquewhite aqua aquamarine azure beige bisque black blanchedalmond blue blueviolet brown
burlywood cadetblue chartreuse chocolate coral cornflowerblue cornsilk crimson cyan darkblue darkcyan
darkgoldenrod darkgray darkgreen darkgrey darkkhaki darkmagenta darkolivegreen darkorange darkorchid
darkred darksalmon darkseagreen darkslateblue darkslategray darkslategrey darkturquoise darkviolet
deeppink deepskyblue dimgray dimgrey dodgerblue firebrick floralwhite forestgreen fuchsia gainsboro
ghostwhite gold goldenrod gray green greenyellow grey honeydew hotpink indianred indigo ivory khaki
lavender lavenderblush lawngreen lemonchiffon lightblue lightcoral lightcyan lightgoldenrodyellow
lightgray lightgreen lightgrey lightpink lightsalmon lightseagreen lightskyblue lightslategray
lightslategrey lightsteelblue lightyellow lime limegreen linen magenta maroon mediumaquamarine
mediumblue mediumorchid mediumpurple mediumseagreen mediumslateblue mediumspringgreen mediumturquoise
mediumvioletred midnightblue mintcream mistyrose moccasin navajowhite navy oldlace olive olivedrab
orange orangered orchid palegoldenrod palegreen paleturquoise palevioletred papayawhip peachpuff peru
pink plum powderblue purple rebeccapurple red rosybrown royalblue saddlebrown salmon sandybrown
seagreen seashell sienna silver skyblue slateblue slategray slategrey snow springgreen steelblue tan
teal thistle tomato turquoise violet wheat white whitesmoke yellow yellowgreen transparent currentcolor
""".split())
_COLOUR_FORM = re.compile(rf"^(?:{_HEX}|{_FUNC})$")


def is_colour(value: str) -> bool:
    """`#hex`, `rgb()`/`hsl()` or one of CSS's colour names."""
    return bool(_COLOUR_FORM.match(value)) or value.lower() in CSS_COLOUR_NAMES

LENGTH = re.compile(r"^(?:0|\d{1,3}(?:\.\d{1,3})?(?:px|rem|em|%))$")
_FAMILY = r"""(?:[\w .-]{1,60}|"[\w .-]{1,60}"|'[\w .-]{1,60}')"""
FONT = re.compile(rf"^{_FAMILY}(?:,\s*{_FAMILY}){{0,11}}$")

# The custom properties a theme may set, and the check of the value each takes.
THEME_PROPERTIES = {
    "accent": is_colour, "fg": is_colour, "bg": is_colour, "muted": is_colour, "line": is_colour,
    "surface": is_colour, "radius": LENGTH.match, "font-size": LENGTH.match, "max-width": LENGTH.match,
    "font": FONT.match,
}
# What embed.js reads from the host element's computed style.
HOST_PROPERTIES = ("fg", "bg", "accent", "font")
THEME_KEYS = tuple(THEME_PROPERTIES) + tuple(f"dark-{name}" for name in THEME_PROPERTIES)


def valid_theme_value(name: str, value: object) -> bool:
    prop = name[5:] if name.startswith("dark-") else name
    check = THEME_PROPERTIES.get(prop)
    return check is not None and isinstance(value, str) and bool(check(value.strip()))


def clean_theme(theme: Mapping | None) -> dict[str, str]:
    """Only the allowed properties with valid values; anything else is dropped."""
    if not isinstance(theme, Mapping):
        return {}
    return {name: str(theme[name]).strip() for name in THEME_KEYS
            if name in theme and valid_theme_value(name, theme[name])}


def theme_from_query(args: Mapping[str, str]) -> dict[str, str]:
    """`theme-accent=#c00` style query parameters, as embed.js passes data-theme-* attributes."""
    return clean_theme({key[6:]: value for key, value in args.items() if key.startswith("theme-")})


def host_style_from_query(args: Mapping[str, str]) -> dict[str, str]:
    """`host-fg=rgb(34, 34, 34)` style query parameters: the host page's look, as embed.js read it."""
    return {name: args[f"host-{name}"].strip() for name in HOST_PROPERTIES
            if isinstance(args.get(f"host-{name}"), str) and valid_theme_value(name, args[f"host-{name}"])}


def luminance(colour: str) -> float | None:
    """Relative luminance (WCAG) of a #hex or rgb()/rgba() colour; None for other forms."""
    colour = colour.strip()
    if re.fullmatch(r"#[0-9a-fA-F]{6}", colour):
        channels = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    elif re.fullmatch(r"#[0-9a-fA-F]{3}", colour):
        channels = [int(c * 2, 16) for c in colour[1:]]
    else:
        found = re.fullmatch(r"rgba?\(\s*(\d{1,3})[\s,]+(\d{1,3})[\s,]+(\d{1,3})\s*(?:[,/]\s*[0-9.]+%?\s*)?\)", colour)
        if not found:
            return None
        channels = [min(255, int(c)) for c in found.groups()]
    linear = [(c / 255) / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


# Colours that keep their contrast on a light or on a dark background: the status colours,
# and text and accent when the theme gives a background but not those.
_ON_LIGHT = {"fg": "#1f2328", "accent": "#0a57d0", "error": "#b3261e", "ok": "#1a7f37", "warn": "#8a5a00"}
_ON_DARK = {"fg": "#e6edf3", "accent": "#6cb6ff", "error": "#ff8a80", "ok": "#56d364", "warn": "#e3b341"}


def _declarations(theme: dict[str, str]) -> str:
    """Custom properties; a background of known lightness also brings colours and a form
    controls' scheme that suit it, whatever the reader's own preference."""
    css = "".join(f"--c-{k}:{v};" for k, v in theme.items())
    level = luminance(theme["bg"]) if "bg" in theme else None
    if level is not None:
        light = level > 0.18
        css += "color-scheme:light;" if light else "color-scheme:dark;"
        css += "".join(f"--c-{k}:{v};" for k, v in (_ON_LIGHT if light else _ON_DARK).items() if k not in theme)
    return css


def theme_stylesheet(theme: Mapping[str, str]) -> str:
    """A clean theme as custom properties; dark-* ones for readers whose system is dark."""
    light = {k: v for k, v in theme.items() if not k.startswith("dark-")}
    dark = {k[5:]: v for k, v in theme.items() if k.startswith("dark-")}
    css = f":root{{{_declarations(light)}}}\n"
    if dark:
        css += f"@media (prefers-color-scheme: dark){{:root{{{_declarations(dark)}}}}}\n"
    return css


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
