"""Absolute links for emails, built on `BASE_URL` rather than the request's host."""
from flask import current_app, has_request_context, url_for


def external_url(endpoint, **values):
    """`BASE_URL` + the path of `endpoint`: safe to mail, whatever Host header came in; works in jobs too."""
    base_url = current_app.config["BASE_URL"]
    if has_request_context():
        return base_url + url_for(endpoint, **values)
    with current_app.test_request_context("/", base_url=base_url):  # a job: url_for needs a request
        return base_url + url_for(endpoint, **values)
