"""`GET /healthz`: is the database reachable, is the queue? JSON, 200 or 503."""
from flask import Blueprint, current_app, jsonify

from helpdesk.extensions import db, limiter
from helpdesk.jobs import redis_connection

bp = Blueprint("health", __name__)


@bp.route("/healthz")
@limiter.exempt
def healthz():
    checks = {}
    try:
        db.database.execute_sql("SELECT 1")
        checks["database"] = "ok"
    except Exception as error:  # report, never crash: this is what monitors call
        checks["database"] = f"error: {error.__class__.__name__}"
    if current_app.config["REDIS_URL"]:
        try:
            redis_connection().ping()
            checks["queue"] = "ok"
        except Exception as error:
            checks["queue"] = f"error: {error.__class__.__name__}"
    else:
        checks["queue"] = "in-process"
    healthy = all(value in ("ok", "in-process") for value in checks.values())
    return jsonify(status="ok" if healthy else "unavailable", **checks), 200 if healthy else 503
