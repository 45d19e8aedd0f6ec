"""`GET /internal/tls-allowed?domain=<host>`: may the proxy get a certificate for this host name?

The question a proxy issuing certificates on demand asks first (Caddy's `on_demand_tls` `ask`): 200 for
the verified custom domain of a help center that is online, 404 for any other name, so that a stranger
pointing names at the service does not make it request certificates. Served on the service's host only.
"""
from flask import Blueprint, request

from helpdesk.extensions import limiter
from helpdesk.helpcenter.hosts import hostname_of
from helpdesk.helpcenter.scope import OFFLINE, help_center_by_domain

bp = Blueprint("tls", __name__)


@bp.get("/internal/tls-allowed")
@limiter.exempt
def tls_allowed():
    host = hostname_of(request.args.get("domain", ""))
    found = help_center_by_domain(host) if host else None
    if found is None or found.status in OFFLINE or not found.help_center.enabled:
        return "no such help center domain\n", 404, {"Content-Type": "text/plain; charset=utf-8"}
    return "ok\n", 200, {"Content-Type": "text/plain; charset=utf-8"}
