"""Billing test helpers: a clock that moves through a workspace's timeline and runs the lifecycle job at each
step, and the Stripe test keys."""
from datetime import datetime, timedelta

from helpdesk.billing.lifecycle import run_lifecycle
from helpdesk.workspaces.models import Workspace
from tests.conftest import drain_jobs, sent_mail

START = datetime(2026, 12, 1, 9, 0)
STRIPE_WEBHOOK_SECRET = "whsec_5Fq1bX0mUq3Jd8r4cW2eYtG7hK9nLpZs"  # the `stripe_keys` fixture's (conftest.py)


class Clock:
    """The injected time of a test; `run()` is the daily job at that moment."""

    def __init__(self, start=START):
        self.now = start

    def at(self, moment):
        self.now = moment
        return self

    def days(self, days, hours=0):
        self.now += timedelta(days=days, hours=hours)
        return self

    def run(self):
        done = run_lifecycle(self.now)
        drain_jobs()  # the purges it queued, as a worker would run them
        return done


def reload(workspace):
    return Workspace.get_by_id(workspace.id)


def subjects(app, to):
    """Subjects of the mail delivered to `to`, oldest first."""
    return [message["Subject"] for message in sent_mail(app, to=to)]


def body_of(message):
    return message.get_body(("plain",)).get_content()
