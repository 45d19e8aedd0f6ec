"""Absolute links for emails, built on `BASE_URL` rather than the request's host."""
from flask import current_app, url_for


def external_url(endpoint, **values):
    """`BASE_URL` + the path of `endpoint`: safe to mail, whatever Host header came in."""
    return current_app.config["BASE_URL"] + url_for(endpoint, **values)
