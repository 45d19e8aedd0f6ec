"""Account housekeeping jobs."""
from datetime import timedelta

from helpdesk.accounts.models import AccountToken, SignInThrottle, UserSession
from helpdesk.accounts.throttle import FORGET_AFTER
from helpdesk.core.clock import utcnow
from helpdesk.jobs import job

# Used and expired links are kept a day for support questions ("my link did not work").
TOKEN_GRACE = timedelta(days=1)


@job
def purge_expired_tokens(now=None):
    """Delete what no longer signs anyone in: link tokens and sessions that ended over a day ago,
    and sign-in counts that no longer count. Returns how many link tokens went."""
    now = now or utcnow()
    UserSession.delete().where((UserSession.expires_at < now - TOKEN_GRACE)
                               | (UserSession.revoked_at < now - TOKEN_GRACE)).execute()
    # Past FORGET_AFTER a count starts again from one (and its delay, at most MAX_DELAY, is over).
    SignInThrottle.delete().where(SignInThrottle.last_attempt_at < now - FORGET_AFTER).execute()
    return AccountToken.delete().where(AccountToken.expires_at < now - TOKEN_GRACE).execute()
