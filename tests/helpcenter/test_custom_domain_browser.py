"""A help center on its verified custom domain, in Chromium at both widths: served at `/`, links stay on the host."""
import re

from playwright.sync_api import expect

from helpdesk.core.clock import utcnow
from helpdesk.helpcenter.models import HelpCenter
from tests.browser import CHROMIUM, CHROMIUM_ARGS, fits
from tests.helpcenter.test_browser import LONG, branded_center

HOST = "help.acme.example"


def test_a_verified_domain_serves_the_help_center_at_its_root_and_its_links_stay_there(app, browser, live_server,
                                                                                        shots):
    workspace, _ = branded_center()
    now = utcnow()
    HelpCenter.update(domain=HOST, domain_token="t0ken", domain_added_at=now, domain_verified_at=now).where(
        HelpCenter.workspace == workspace.id).execute()
    port = live_server.rsplit(":", 1)[1]
    # The host names resolve to the test server in this browser only (no DNS, no /etc/hosts).
    resolving = browser.browser_type.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS + [
        f"--host-resolver-rules=MAP {HOST} 127.0.0.1, MAP unknown.example 127.0.0.1"])
    try:
        page = resolving.new_page(viewport={"width": 1366, "height": 850})
        page.goto(f"http://{HOST}:{port}/")
        expect(page.get_by_role("heading", level=1)).to_have_text("How can we help?")
        expect(page.get_by_text("Acme Support & Friends").first).to_be_visible()  # its branding
        assert fits(page)
        shots.take(page, "custom-domain-home", phone=True)
        page.set_viewport_size({"width": 390, "height": 844})
        assert fits(page)
        page.set_viewport_size({"width": 1366, "height": 850})
        page.get_by_role("link", name=re.compile(f"Printers and scanners {LONG}")).first.click()
        expect(page.get_by_role("link", name="Printer jams on every page: what to do")).to_be_visible()
        page.get_by_role("link", name="Printer jams on every page: what to do").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Printer jams on every page: what to do")
        assert page.url.startswith(f"http://{HOST}:{port}/") and "/h/" not in page.url
        assert fits(page)
        shots.take(page, "custom-domain-article", phone=True)
        page.set_viewport_size({"width": 390, "height": 844})
        assert fits(page)  # the long name in the header wraps on a phone (it made the page 963 px wide)
        assert page.goto(f"http://{HOST}:{port}/w/{workspace.slug}/tickets/").status == 404  # no agents' app there
        assert page.goto(f"http://unknown.example:{port}/").status == 404
    finally:
        resolving.close()
