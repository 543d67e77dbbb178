"""Sites at a glance: the list of the moderator's sites, and one site's overview (decisions
per day as a chart, queue sizes, the rules that fired most, its blocks)."""

from __future__ import annotations

from flask import render_template, url_for

from service.moderation_queue.blueprint import actor, bp, done
from service.moderation_queue.forms import PlainForm
from service.services.moderation import blocks, overview, queue
from service.services.administration.sites import get_site


@bp.get("/sites/")
def sites_page():
    return render_template("moderate/sites.html", sites=queue.visible_sites(actor()))


@bp.get("/sites/<slug>/")
def overview_page(slug: str):
    view = overview.site_overview(actor(), slug)
    return render_template("moderate/overview.html", view=view, chart=overview.chart(view),
                           blocks=blocks.list_blocks(view.site), delete_form=PlainForm())


@bp.post("/sites/<slug>/blocks/<int:block_id>/delete")
def delete_block(slug: str, block_id: int):
    blocks.delete_block(actor(), get_site(slug), block_id)
    return done({"id": block_id, "deleted": True}, "The block is lifted.",
                url_for("moderation_queue.overview_page", slug=slug))
