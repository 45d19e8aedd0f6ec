"""Screenshots of the public board with hostile data at laptop and phone width; nothing wider than the screen."""
from helpdesk.suggestions import services
from tests.browser import fits
from tests.factories import make_workspace
from tests.suggestions.test_board import idea, person


def test_the_board_and_a_suggestion_fit_with_hostile_data(app, new_page, shots):
    with app.app_context():
        acme = make_workspace(name="Acme")
        ann = person(acme, name="<script>alert(1)</script> " + "ن" * 40)
        long_word = "x" * 280
        posted = idea(acme, ann, title=long_word, description=long_word + " <script>alert(2)</script>")
        idea(acme, ann, title="مرحبا بالعالم — an RTL title")
        services.add_comment(acme, posted, ann, body=long_word, parent_id=None, now=posted.created_at)
        slug, suggestion_path = acme.slug, f"{posted.id}-{posted.slug}"
    page = new_page()
    for path, name in ((f"/h/{slug}/suggestions/", "board"), (f"/h/{slug}/suggestions/{suggestion_path}", "suggestion"),
                       (f"/h/{slug}/suggestions/roadmap", "roadmap")):
        page.goto(path)
        shots.take(page, name, phone=True)
        assert fits(page), name
        page.set_viewport_size({"width": 390, "height": 844})
        assert fits(page), name + " (phone)"
        page.set_viewport_size({"width": 1366, "height": 850})
