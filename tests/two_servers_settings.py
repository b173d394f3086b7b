"""The production settings (DEBUG off, Secure cookies, HTTPS behind a proxy, the environment's
database, REDIS_URL and MEDIA_ROOT) for the two app servers of tests/test_two_servers.py, with
one change: static files without the manifest, so that the test need not run collectstatic
(tests/test_production.py covers that step)."""

from pms_site.settings import *  # noqa: F403
from pms_site.settings import STORAGES

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
