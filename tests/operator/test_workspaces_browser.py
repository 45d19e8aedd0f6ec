"""In Chromium: an operator finds a workspace with a hostile name, suspends it (the owner is emailed the
reason), lifts it, and restores a cancelled one; the owner turns support access on and sees the visit in
the audit log. The pages at 1366x850 and 390x844 (screenshots under test-artifacts/screenshots/)."""
from helpdesk.core.clock import utcnow
from helpdesk.workspaces.models import Workspace
from helpdesk.workspaces.services import change_status
from tests.browser import sign_in
from tests.conftest import sent_mail
from tests.factories import make_ticket, make_workspace, owner_of
from tests.operator.helpers import make_operator
from tests.operator.test_console_browser import HOSTILE, LAPTOP, LONG, _both_widths, _into_console


def test_an_operator_suspends_and_restores_a_workspace(app, new_page, shots):
    with app.app_context():
        operator = make_operator()
        workspace = make_workspace(name=f"Acme {HOSTILE}"[:120])  # the longest name the form takes
        make_ticket(workspace, subject=f"Printer {LONG}", body=HOSTILE)
        owner = owner_of(workspace).user
        for i in range(3):
            make_workspace(name=f"Other team {i} {LONG[:60]}")
        cancelled = make_workspace(name="Gone Ltd")
        change_status(cancelled, Workspace.CANCELLED, now=utcnow(), reason="cancelled_by_owner")

    page = new_page()
    page.set_viewport_size(LAPTOP)
    _into_console(app, page, operator)
    page.goto("/operator/workspaces/")
    page.get_by_label("Name or address").fill("Acme")
    page.get_by_role("button", name="Show").click()
    _both_widths(page, shots, "operator-workspaces")
    page.get_by_label("Name or address").fill("")
    page.get_by_text("Seats, tickets, paid until, last sign-in…").click()
    page.get_by_label("Tickets, at least").fill("1")
    page.get_by_label("No member signed in since").fill("2030-01-01")
    page.get_by_role("button", name="Show").click()
    assert page.get_by_role("link", name=f"Acme {HOSTILE}"[:120]).is_visible()
    assert page.get_by_role("link", name="Gone Ltd").count() == 0  # no ticket there
    _both_widths(page, shots, "operator-workspaces-filtered")
    page.get_by_role("link", name=f"Acme {HOSTILE}"[:120]).click()
    _both_widths(page, shots, "operator-workspace")

    page.get_by_role("link", name="Suspend…").click()
    page.get_by_label("Reason (emailed to the owner)").fill(f"Spam sent from here. {HOSTILE}")
    _both_widths(page, shots, "operator-suspend")
    page.get_by_role("button", name="Suspend the workspace").click()
    assert page.get_by_text("is suspended; the owner was emailed.").is_visible()
    with app.app_context():
        assert Workspace.get_by_id(workspace.id).status == Workspace.SUSPENDED
    [mail] = sent_mail(app, to=owner.email)
    assert "Spam sent from here." in mail.get_body(("plain",)).get_content()
    page.get_by_role("button", name="Lift the suspension").click()
    assert page.get_by_text("Suspension lifted: the workspace is trial.").is_visible()

    page.goto("/operator/workspaces/?state=cancelled")
    page.get_by_role("link", name="Gone Ltd").click()
    page.get_by_role("button", name="Restore the cancelled workspace").click()
    assert page.get_by_text("Restored: the workspace is trial.").is_visible()
    page.goto(f"/operator/workspaces/{workspace.id}/terminate")
    _both_widths(page, shots, "operator-terminate")
    page.goto("/operator/plans/")
    page.get_by_label("Name", exact=True).fill(f"Team {LONG[:70]}")
    page.get_by_label("Price per seat per month, in cents, tax excluded").fill("1500")
    page.get_by_role("button", name="Create the plan").click()
    assert page.get_by_text("created.").is_visible()
    page.get_by_text("or change its discounts…").click()
    page.get_by_label("Discount, 12 months prepaid (%)").fill("12.5")
    page.get_by_role("button", name="Save the plan").click()
    assert page.get_by_text("saved.").is_visible()
    page.get_by_text("or change its discounts…").click()
    _both_widths(page, shots, "operator-plans")

    owner_page = new_page()
    owner_page.set_viewport_size(LAPTOP)
    sign_in(owner_page, owner)
    owner_page.goto(f"/w/{workspace.slug}/settings/support-access")
    owner_page.get_by_label("7 days").check()
    owner_page.get_by_role("button", name="Allow support access").click()
    assert owner_page.get_by_text("Support access is on until").first.is_visible()
    _both_widths(owner_page, shots, "owner-support-access")

    page.goto(f"/operator/workspaces/{workspace.id}")
    page.get_by_role("link", name="Open read-only").click()
    assert page.get_by_text("read-only, until").is_visible()
    _both_widths(page, shots, "operator-support-tickets")
    page.get_by_role("link", name=f"Printer {LONG}").click()
    _both_widths(page, shots, "operator-support-ticket")

    owner_page.goto(f"/w/{workspace.slug}/settings/audit-log")
    assert owner_page.get_by_text("operator.support_visit").first.is_visible()
    _both_widths(owner_page, shots, "owner-audit-log")
