"""The frame's own scripts and styles, the reader features' files among them, within budget."""

from __future__ import annotations


def test_the_frames_own_scripts_and_styles_stay_within_12_kb_gzipped_together():
    import gzip

    from service.embed.assets import PAGE_ASSETS, STATIC

    assert {"reader.js", "reader.css"} <= set(PAGE_ASSETS)
    total = sum(len(gzip.compress((STATIC / name).read_bytes(), compresslevel=9)) for name in PAGE_ASSETS)
    assert total <= 12 * 1024
