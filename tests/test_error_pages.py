"""Error pages are Thai, in the site's layout, with a way back (never Django's bare English)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.views import defaults


@pytest.mark.django_db
def test_403_404_and_400_are_thai_pages_with_the_menu(client, org):
    client.force_login(org.s1.user)
    cases = [
        (reverse("reports:index"), 403, "ไม่มีสิทธิ์เข้าถึงหน้านี้"),
        ("/appraisal/forms/999999/", 404, "ไม่พบหน้าที่ต้องการ"),
        (reverse("orgchart:tree") + "?q=%00", 400, "อักขระที่ไม่อนุญาต"),
    ]
    for url, status, words in cases:
        response = client.get(url)
        body = response.content.decode()
        assert response.status_code == status, url
        assert words in body and 'href="/"' in body and "navbar" in body, url
        assert "Forbidden" not in body and "Not Found" not in body


def test_500_renders_without_a_request_context():
    response = defaults.server_error(RequestFactory().get("/"))
    body = response.content.decode()
    assert response.status_code == 500 and "ระบบขัดข้อง" in body and "กลับหน้าหลัก" in body


@pytest.mark.django_db
def test_a_stale_csrf_token_gets_the_thai_page(org):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(org.s1.user)
    response = client.post(reverse("logout"))
    assert response.status_code == 403
    assert "หน้านี้หมดอายุแล้ว" in response.content.decode()
