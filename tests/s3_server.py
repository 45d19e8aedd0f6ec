"""A local S3-compatible server for tests: moto's server mode on a free loopback port.

- ``s3_server`` (session scope): the running server; ``new_bucket()`` makes an empty
  bucket and ``settings(bucket)`` gives the app settings that store files there.
- ``use_storage`` (function scope): switch the app's storage settings for one test.
- ``TEST_STORAGE=s3`` makes the whole suite's app store its files in such a bucket
  (`suite_storage_settings`), so every test runs against the S3 backend.
"""
import os
import secrets

import boto3
import pytest

from tests.servers import HOST, free_port

# moto accepts any credentials; these only have to be set so that boto3 looks for no others.
ACCESS_KEY_ID, SECRET_ACCESS_KEY, REGION = "test-key-id", "test-secret", "us-east-1"


class S3Server:
    """A running moto server; made by the ``s3_server`` fixture."""

    def __init__(self):
        self.port = free_port()
        self.endpoint_url = f"http://{HOST}:{self.port}"
        self._server = None

    def start(self):
        from moto.server import ThreadedMotoServer  # most of a second to import: only for runs that use it

        self._server = ThreadedMotoServer(ip_address=HOST, port=self.port, verbose=False)
        self._server.start()

    def stop(self):
        self._server.stop()

    def client(self):
        """A boto3 S3 client of this server, to look at buckets as the app does not."""
        return boto3.client("s3", endpoint_url=self.endpoint_url, aws_access_key_id=ACCESS_KEY_ID,
                            aws_secret_access_key=SECRET_ACCESS_KEY, region_name=REGION)

    def new_bucket(self):
        """The name of a new, empty bucket."""
        name = f"helpdesk-test-{secrets.token_hex(4)}"
        self.client().create_bucket(Bucket=name)
        return name

    def settings(self, bucket, prefix="files"):
        """App settings that store files in `bucket` under `prefix`."""
        return {"STORAGE_URL": f"s3://{bucket}/{prefix}", "S3_ENDPOINT_URL": self.endpoint_url,
                "S3_ACCESS_KEY_ID": ACCESS_KEY_ID, "S3_SECRET_ACCESS_KEY": SECRET_ACCESS_KEY, "S3_REGION": REGION}

    def object_names(self, bucket):
        """Every object name in `bucket`."""
        pages = self.client().get_paginator("list_objects_v2").paginate(Bucket=bucket)
        return [item["Key"] for page in pages for item in page.get("Contents", [])]


@pytest.fixture(scope="session")
def s3_server():
    server = S3Server()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def use_storage(app, monkeypatch):
    """`use_storage(settings)`: for this test the app stores its files as `settings` say (a backend made anew)."""
    def use(settings):
        for name, value in settings.items():
            monkeypatch.setitem(app.config, name, value)
        monkeypatch.delitem(app.extensions, "storage", raising=False)

    yield use
    app.extensions.pop("storage", None)  # the test's backend; monkeypatch then puts back the suite's


def suite_storage_settings(request):
    """With TEST_STORAGE=s3, the settings that put the suite's files in a bucket of ``s3_server``; else none."""
    if os.environ.get("TEST_STORAGE") != "s3":
        return {}
    server = request.getfixturevalue("s3_server")
    return server.settings(server.new_bucket())
