"""The notices page: the user's own notices newest first and paginated, opening and marking
them read through POST, the e-mail switch, the menu's unread badge (one query), and another
user's notice refused as if it did not exist."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common.models import AuditEvent
from notices.models import Notice, NoticeKind, NoticePreference


def _notice(user, n=0, **kw) -> Notice:
    values = {
        "recipient": user,
        "kind": NoticeKind.APPROVED,
        "title": f"ข้อตกลงได้รับอนุมัติแล้ว {n}",
        "url": reverse("appraisal:my"),
        "created_at": timezone.now() - dt.timedelta(minutes=100 - n),
    }
    values.update(kw)
    return Notice.objects.create(**values)


def test_the_list_shows_my_notices_newest_first_in_pages(client, org):
    for i in range(25):
        _notice(org.s1.user, i)
    _notice(org.s2.user, 99, title="ของคนอื่น")
    client.force_login(org.s1.user)
    first = client.get(reverse("notices:list"))
    assert first.status_code == 200
    titles = [n.title for n in first.context["page"].object_list]
    assert titles[0] == "ข้อตกลงได้รับอนุมัติแล้ว 24" and len(titles) == 20
    body = first.content.decode()
    assert "ของคนอื่น" not in body
    assert 'id="nav-unread"' in body and ">25<" in body
    second = client.get(reverse("notices:list"), {"page": 2})
    assert [n.title for n in second.context["page"].object_list][-1] == "ข้อตกลงได้รับอนุมัติแล้ว 0"


def test_opening_a_notice_marks_it_read_and_goes_to_its_page(client, org):
    n = _notice(org.s1.user)
    client.force_login(org.s1.user)
    response = client.post(reverse("notices:open", kwargs={"pk": n.pk}))
    assert response.status_code == 302 and response["Location"] == reverse("appraisal:my")
    n.refresh_from_db()
    assert n.read_at is not None


def test_a_notice_with_a_foreign_link_goes_back_to_the_list(client, org):
    n = _notice(org.s1.user, url="https://evil.example/x")
    client.force_login(org.s1.user)
    response = client.post(reverse("notices:open", kwargs={"pk": n.pk}))
    assert response["Location"] == reverse("notices:list")


def test_mark_read_and_mark_all_read(client, org):
    a, b, c = (_notice(org.s1.user, i) for i in range(3))
    other = _notice(org.s2.user)
    client.force_login(org.s1.user)
    client.post(reverse("notices:read", kwargs={"pk": a.pk}), {"page": "1"})
    assert Notice.objects.filter(read_at__isnull=False).count() == 1
    response = client.post(reverse("notices:read_all"))
    assert response.status_code == 302
    assert not Notice.objects.filter(recipient=org.s1.user, read_at=None).exists()
    other.refresh_from_db()
    assert other.read_at is None  # somebody else's stay unread
    assert 'id="nav-unread"' not in client.get(reverse("notices:list")).content.decode()


@pytest.mark.parametrize("who", ["s2", "grp1_head", "admin", "hr"])
def test_somebody_elses_notice_is_not_found(client, org, who):
    n = _notice(org.s1.user)
    user = getattr(org, who)
    client.force_login(getattr(user, "user", user))
    for name in ("notices:open", "notices:read"):
        assert client.post(reverse(name, kwargs={"pk": n.pk})).status_code == 404
    n.refresh_from_db()
    assert n.read_at is None


def test_get_does_not_mark_anything(client, org):
    n = _notice(org.s1.user)
    client.force_login(org.s1.user)
    assert client.get(reverse("notices:open", kwargs={"pk": n.pk})).status_code == 405
    assert client.get(reverse("notices:read_all")).status_code == 405
    n.refresh_from_db()
    assert n.read_at is None


def test_the_email_switch_is_saved_and_audited(client, org):
    client.force_login(org.s1.user)
    page = client.get(reverse("notices:list")).content.decode()
    assert "ปิดการแจ้งเตือนทางอีเมล" in page
    client.post(reverse("notices:preferences"), {"email": "0"})
    assert NoticePreference.objects.get(user=org.s1.user).email_enabled is False
    assert AuditEvent.objects.filter(kind="notice.preference").count() == 1
    page = client.get(reverse("notices:list")).content.decode()
    assert "เปิดการแจ้งเตือนทางอีเมล" in page and "แจ้งเตือนในระบบเท่านั้น" in page
    client.post(reverse("notices:preferences"), {"email": "1"})
    assert NoticePreference.objects.get(user=org.s1.user).email_enabled is True


def _notice_queries(client, url) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    sqls = [q["sql"] for q in ctx.captured_queries]
    return len(sqls), sum("notices_notice" in s for s in sqls)


def test_the_unread_badge_costs_one_query_whatever_the_count(client, org):
    client.force_login(org.s1.user)
    home = reverse("home")
    client.get(home)
    none_total, none_badge = _notice_queries(client, home)
    for i in range(30):
        _notice(org.s1.user, i)
    many_total, many_badge = _notice_queries(client, home)
    # Shown twice (the phone's bell and the wide menu's), asked once.
    assert none_badge == many_badge == 1
    assert many_total == none_total
    body = client.get(home).content.decode()
    assert body.count("bi-bell-fill") == 2 and ">30<" in body


def test_the_anonymous_login_page_asks_nothing_of_notices(client, db):
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("login"))
    assert not any("notices_notice" in q["sql"] for q in ctx.captured_queries)
