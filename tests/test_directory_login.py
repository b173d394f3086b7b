"""Directory login against a real OpenLDAP server (Debian's slapd), started here as a private
process on a free port with its own temporary config and mdb database, loaded with a few
people. Skipped, with the reason, where slapd or python-ldap is missing (.ci/run installs both).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
from django.urls import reverse

from pms_site.ldap_config import directory_settings
from tests.factories import PASSWORD

SLAPD = shutil.which("slapd") or ("/usr/sbin/slapd" if Path("/usr/sbin/slapd").exists() else None)
SLAPADD = shutil.which("slapadd") or (
    "/usr/sbin/slapadd" if Path("/usr/sbin/slapadd").exists() else None
)
SCHEMA = Path("/etc/ldap/schema")
try:
    import django_auth_ldap  # noqa: F401
    import ldap  # noqa: F401

    HAVE_PYTHON_LDAP = True
except ImportError:
    HAVE_PYTHON_LDAP = False

pytestmark = [
    pytest.mark.skipif(
        not (SLAPD and SLAPADD and (SCHEMA / "inetorgperson.schema").exists()),
        reason="slapd is not installed (apt-get install slapd ldap-utils; .ci/run does)",
    ),
    pytest.mark.skipif(
        not HAVE_PYTHON_LDAP,
        reason="python-ldap / django-auth-ldap are not installed "
        "(apt-get install libldap2-dev libsasl2-dev; pip install -e '.[ldap]')",
    ),
]

SUFFIX = "dc=example,dc=go,dc=th"
ROOT_DN = f"cn=admin,{SUFFIX}"
ROOT_PW = "slapd-root-secret"

PEOPLE = [
    # uid, password, mail
    ("s1", "dir-pass-s1", "somchai@example.go.th"),  # same username as the account
    ("somying.k", "dir-pass-s2", "0005@example.go.th"),  # matched by the person's e-mail
    ("outsider", "dir-pass-out", "outsider@example.go.th"),  # not in the org chart
    # The directory's login name differs; its employeeNumber holds the account's username.
    ("somsak.d", "dir-pass-s3", "somsak@example.go.th", "s3"),
    # An address two accounts share: which one is meant is not guessed.
    ("twin", "dir-pass-twin", "shared@example.go.th"),
]


def _ldif() -> str:
    parts = [
        f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\no: Example\ndc: example\n",
        f"dn: ou=people,{SUFFIX}\nobjectClass: organizationalUnit\nou: people\n",
    ]
    for uid, password, mail, *number in PEOPLE:
        parts.append(
            f"dn: uid={uid},ou=people,{SUFFIX}\nobjectClass: inetOrgPerson\nuid: {uid}\n"
            f"cn: {uid}\nsn: {uid}\nmail: {mail}\nuserPassword: {password}\n"
            + "".join(f"employeeNumber: {n}\n" for n in number)
        )
    return "\n".join(parts)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def slapd_uri():
    tmp = Path(tempfile.mkdtemp(prefix="epms-slapd-"))
    (tmp / "db").mkdir()
    conf = tmp / "slapd.conf"
    conf.write_text(
        "\n".join(
            [
                *(f"include {SCHEMA / n}.schema" for n in ("core", "cosine", "inetorgperson")),
                f"pidfile {tmp / 'slapd.pid'}",
                "modulepath /usr/lib/ldap",
                "moduleload back_mdb",
                "database mdb",
                f'suffix "{SUFFIX}"',
                f'rootdn "{ROOT_DN}"',
                f"rootpw {ROOT_PW}",
                f"directory {tmp / 'db'}",
                "maxsize 10485760",
                "access to attrs=userPassword by anonymous auth by * none",
                "access to * by * read",
                "",
            ]
        )
    )
    (tmp / "people.ldif").write_text(_ldif())
    loaded = subprocess.run(
        [SLAPADD, "-f", str(conf), "-l", str(tmp / "people.ldif")], capture_output=True, text=True
    )
    assert loaded.returncode == 0, loaded.stderr
    port = _free_port()
    uri = f"ldap://127.0.0.1:{port}"
    command = [SLAPD, "-f", str(conf), "-h", f"{uri}/", "-d", "0"]
    if os.geteuid() == 0:
        # Never a directory server running as root: drop to nobody, which owns the temp files.
        shutil.chown(tmp, "nobody", "nogroup")
        for path in tmp.rglob("*"):
            shutil.chown(path, "nobody", "nogroup")
        command += ["-u", "nobody", "-g", "nogroup"]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"slapd did not start: {process.stderr.read()!r}") from None
                time.sleep(0.05)
        yield uri
    finally:
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def directory(settings, slapd_uri):
    env = {
        "LDAP_SERVER_URI": slapd_uri,
        "LDAP_BIND_DN": ROOT_DN,
        "LDAP_BIND_PASSWORD": ROOT_PW,
        "LDAP_USER_SEARCH_BASE": f"ou=people,{SUFFIX}",
        "LDAP_USER_SEARCH_FILTER": "(uid=%(user)s)",
        "LDAP_EMAIL_ATTR": "mail",
        "LDAP_USERNAME_ATTR": "employeeNumber",
        "LDAP_TIMEOUT": "3",
    }
    for name, value in directory_settings(env).items():
        setattr(settings, name, value)
    return slapd_uri


def _login(client, username, password, addr="10.20.30.40"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=addr
    )


def _home_names(client, person):
    page = client.get(reverse("home")).content.decode()
    return person.first_name in page


def test_a_directory_user_signs_in_to_the_account_of_the_same_username(client, org, directory):
    response = _login(client, "s1", "dir-pass-s1")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert client.session["_auth_user_id"] == str(org.s1.user.pk)
    assert client.session["_auth_user_backend"] == "pms_site.directory.DirectoryBackend"
    assert _home_names(client, org.s1)
    # The login page says whose password it wants, and offers no local reset.
    client.post(reverse("logout"))
    page = client.get(reverse("login")).content.decode()
    assert 'id="directory-login-hint"' in page and 'id="forgot-password"' not in page


def test_a_deactivated_account_loses_its_directory_session_and_cannot_sign_in(
    client, org, directory
):
    assert _login(client, "s1", "dir-pass-s1").status_code == 302
    user = org.s1.user
    user.is_active = False
    user.save()
    assert client.get(reverse("home")).status_code == 302  # back to the login page
    client.logout()
    response = _login(client, "s1", "dir-pass-s1")
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    # The usual refusal: not a hint that the account exists.
    assert "รหัสผ่านที่ถูกต้อง" in response.content.decode()


def test_a_directory_user_is_matched_to_their_person_by_e_mail(client, org, directory):
    from django.contrib.auth import get_user_model

    accounts = get_user_model().objects.count()
    response = _login(client, "somying.k", "dir-pass-s2")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(org.s2.user.pk)
    assert _home_names(client, org.s2)
    assert get_user_model().objects.count() == accounts  # no new account


def test_a_wrong_directory_password_is_refused_in_thai(client, org, directory):
    response = _login(client, "s1", "not-the-password")
    assert response.status_code == 200
    assert "รหัสผ่านที่ถูกต้อง" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The old local password of a non-administrator no longer opens the account either.
    response = _login(client, "s1", PASSWORD)
    assert response.status_code == 200 and "_auth_user_id" not in client.session


def test_a_directory_user_outside_the_org_chart_is_refused_and_no_account_is_made(
    client, org, directory
):
    from django.contrib.auth import get_user_model

    accounts = get_user_model().objects.count()
    response = _login(client, "outsider", "dir-pass-out")
    assert response.status_code == 200
    page = response.content.decode()
    assert "ยังไม่มีบัญชีของท่านในผังองค์กรของระบบ" in page
    assert "_auth_user_id" not in client.session
    assert get_user_model().objects.count() == accounts
    assert not get_user_model().objects.filter(username__iexact="outsider").exists()


def test_an_administrator_still_signs_in_with_a_local_password(client, org, directory):
    response = _login(client, "admin", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(org.admin.pk)
    assert client.session["_auth_user_backend"] == "pms_site.directory.LocalPasswordBackend"
    assert 'id="nav-admin"' in client.get(reverse("home")).content.decode()


def test_ldap_local_login_all_keeps_everyone_s_local_password(client, org, directory, settings):
    settings.DIRECTORY_LOCAL_LOGIN = "all"
    assert 'id="forgot-password"' in client.get(reverse("login")).content.decode()
    assert _login(client, "s2", PASSWORD).status_code == 302
    assert client.session["_auth_user_backend"] == "pms_site.directory.LocalPasswordBackend"


def test_failed_directory_logins_are_locked_out_like_local_ones(client, org, directory, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "s1", "guess", addr="10.9.9.9").status_code == 200
    _login(client, "s1", "guess", addr="10.9.9.9")  # the last allowed failure locks
    response = _login(client, "s1", "dir-pass-s1", addr="10.9.9.9")
    assert response.status_code == 429
    assert "ระงับการเข้าสู่ระบบชั่วคราว" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # The directory user from another address is not punished for it.
    assert _login(client, "s1", "dir-pass-s1", addr="10.9.9.10").status_code == 302


def test_the_username_attribute_matches_a_directory_name_unlike_the_account(client, org, directory):
    response = _login(client, "somsak.d", "dir-pass-s3")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(org.s3.user.pk)


def test_an_e_mail_two_accounts_share_is_not_guessed(client, org, directory):
    for person in (org.s1, org.s2):
        person.email = "shared@example.go.th"
        person.save()
    response = _login(client, "twin", "dir-pass-twin")
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert "หลายบัญชี" in response.content.decode()


def test_an_unreachable_directory_refuses_staff_politely_and_lets_administrators_in(
    client, org, directory, settings
):
    settings.AUTH_LDAP_SERVER_URI = f"ldap://127.0.0.1:{_free_port()}"
    response = _login(client, "s1", "dir-pass-s1")
    assert response.status_code == 200 and "_auth_user_id" not in client.session
    assert "รหัสผ่านที่ถูกต้อง" in response.content.decode()
    assert _login(client, "admin", PASSWORD).status_code == 302


def test_without_ldap_server_uri_nothing_changes():
    plain = directory_settings({})
    assert plain["DIRECTORY_LOGIN"] is False
    assert plain["AUTHENTICATION_BACKENDS"][-1] == "django.contrib.auth.backends.ModelBackend"
    assert not any(name.startswith("AUTH_LDAP_") for name in plain)


def test_the_deploy_check_refuses_directory_passwords_in_clear(settings):
    from common.checks import directory_passwords_travel_encrypted as check

    env = {"LDAP_SERVER_URI": "ldap://dc1.example.go.th", "LDAP_USER_SEARCH_BASE": "dc=x"}
    for name, value in directory_settings(env).items():
        setattr(settings, name, value)
    assert [w.id for w in check(None)] == ["epms.W001"]
    settings.AUTH_LDAP_START_TLS = True
    assert check(None) == []
    settings.AUTH_LDAP_START_TLS = False
    settings.AUTH_LDAP_SERVER_URI = "ldaps://dc1.example.go.th ldaps://dc2.example.go.th"
    assert check(None) == []
    settings.DIRECTORY_LOGIN = False
    settings.AUTH_LDAP_SERVER_URI = "ldap://x"
    assert check(None) == []
