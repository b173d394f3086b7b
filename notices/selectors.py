"""Reads of notices, always the user's own."""

from __future__ import annotations

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from notices.models import Notice, NoticePreference


def notices_for(*, user) -> QuerySet[Notice]:
    """The user's notices, newest first."""
    return Notice.objects.filter(recipient=user).order_by("-created_at", "-pk")


def notice_for(*, user, pk: int) -> Notice:
    """One of the user's notices; 404 for anybody else's (nobody learns that it exists)."""
    return get_object_or_404(notices_for(user=user), pk=pk)


def unread_notices(recipient) -> QuerySet[Notice]:
    """The notices of `recipient` (a user, or an OuterRef to one) not read yet."""
    return Notice.objects.filter(recipient=recipient, read_at=None)


def email_enabled(*, user) -> bool:
    pref = NoticePreference.objects.filter(user=user).only("email_enabled").first()
    return pref is None or pref.email_enabled
