"""Absolute links for emails, built on `BASE_URL` rather than the request's host; a request for jobs."""
from contextlib import contextmanager

from flask import current_app, has_request_context, url_for


@contextmanager
def request_context():
    """The current request, or in a job an empty one on `BASE_URL`, so that `url_for()` and
    templates (whose context processors expect a request) work as they do in a page."""
    if has_request_context():
        yield
        return
    with current_app.test_request_context("/", base_url=current_app.config["BASE_URL"]):
        yield


def external_url(endpoint, **values):
    """`BASE_URL` + the path of `endpoint`: safe to mail, whatever Host header came in; works in jobs too."""
    with request_context():
        return current_app.config["BASE_URL"] + url_for(endpoint, **values)
