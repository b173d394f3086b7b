"""A private bucket on a local S3-compatible server (moto's, on a free port) for the tests of
the object storage (django-storages): the two-server test on a bucket and
tests/test_object_storage.py."""

from __future__ import annotations

import secrets

import pytest

from tests.test_production import free_port

try:
    import boto3
    from moto.server import ThreadedMotoServer
except ImportError:  # the dev extra installs both
    ThreadedMotoServer = None

REGION = "us-east-1"
KEYS = {"AWS_ACCESS_KEY_ID": "epms-test-key", "AWS_SECRET_ACCESS_KEY": "epms-test-secret"}
# An object readable beyond the bucket owner's key (a public or authenticated-users grant).
OPEN_GRANTEES = ("AllUsers", "AuthenticatedUsers")


class Bucket:
    """A bucket of its own (moto keeps its buckets per process, not per server)."""

    def __init__(self, client, env: dict):
        self.client, self.env, self.name = client, env, env["AWS_STORAGE_BUCKET_NAME"]

    def objects(self) -> dict[str, bytes]:
        """Every object of the bucket: {key: bytes}."""
        listed = self.client.list_objects_v2(Bucket=self.name).get("Contents", [])
        return {
            o["Key"]: self.client.get_object(Bucket=self.name, Key=o["Key"])["Body"].read()
            for o in listed
        }

    def is_private(self, key: str) -> bool:
        """No grant on the object beyond its owner's."""
        grants = self.client.get_object_acl(Bucket=self.name, Key=key)["Grants"]
        return not any(g["Grantee"].get("URI", "").endswith(OPEN_GRANTEES) for g in grants)

    def put(self, key: str, data: bytes) -> None:
        self.client.put_object(Bucket=self.name, Key=key, Body=data)

    def delete(self, key: str) -> None:
        self.client.delete_object(Bucket=self.name, Key=key)


@pytest.fixture
def bucket():
    """A new private bucket on a local S3 server: its name, the environment that switches the
    app's storage to it, and an S3 client."""
    if ThreadedMotoServer is None:
        pytest.skip("needs moto[server] and boto3 (the dev extra)")
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        client = boto3.client(
            "s3",
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id=KEYS["AWS_ACCESS_KEY_ID"],
            aws_secret_access_key=KEYS["AWS_SECRET_ACCESS_KEY"],
        )
        name = f"epms-files-{secrets.token_hex(4)}"
        client.create_bucket(Bucket=name)
        env = {
            "AWS_STORAGE_BUCKET_NAME": name,
            "AWS_S3_ENDPOINT_URL": endpoint,
            "AWS_S3_REGION_NAME": REGION,
            "AWS_S3_ADDRESSING_STYLE": "path",
            **KEYS,
        }
        yield Bucket(client, env)
    finally:
        server.stop()
