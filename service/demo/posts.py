"""The demo blog's posts: plain data, as a blog engine would hand them to its templates."""

from __future__ import annotations

from dataclasses import dataclass

SITE = "demo"


@dataclass(frozen=True)
class Post:
    slug: str
    title: str
    date: str
    summary: str
    paragraphs: tuple[str, ...]


POSTS = (
    Post(
        "welcome", "Welcome to the workshop notebook", "2024-03-02",
        "Why this blog exists, and why the comments at the bottom are worth reading.",
        (
            "This notebook started as a paper folder of offcuts, pencil sketches and receipts for "
            "hinges that never fitted. Moving it online means the mistakes can be shared as well as "
            "the successes, and that other people can tell me where I went wrong.",
            "Every post ends with a comments section. It loads only when you scroll near it, it works "
            "with JavaScript switched off, and it never shows your email address to anyone. Comments "
            "with too many links, or words the moderators have learned to distrust, wait for a person "
            "to read them before they appear.",
            "If you write something and it says it is awaiting moderation, nothing is lost: you will "
            "see it marked as such in your own browser until it is approved. You can also correct a "
            "typo or take a comment back within the first quarter of an hour.",
            "Try it below. Replies nest a few levels deep, and *a little* **markdown** works.",
        ),
    ),
    Post(
        "planing-end-grain", "Planing end grain without tear-out", "2024-03-16",
        "A sharp iron, a low angle and a chamfer on the far corner do most of the work.",
        (
            "End grain resists a plane the way a bundle of drinking straws resists a knife pushed "
            "across their ends: each fibre wants to bend rather than be cut. The result, with a dull "
            "iron, is a surface that looks chewed rather than planed.",
            "Three things changed my results. First, the iron: honed until it shaves arm hair without "
            "pulling. Second, a low-angle block plane, bedded with the bevel up, so the effective "
            "cutting angle stays near thirty-seven degrees. Third, a small chamfer on the far corner "
            "of the board, so the last stroke never splits the edge off.",
            "Take thin shavings and skew the plane slightly. If the shavings come off as dust rather "
            "than curls, stop and sharpen; pushing harder only polishes the damage.",
        ),
    ),
    Post(
        "a-bench-for-small-rooms", "A workbench for a small room", "2024-04-05",
        "Notes on a fold-away bench that still holds a board steady for sawing.",
        (
            "A full workbench wants a garage. Mine has to share a spare room with a sewing table and a "
            "bicycle, so it folds flat against the wall and opens into a top sixty centimetres deep.",
            "The trick to making a light bench feel heavy is to stop it racking rather than to add "
            "mass: two diagonal braces, glued and screwed, did more than the twenty kilograms of sand "
            "I first put on the lower shelf.",
            "A planing stop made from an offcut and two holdfast holes cover most of what a vice would "
            "do. The cut list and a sketch are below; questions in the comments are very welcome.",
        ),
    ),
)

BY_SLUG = {post.slug: post for post in POSTS}
