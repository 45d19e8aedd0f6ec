"""Entry point for gunicorn and `flask`: `gunicorn app:app`."""
from helpdesk import create_app

app = create_app()
