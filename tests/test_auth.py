from django.urls import reverse

from tests.factories import PASSWORD


def test_login_and_logout(client, org):
    response = client.post(reverse("login"), {"username": "s1", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert "สมชาย" in client.get(reverse("home")).content.decode()
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_wrong_password_gives_a_thai_message(client, org):
    response = client.post(reverse("login"), {"username": "s1", "password": "wrong"})
    assert response.status_code == 200
    assert "รหัสผ่านที่ถูกต้อง" in response.content.decode()


def test_password_guessing_is_locked_out_after_five_failures(client, org, settings):
    for _ in range(5):
        client.post(
            reverse("login"), {"username": "s1", "password": "guess"}, REMOTE_ADDR="10.9.9.9"
        )
    response = client.post(
        reverse("login"), {"username": "s1", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9"
    )
    assert response.status_code == 429
    assert "ระงับการเข้าสู่ระบบชั่วคราว" in response.content.decode()
    # Another account from the same address is not punished for it.
    ok = client.post(
        reverse("login"), {"username": "s2", "password": PASSWORD}, REMOTE_ADDR="10.9.9.9"
    )
    assert ok.status_code == 302


def test_login_form_requires_csrf(org):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("login"), {"username": "s1", "password": PASSWORD})
    assert response.status_code == 403


def test_the_login_page_names_the_office_and_offers_a_password_reset(client, org, settings):
    page = client.get(reverse("login")).content.decode()
    # Two departments of one ministry: the ministry, never one department's name to the other.
    assert 'id="office-name"' in page and "กระทรวงทดสอบ" in page and "กรมอื่น" not in page
    assert reverse("password_reset") in page
    settings.OFFICE_NAME = "สำนักงานทดสอบ"
    assert "สำนักงานทดสอบ" in client.get(reverse("login")).content.decode()


def test_a_password_is_reset_from_the_link_sent_by_e_mail(client, org, mailoutbox):
    import re

    from django.contrib.auth import get_user_model

    user = org.s1.user
    user.email = "s1@example.go.th"
    user.save()
    response = client.post(reverse("password_reset"), {"email": "S1@example.go.th"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["s1@example.go.th"]
    body = mailoutbox[0].body
    assert "ตั้งรหัสผ่าน" in mailoutbox[0].subject and "s1" in body
    link = re.search(r"https?://[^/\s]+(/accounts/reset/\S+)", body)[1]
    response = client.get(link, follow=True)  # Django swaps the token for a session key
    assert "new_password1" in response.content.decode()
    new = "ThaiOffice-2569-pass"
    response = client.post(
        response.redirect_chain[-1][0], {"new_password1": new, "new_password2": new}
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "password_reset_complete"
    )
    assert get_user_model().objects.get(pk=user.pk).check_password(new)
    # The link works once.
    assert 'id="reset-invalid"' in client.get(link, follow=True).content.decode()


def test_an_account_without_a_password_sets_its_first_one_and_unknown_addresses_get_nothing(
    client, org, mailoutbox
):
    user = org.s2.user
    user.email = "s2@example.go.th"
    user.set_unusable_password()
    user.save()
    client.post(reverse("password_reset"), {"email": "s2@example.go.th"})
    assert len(mailoutbox) == 1
    response = client.post(reverse("password_reset"), {"email": "nobody@example.go.th"})
    assert response.status_code == 302 and len(mailoutbox) == 1  # the same answer, no mail


def test_administrators_have_a_link_to_the_admin(client, org):
    client.force_login(org.admin)
    assert 'id="nav-admin"' in client.get(reverse("home")).content.decode()
    client.force_login(org.hr)
    assert 'id="nav-admin"' not in client.get(reverse("home")).content.decode()
