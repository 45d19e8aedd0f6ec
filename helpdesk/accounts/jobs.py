"""Account housekeeping jobs."""
from datetime import timedelta

from helpdesk.accounts.models import AccountToken
from helpdesk.core.clock import utcnow
from helpdesk.jobs import job

# Used and expired links are kept a day for support questions ("my link did not work").
TOKEN_GRACE = timedelta(days=1)


@job
def purge_expired_tokens(now=None):
    """Delete link tokens that expired over a day ago. Returns how many went."""
    now = now or utcnow()
    return AccountToken.delete().where(AccountToken.expires_at < now - TOKEN_GRACE).execute()
