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
