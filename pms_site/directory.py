"""Directory login: the office's LDAP / Active Directory proves the password, the account is
the one the org import (or an administrator) made.

The directory entry is matched to an existing active account: first by username (the name
typed, or the entry's LDAP_USERNAME_ATTR), then by e-mail (the entry's LDAP_EMAIL_ATTR against
the account's or its person's address, one match only). A directory user with no such account
is refused with its own message: a directory login never creates an account, so nobody outside
the org chart gets in. Failures go through Django's user_login_failed like local ones, so
django-axes counts and locks them the same way.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db.models import Q
from django_auth_ldap.backend import LDAPBackend

# Set on the request when the directory accepted the password but no account matches.
NOT_IN_ORG = "not_in_org"
AMBIGUOUS = "ambiguous"
INACTIVE = "inactive"


def _first(attrs, name: str) -> str:
    if not name or not attrs:
        return ""
    values = attrs.get(name) or attrs.get(name.lower()) or []
    return str(values[0]).strip() if values else ""


def match_account(username: str, email: str):
    """The existing active account for a directory entry, or (None, reason)."""
    User = get_user_model()
    accounts = User._default_manager.all()
    by_name = Q(username__iexact=username) if username else Q(pk__in=[])
    by_email = Q(email__iexact=email) | Q(person__email__iexact=email) if email else Q(pk__in=[])
    active = accounts.filter(is_active=True)
    if username:
        user = active.filter(by_name).first()
        if user is not None:
            return user, ""
    if email:
        users = list(active.filter(by_email)[:2])
        if len(users) == 1:
            return users[0], ""
        if len(users) > 1:
            return None, AMBIGUOUS
    if accounts.filter(by_name | by_email).exists():
        return None, INACTIVE  # told apart from a wrong password by nobody
    return None, NOT_IN_ORG


class DirectoryBackend(LDAPBackend):
    def get_user(self, user_id):
        # django-auth-ldap's own get_user keeps a deactivated account's session alive;
        # ModelBackend's does not: neither may this one.
        user = super().get_user(user_id)
        return user if user is not None and user.is_active else None

    def get_or_build_user(self, username, ldap_user):
        attrs = ldap_user.attrs
        wanted = _first(attrs, getattr(settings, "DIRECTORY_USERNAME_ATTR", "")) or username
        email = _first(attrs, getattr(settings, "DIRECTORY_EMAIL_ATTR", "mail"))
        user, reason = match_account(wanted, email)
        if user is not None:
            return user, False
        request = getattr(ldap_user, "_request", None)
        if request is not None:
            request.directory_refusal = reason
        # An unsaved, "built" user: with AUTH_LDAP_NO_NEW_USERS django-auth-ldap refuses it.
        return get_user_model()(username=username), True


class LocalPasswordBackend(ModelBackend):
    """Local passwords beside the directory: administrators' (superusers') only, unless
    LDAP_LOCAL_LOGIN=all keeps them for everyone (while an office moves over)."""

    def user_can_authenticate(self, user):
        if not super().user_can_authenticate(user):
            return False
        if getattr(settings, "DIRECTORY_LOCAL_LOGIN", "superusers") == "all":
            return True
        return bool(user.is_superuser)
