from django.urls import reverse


def test_pages_are_thai_even_for_an_english_browser(client, db):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "th"
    assert 'lang="th"' in response.content.decode()


def test_the_switch_chooses_english_and_back(client, db):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    body = client.get(reverse("login")).content.decode()
    assert 'lang="en"' in body
    assert "Sign in" in body
    client.post(reverse("set_language"), {"language": "th", "next": "/"})
    assert 'lang="th"' in client.get(reverse("login")).content.decode()


def test_security_headers_are_set(client, db):
    response = client.get(reverse("login"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
