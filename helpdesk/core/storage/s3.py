"""The S3-compatible backend (AWS S3, MinIO, R2, ...): one object per key under `s3://bucket/prefix`."""
from datetime import timezone
from itertools import islice
from urllib.parse import urlsplit

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

# S3's most keys per listing page and per DeleteObjects call.
PAGE = 1000


class S3Storage:
    """Objects in `bucket` under `prefix`; keys are relative to the prefix."""

    def __init__(self, url, endpoint_url=None, access_key_id=None, secret_access_key=None, region=None):
        parts = urlsplit(url)
        self.bucket = parts.netloc
        self.prefix = parts.path.strip("/")
        # A custom endpoint (MinIO, a local server) usually has no per-bucket host names: address by path.
        config = Config(retries={"mode": "standard"},
                        s3={"addressing_style": "path"} if endpoint_url else None)
        self.client = boto3.client("s3", endpoint_url=endpoint_url, aws_access_key_id=access_key_id,
                                   aws_secret_access_key=secret_access_key, region_name=region, config=config)

    def _name(self, key):
        return f"{self.prefix}/{key}" if self.prefix else key

    def _key(self, name):
        return name[len(self.prefix) + 1:] if self.prefix else name

    def put(self, key, data):
        """Write `data` under `key`."""
        self.client.put_object(Bucket=self.bucket, Key=self._name(key), Body=data)

    def get(self, key):
        """The bytes under `key`; FileNotFoundError when there are none."""
        try:
            return self.client.get_object(Bucket=self.bucket, Key=self._name(key))["Body"].read()
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                raise FileNotFoundError(key) from None
            raise

    def delete(self, keys):
        """Remove the objects of `keys` (missing ones are no error), a thousand per request."""
        keys = iter(keys)
        while chunk := list(islice(keys, PAGE)):
            answer = self.client.delete_objects(Bucket=self.bucket, Delete={
                "Objects": [{"Key": self._name(key)} for key in chunk], "Quiet": True})
            if answer.get("Errors"):
                first = answer["Errors"][0]
                raise OSError(f"S3 refused to delete {first.get('Key')}: {first.get('Message')}")

    def delete_prefix(self, prefix):
        """Remove every object under the folder `prefix`."""
        self.delete(key for key, _ in self.iter_files(prefix))

    def top_prefixes(self):
        """The names of the first-level folders (one per workspace), in order."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self._name(""), Delimiter="/")
        for page in pages:
            for common in page.get("CommonPrefixes", []):
                yield self._key(common["Prefix"]).rstrip("/")

    def iter_files(self, prefix):
        """(key, modified at as naive UTC) for each object under `prefix`, a listing page at a time."""
        pages = self.client.get_paginator("list_objects_v2").paginate(
            Bucket=self.bucket, Prefix=self._name(f"{prefix}/"), PaginationConfig={"PageSize": PAGE})
        for page in pages:
            for item in page.get("Contents", []):
                yield self._key(item["Key"]), item["LastModified"].astimezone(timezone.utc).replace(tzinfo=None)
