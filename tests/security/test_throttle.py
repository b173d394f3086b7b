"""Password guessing: what tests/test_auth.py does not already cover.

test_auth covers the Thai message for a wrong password, the lock after five failures (429 with
the Thai lockout page, even with the right password) and that another account from the same
address is not locked. Here: no difference between an unknown user and a wrong password
(neither in the answer nor in the lockout), the count below the limit and its reset on success,
and the lock being per username and address.
"""

from __future__ import annotations

from django.urls import reverse

from tests.factories import PASSWORD

LIMIT = 5
LOCKED = "ระงับการเข้าสู่ระบบชั่วคราว"


def attempt(client, username, password, ip="10.7.7.7"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def test_the_limit_is_five_failures(settings):
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_an_unknown_user_and_a_wrong_password_get_the_same_answer(client, org):
    unknown = attempt(client, "no-such-user", "guess", ip="10.7.7.1")
    wrong = attempt(client, "s1", "guess", ip="10.7.7.2")
    assert unknown.status_code == wrong.status_code == 200
    errors = [r.context["form"].non_field_errors() for r in (unknown, wrong)]
    assert errors[0] == errors[1] and "รหัสผ่านที่ถูกต้อง" in errors[0][0]
    assert unknown.context["form"].errors.keys() == wrong.context["form"].errors.keys()


def test_an_unknown_user_is_locked_out_like_a_real_one(client, org):
    """Otherwise the lockout itself tells which user names exist."""
    answers = {}
    for username in ("s1", "no-such-user"):
        for _ in range(LIMIT):
            attempt(client, username, "guess")
        answers[username] = attempt(client, username, "guess")
    assert [r.status_code for r in answers.values()] == [429, 429]
    assert all(LOCKED in r.content.decode() for r in answers.values())


def test_four_failures_do_not_lock_and_a_success_starts_the_count_again(client, org):
    for _ in range(LIMIT - 1):
        assert attempt(client, "s1", "guess").status_code == 200
    assert attempt(client, "s1", PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(LIMIT - 1):
        assert attempt(client, "s1", "guess").status_code == 200
    assert attempt(client, "s1", PASSWORD).status_code == 302


def test_the_lock_is_for_the_username_from_that_address_only(client, org):
    for _ in range(LIMIT):
        attempt(client, "s1", "guess", ip="10.7.7.9")
    assert attempt(client, "s1", PASSWORD, ip="10.7.7.9").status_code == 429
    # The officer at another desk is not locked out by someone guessing elsewhere.
    assert attempt(client, "s1", PASSWORD, ip="10.7.7.10").status_code == 302


def test_the_locked_page_is_not_a_login_form_and_says_so_in_thai(client, org):
    for _ in range(LIMIT):
        attempt(client, "s2", "guess")
    body = attempt(client, "s2", PASSWORD).content.decode()
    assert "กรุณารอ 15 นาที" in body
    assert 'name="password"' not in body
