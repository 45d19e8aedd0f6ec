"""The per-account sign-in limit: a growing delay after repeated wrong passwords, never a lock-out.

The limiter counts requests per client address; an attacker with many addresses is stopped
here, per email address (with or without an account, so the answer tells nothing). The first
`FREE_ATTEMPTS` attempts are answered at once; after that each attempt must wait a delay that
doubles up to `MAX_DELAY`. An attempt is counted *before* its password is checked, by a
compare-and-set on the counter, so parallel requests cannot slip through together. The owner
gets in with the right password once the delay has passed, and a password reset (not limited
here) clears it.

The help center's end users are counted the same way, per workspace and address, in their own
table: pass `model=EndUserSignInThrottle, workspace=...`.
"""
import math
from datetime import timedelta

from helpdesk.accounts.models import SignInThrottle

FREE_ATTEMPTS = 5
FIRST_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(minutes=15)
# Attempts this long after the previous one start counting again from one.
FORGET_AFTER = timedelta(hours=1)
CLAIM_TRIES = 3


class SignInDelayed(Exception):
    """Too many recent attempts on this account; `seconds` until the next one is heard."""

    def __init__(self, seconds):
        super().__init__(f"try again in {seconds} seconds")
        self.seconds = seconds


def delay_after(failures):
    """The wait after `failures` attempts without success (None while within the free ones)."""
    if failures < FREE_ATTEMPTS:
        return None
    return min(FIRST_DELAY * 2 ** (failures - FREE_ATTEMPTS), MAX_DELAY)


def _where(model, email, workspace):
    where = model.email == email
    return where if workspace is None else where & (model.workspace == workspace)


def claim_attempt(email, *, now, model=SignInThrottle, workspace=None):
    """Count one password attempt on `email` (normalized), or raise SignInDelayed while it must wait."""
    scope = {} if workspace is None else {"workspace": workspace}
    model.insert(email=email, last_attempt_at=now, created_at=now, **scope).on_conflict_ignore().execute()
    for _ in range(CLAIM_TRIES):
        row = model.get(_where(model, email, workspace))
        if row.retry_at is not None and row.retry_at > now:
            raise SignInDelayed(math.ceil((row.retry_at - now).total_seconds()))
        failures = 1 if now - row.last_attempt_at > FORGET_AFTER else row.failures + 1
        delay = delay_after(failures)
        claimed = (model
                   .update(failures=failures, last_attempt_at=now, retry_at=now + delay if delay else None)
                   .where(model.id == row.id, model.failures == row.failures)
                   .execute())
        if claimed:
            return
    # Other attempts on this account won every round: this one waits like a delayed one.
    raise SignInDelayed(math.ceil(FIRST_DELAY.total_seconds()))


def clear(email, *, model=SignInThrottle, workspace=None):
    """The password was right (or was reset): the account's count starts again."""
    model.update(failures=0, retry_at=None).where(_where(model, email, workspace)).execute()
