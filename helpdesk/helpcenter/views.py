"""Public help-center pages: home, the branding's stylesheet and logo (thin: the rules live in services.py)."""
from flask import abort, g, make_response, render_template

from helpdesk.core import storage
from helpdesk.core.render import render
from helpdesk.helpcenter import services
from helpdesk.helpcenter.scope import helpcenter_bp as bp
from helpdesk.knowledge import services as knowledge
from helpdesk.knowledge.caching import cached_page

HOME_LIST_LENGTH = 5


@bp.get("/")
@cached_page
def home():
    sections = {}
    if g.knowledge_public:
        sections = {"categories": knowledge.public_categories(g.workspace),
                    "popular": knowledge.popular_articles(g.workspace, limit=HOME_LIST_LENGTH),
                    "recent": knowledge.recent_articles(g.workspace, limit=HOME_LIST_LENGTH)}
    return render("helpcenter/home.html", help_center=g.help_center, **sections)


@bp.get("/theme.css")
def theme():
    """The accent colour as CSS custom properties (the CSP allows no inline style)."""
    accent = g.help_center.accent_color
    response = make_response(render_template("helpcenter/theme.css", accent=accent))
    response.headers["Content-Type"] = "text/css; charset=utf-8"
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.get("/logo")
def logo():
    """The uploaded logo, served with the type its bytes were checked to be (never SVG)."""
    if not g.help_center.logo_key:
        abort(404)
    response = make_response(storage.read(g.help_center.logo_key))
    response.headers["Content-Type"] = g.help_center.logo_type
    response.headers["Cache-Control"] = "public, max-age=300"
    return response


@bp.app_template_global("footer_links")
def footer_links(help_center):
    return services.footer_links_of(help_center)
