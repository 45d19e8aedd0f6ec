"""The base model and the list of every model, in creation order.

Tenant tables subclass `workspaces.models.TenantModel`, which adds the
workspace foreign key and `of(workspace)`.
"""
from peewee import DateTimeField

from helpdesk.core.clock import utcnow
from helpdesk.extensions import db


class BaseModel(db.Model):
    """Every table has a creation time (UTC, naive)."""

    created_at = DateTimeField(default=utcnow)

    class Meta:
        legacy_table_names = False


def all_models():
    """Every model of the application, parents before children."""
    from peewee import sort_models

    from helpdesk.accounts.models import MODELS as accounts
    from helpdesk.billing.models import MODELS as billing
    from helpdesk.core.audit import AuditEntry
    from helpdesk.core.mailer import SystemEmail
    from helpdesk.core.periodic_runs import PeriodicRun
    from helpdesk.customers.models import MODELS as customers
    from helpdesk.helpcenter.models import MODELS as helpcenter
    from helpdesk.knowledge.models import MODELS as knowledge
    from helpdesk.mail.models import MODELS as mail
    from helpdesk.notifications.models import MODELS as notifications
    from helpdesk.operator.announcements import MODELS as announcements
    from helpdesk.operator.models import MODELS as operator
    from helpdesk.operator.snapshots import DailySnapshot
    from helpdesk.operator.terms import MODELS as terms
    from helpdesk.suggestions.models import MODELS as suggestions
    from helpdesk.tickets.drafts import MODELS as drafts
    from helpdesk.tickets.models import MODELS as tickets
    from helpdesk.tickets.watchers import MODELS as watchers
    from helpdesk.workspaces.models import MODELS as workspaces

    return sort_models([AuditEntry, SystemEmail, *accounts, *workspaces, *customers, *tickets, *drafts, *watchers, *mail,
                        *notifications, *billing, *helpcenter, *knowledge, *operator, PeriodicRun, DailySnapshot,
                        *terms, *announcements, *suggestions])
