"""Directory login (LDAP / Active Directory) settings, read from the environment.

Without LDAP_SERVER_URI this returns the local-only backends and nothing else changes. With
it, django-auth-ldap (pms_site.directory.DirectoryBackend) checks the password against the
office's directory first; the account it signs in to is always an existing one (matched by
username, else by e-mail), never a new one; local passwords stay for administrators.
Kept apart from settings.py so that a test can build the same settings for its own server.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

LOCAL_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]


def _bool(env: Mapping[str, str], name: str, default: bool = False) -> bool:
    value = env.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def directory_settings(env: Mapping[str, str]) -> dict:
    """The AUTHENTICATION_BACKENDS and AUTH_LDAP_* settings for this environment."""
    uri = (env.get("LDAP_SERVER_URI") or "").strip()
    if not uri:
        return {"AUTHENTICATION_BACKENDS": list(LOCAL_BACKENDS), "DIRECTORY_LOGIN": False}
    try:
        import ldap
        from django_auth_ldap.config import LDAPSearch
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise ImproperlyConfigured(
            "LDAP_SERVER_URI is set but django-auth-ldap / python-ldap is not installed: "
            "apt-get install libldap2-dev libsasl2-dev, then pip install '.[ldap]' (README)."
        ) from exc

    base = (env.get("LDAP_USER_SEARCH_BASE") or "").strip()
    if not base:
        raise ImproperlyConfigured("LDAP_SERVER_URI is set: LDAP_USER_SEARCH_BASE is required.")
    search_filter = (env.get("LDAP_USER_SEARCH_FILTER") or "(uid=%(user)s)").strip()
    if "%(user)s" not in search_filter:
        raise ImproperlyConfigured("LDAP_USER_SEARCH_FILTER must contain %(user)s.")
    local_login = (env.get("LDAP_LOCAL_LOGIN") or "superusers").strip().lower()
    if local_login not in {"superusers", "all"}:
        raise ImproperlyConfigured("LDAP_LOCAL_LOGIN is 'superusers' or 'all'.")
    timeout = int(env.get("LDAP_TIMEOUT") or "5")

    connection_options = {
        ldap.OPT_NETWORK_TIMEOUT: timeout,
        ldap.OPT_TIMEOUT: timeout,
        # Active Directory's referrals need a bind of their own: do not follow them.
        ldap.OPT_REFERRALS: 0,
    }
    global_options = {}
    ca_file = (env.get("LDAP_CA_CERT_FILE") or "").strip()
    if ca_file:
        global_options[ldap.OPT_X_TLS_CACERTFILE] = ca_file
    email_attr = (env.get("LDAP_EMAIL_ATTR") or "mail").strip()
    username_attr = (env.get("LDAP_USERNAME_ATTR") or "").strip()
    return {
        "DIRECTORY_LOGIN": True,
        "AUTHENTICATION_BACKENDS": [
            "axes.backends.AxesStandaloneBackend",
            "rules.permissions.ObjectPermissionBackend",
            "pms_site.directory.DirectoryBackend",
            "pms_site.directory.LocalPasswordBackend",
        ],
        "AUTH_LDAP_SERVER_URI": uri,
        "AUTH_LDAP_BIND_DN": env.get("LDAP_BIND_DN") or "",
        "AUTH_LDAP_BIND_PASSWORD": env.get("LDAP_BIND_PASSWORD") or "",
        "AUTH_LDAP_USER_SEARCH": LDAPSearch(base, ldap.SCOPE_SUBTREE, search_filter),
        "AUTH_LDAP_START_TLS": _bool(env, "LDAP_START_TLS"),
        "AUTH_LDAP_CONNECTION_OPTIONS": connection_options,
        "AUTH_LDAP_GLOBAL_OPTIONS": global_options,
        # The org import is the source of people, names and addresses: the directory only
        # proves the password. No account is created, none is overwritten.
        "AUTH_LDAP_NO_NEW_USERS": True,
        "AUTH_LDAP_ALWAYS_UPDATE_USER": False,
        "AUTH_LDAP_USER_ATTR_MAP": {},
        "DIRECTORY_EMAIL_ATTR": email_attr,
        "DIRECTORY_USERNAME_ATTR": username_attr,
        "DIRECTORY_LOCAL_LOGIN": local_login,
    }
