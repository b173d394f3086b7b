"""Every write of notices: creating them (called by the appraisal services, inside their
transaction), e-mailing them after the commit through the background worker, marking them
read, and a user's e-mail preference."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from common.models import audit
from common.permissions import require
from notices.models import Notice, NoticeEvent, NoticeKind, NoticePreference
from orgchart.models import Person


@dataclass(frozen=True)
class NoticeInput:
    """One notice to write: to a person (skipped when they have no account), about `kind`,
    with a path inside the site. Never put a score, band or level in the title or body: a
    notice may reach a person before they are allowed to see them."""

    person: Person | None
    kind: NoticeKind
    title: str
    url: str
    body: str = ""


_EMAILS_HELD: ContextVar[bool] = ContextVar("notice_emails_held", default=False)


@contextmanager
def emails_held() -> Iterator[None]:
    """Write notices without e-mailing them: for the demo's seeding, whose people have no
    mailbox (their notices still show in the site)."""
    token = _EMAILS_HELD.set(True)
    try:
        yield
    finally:
        _EMAILS_HELD.reset(token)


def absolute_url(path: str) -> str:
    """A link into the system for an e-mail (settings.SITE_URL + the path)."""
    return settings.SITE_URL.rstrip("/") + "/" + path.lstrip("/")


def notify(*, notices: Iterable[NoticeInput]) -> list[Notice]:
    """Write the notices in the caller's transaction; their e-mails are queued for the
    background worker once it commits (nothing is sent for a write that rolls back)."""
    rows = [
        Notice(
            recipient_id=n.person.user_id,
            kind=n.kind,
            title=n.title[:255],
            body=n.body,
            url=n.url[:500],
        )
        for n in notices
        if n.person is not None and n.person.user_id is not None
    ]
    if not rows:
        return []
    # PostgreSQL and SQLite (3.35+) both return the new keys from a bulk insert.
    created = Notice.objects.bulk_create(rows)
    ids = [n.pk for n in created]
    if not _EMAILS_HELD.get():
        transaction.on_commit(lambda: _enqueue(ids))
    return created


def _enqueue(ids: list[int]) -> None:
    from notices.tasks import send_notice_emails

    send_notice_emails.enqueue(ids)


def _address(user, people: dict[int, Person]) -> str:
    person = people.get(user.pk)
    return (person.email if person is not None else "") or user.email or ""


def _message(notice: Notice, address: str, name: str) -> EmailMessage:
    body = notice.body.strip()
    text = (
        (_("เรียน %(name)s") % {"name": name} + "\n\n" if name else "")
        + (body + "\n\n" if body else "")
        + _("เปิดในระบบ e-PMS: %(url)s") % {"url": absolute_url(notice.url)}
        + "\n\n"
        + _("ท่านได้รับอีเมลนี้เพราะเปิดรับการแจ้งเตือนทางอีเมล ปิดได้ที่หน้าการแจ้งเตือน: %(url)s")
        % {"url": absolute_url(reverse("notices:list"))}
    )
    return EmailMessage(
        subject=_("[e-PMS] %(t)s") % {"t": notice.title},
        body=text,
        to=[address],
    )


def notice_emails_send(*, notice_ids: Iterable[int]) -> int:
    """Send the e-mails of these notices (the background task). A notice already e-mailed, or
    to someone who turned e-mails off or has no address, is left alone. Returns how many
    were sent."""
    notices = list(
        Notice.objects.filter(pk__in=list(notice_ids), emailed_at=None).select_related("recipient")
    )
    if not notices:
        return 0
    users = {n.recipient_id for n in notices}
    off = set(
        NoticePreference.objects.filter(user_id__in=users, email_enabled=False).values_list(
            "user_id", flat=True
        )
    )
    people = {p.user_id: p for p in Person.objects.filter(user_id__in=users)}
    messages, sent_ids = [], []
    for n in notices:
        address = _address(n.recipient, people)
        if n.recipient_id in off or not address:
            continue
        person = people.get(n.recipient_id)
        name = person.full_name if person is not None else n.recipient.get_full_name()
        messages.append(_message(n, address, name))
        sent_ids.append(n.pk)
    if not messages:
        return 0
    sent = get_connection().send_messages(messages) or 0
    Notice.objects.filter(pk__in=sent_ids).update(emailed_at=timezone.now())
    return sent


def _own(actor, notice: Notice) -> None:
    require(actor, "notices.read_notice", notice)


@transaction.atomic
def notice_mark_read(*, actor, notice: Notice) -> Notice:
    """Mark one of the actor's notices read. Not audited: it changes nothing but the
    recipient's own list."""
    _own(actor, notice)
    if notice.read_at is None:
        notice.read_at = timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at=None).update(read_at=notice.read_at)
    return notice


@transaction.atomic
def notice_mark_all_read(*, actor) -> int:
    """Mark every unread notice of the actor read; returns how many."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("notices.read_notice")
    return Notice.objects.filter(recipient=actor, read_at=None).update(read_at=timezone.now())


@transaction.atomic
def notice_preference_set(*, actor, email_enabled: bool) -> NoticePreference:
    """Turn the actor's notice e-mails on or off (in-app notices stay). Audited."""
    if not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("notices.read_notice")
    pref, _created = NoticePreference.objects.select_for_update().get_or_create(user=actor)
    before = pref.email_enabled
    if _created or before != bool(email_enabled):
        pref.email_enabled = bool(email_enabled)
        pref.save()
        audit(
            actor=actor,
            kind=NoticeEvent.PREFERENCE,
            obj=pref,
            summary=actor.get_username(),
            changes={"email_enabled": [before, pref.email_enabled]},
        )
    return pref
