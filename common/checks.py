"""System checks of the environment's settings that Django's own deploy checks do not cover."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def directory_passwords_travel_encrypted(app_configs, **kwargs):
    """Directory login sends each person's network password to the directory: not in clear."""
    uri = getattr(settings, "AUTH_LDAP_SERVER_URI", "") or ""
    if not getattr(settings, "DIRECTORY_LOGIN", False) or not uri:
        return []
    plain = [u for u in uri.replace(",", " ").split() if not u.lower().startswith("ldaps://")]
    if plain and not getattr(settings, "AUTH_LDAP_START_TLS", False):
        return [
            checks.Warning(
                "LDAP_SERVER_URI uses ldap:// without LDAP_START_TLS: staff passwords would "
                "cross the network in clear.",
                hint="Use ldaps://… or set LDAP_START_TLS=1 (and LDAP_CA_CERT_FILE if the "
                "directory's certificate is the office's own).",
                id="epms.W001",
            )
        ]
    return []
