"""Billing jobs: the daily lifecycle run (in `PERIODIC_JOBS`)."""
from helpdesk.billing.lifecycle import run_lifecycle
from helpdesk.core.clock import utcnow
from helpdesk.jobs import job


@job
def lifecycle_daily():
    """Apply the lifecycle rules due now (R13-R17, R20); idempotent, so a rerun sends nothing twice."""
    return dict(run_lifecycle(utcnow()))
