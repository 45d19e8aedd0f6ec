"""The helpdesk as `bench.cpu` serves it with gunicorn: the benchmark's app on `BENCH_DATABASE_URL`."""
import os

from bench.__main__ import build_app

app = build_app(os.environ["BENCH_DATABASE_URL"])
