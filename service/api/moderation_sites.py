"""The moderation API for a site: its blocks, its policy and the policy's dry run, and what its
spam filter did.

Moderators of a site may read its policy, try it in a dry run and manage its blocks; only
administrators change the policy.
"""

from __future__ import annotations

from flask.views import MethodView
from flask_smorest import Blueprint

from service.api.http import require_json_body
from service.api.moderation import block_payload, documented
from service.auth import guard_api, require_actor, require_admin, require_site_access
from service.extensions import csrf
from service.schemas.moderation import (BlockCreateSchema, BlockListSchema, BlockQuerySchema, BlockSchema,
                                        DryRunResultSchema, DryRunSchema, PolicyInputSchema, PolicySchema,
                                        SpamFilterQuerySchema, SpamFilterSchema)
from service.services.moderation import blocks, policies, spam_filter
from service.services.administration import site_admin
from service.services.administration.sites import get_site

blp = Blueprint("moderation_sites", __name__, url_prefix="/api/v1/moderation/sites",
                description="A site's blocks and moderation policy (moderator session or API token).")
blp.before_request(guard_api)
blp.before_request(require_json_body)
csrf.exempt(blp)

NO_SITE = (404, "No such site.")


def moderated_site(slug: str):
    """The caller and the site, if the caller moderates it (get_site refuses malformed slugs
    before any query)."""
    actor = require_actor()
    site = get_site(slug)
    require_site_access(actor, site.id)
    return actor, site


@blp.route("/<string:site>/blocks")
class SiteBlocks(MethodView):
    @blp.arguments(BlockQuerySchema(), location="query")
    @blp.response(200, BlockListSchema)
    @documented(NO_SITE, blueprint=blp)
    def get(self, query: dict, site: str):
        """The site's blocks, newest first (expired ones with `include_expired=true`)."""
        _, site_row = moderated_site(site)
        return {"blocks": [block_payload(b) for b in blocks.list_blocks(site_row, query["include_expired"])]}

    @blp.arguments(BlockCreateSchema())
    @blp.response(201, BlockSchema)
    @documented(NO_SITE, blueprint=blp)
    def post(self, data: dict, site: str):
        """Block an email, an email domain, an IP address (or its hash) or a name on this site."""
        actor, site_row = moderated_site(site)
        return block_payload(blocks.create_block(actor, site_row, data["kind"], data["value"],
                                                 data["expires_at"], data["note"]))


@blp.route("/<string:site>/blocks/<int:block_id>")
class SiteBlock(MethodView):
    @blp.response(204)
    @documented((404, "No such site or block."), blueprint=blp)
    def delete(self, site: str, block_id: int):
        """Lift a block."""
        actor, site_row = moderated_site(site)
        blocks.delete_block(actor, site_row, block_id)
        return ""


@blp.route("/<string:site>/policy")
class SitePolicy(MethodView):
    @blp.response(200, PolicySchema)
    @documented(NO_SITE, blueprint=blp)
    def get(self, site: str):
        """The site's effective moderation policy (defaults filled in)."""
        _, site_row = moderated_site(site)
        return {"policy": policies.get_policy(site_row)}

    @blp.arguments(PolicyInputSchema())
    @blp.response(200, PolicySchema)
    @documented(NO_SITE, (422, "Not a valid policy; see errors."), blueprint=blp)
    def put(self, data: dict, site: str):
        """Replace the site's policy (administrators only). Keys left out take their defaults."""
        actor, site_row = moderated_site(site)
        require_admin(actor)
        return {"policy": site_admin.save_policy(actor, site_row, data)}


@blp.route("/<string:site>/dry-run")
class SiteDryRun(MethodView):
    @blp.arguments(DryRunSchema())
    @blp.response(200, DryRunResultSchema)
    @documented(NO_SITE, blueprint=blp)
    def post(self, data: dict, site: str):
        """What the site's rules would decide for this comment, with today's facts. Stores nothing."""
        _, site_row = moderated_site(site)
        return policies.dry_run(site_row, data)


@blp.route("/<string:site>/spam-filter")
class SiteSpamFilter(MethodView):
    @blp.arguments(SpamFilterQuerySchema(), location="query")
    @blp.response(200, SpamFilterSchema)
    @documented(NO_SITE, blueprint=blp)
    def get(self, query: dict, site: str):
        """How the learned spam filter holds on the site (the model in service, the site's
        threshold) and what it held in the last `days` days, and what moderators made of it."""
        _, site_row = moderated_site(site)
        return spam_filter.summary(site_row.id, policies.site_policy(site_row), query["days"])
