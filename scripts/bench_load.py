"""A deadline day under load (`make bench-load`): the production server (gunicorn, N sync
workers, DEBUG off) on a seeded database, and logged-in staff, supervisors and HR officers
from a second process on loopback, bounded in time; requests per second, p50/p95/p99 per kind
of request and the error count, beside the same server's figures for its login page alone.

    python scripts/bench_load.py [--size 300000] [--workers 3] [--users 81] [--seconds 90]

The database is epms_scale_<size> of `make bench-scale` (seeded there first). Before the load
the script prepares, through the services and only once per database: drafts for the staff
who will save agreements, and, in a department other than demo-hr's, agreed forms for the
supervisors who will score, with that department's round moved on to its scoring phase. Each
virtual user signs in through the login form, then loops: open the page, send the form back
as the browser would (CSRF token, cookies, the fields as shown), as quickly as the server
answers (no think time: this is the worst hour, not an average one).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from html.parser import HTMLParser
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlparse

from bench_scale import production_env  # same folder: the production settings of both benches

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SERVER = "postgres://postgres@127.0.0.1:5432/"
PASSWORD = "demo"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=300_000, help="staff of epms_scale_<size>")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers")
    parser.add_argument("--users", type=int, default=81, help="virtual users (staff:sup:hr 6:2:1)")
    parser.add_argument("--seconds", type=int, default=90, help="length of each load")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--redis",
        default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/3"),
        help="the shared cache and sessions, as in production (empty: the database)",
    )
    parser.add_argument("--prepare-only", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args()


def db_url(size: int) -> str:
    url = os.environ.get("DATABASE_URL", SERVER)
    parsed = urlparse(url)
    if not parsed.scheme.startswith("postgres"):
        raise SystemExit("bench-load runs on PostgreSQL: set DATABASE_URL to a postgres:// URL")
    return parsed._replace(path=f"/epms_scale_{size}").geturl()


# --- preparing the database (in a child process with Django set up) -----------------------------


def prepare(users: int) -> dict:
    """Usernames and form ids for each kind of virtual user, prepared once per database."""
    import django

    django.setup()
    import random as rnd_mod

    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.db.models import Count

    from appraisal.models import AppraisalForm, AppraisalRound, Phase, State
    from appraisal.selectors import current_round_of
    from demo import round_services as services
    from demo.round import write_agreement
    from notices.services import emails_held
    from orgchart.models import HrScope, OrgUnit

    need_staff, need_sup = users * 6 // 9, users * 2 // 9
    need_hr = max(users - need_staff - need_sup, 1)
    rng = rnd_mod.Random(7)
    hr_scope = HrScope.objects.select_related("unit").get(user__username="demo-hr").unit
    current = current_round_of(hr_scope)
    admin = get_user_model().objects.get(username="demo-admin")

    # Staff: drafts in demo-hr's department (the round is in monitoring: a late agreement).
    drafts = list(
        AppraisalForm.objects.filter(
            round=current, state=State.DRAFT, person__user__isnull=False, kpis__isnull=False
        )
        .distinct()
        .values_list("pk", "person__user__username")[:need_staff]
    )
    if len(drafts) < need_staff:
        fresh = (
            AppraisalForm.objects.filter(
                round=current, state=State.NOT_STARTED, person__user__isnull=False
            )
            .select_related("person__user", "round")
            .order_by("pk")[: need_staff - len(drafts)]
        )
        with emails_held(), transaction.atomic():
            for form in fresh:
                write_agreement(form, form.person.user, rng)
                drafts.append((form.pk, form.person.user.username))

    # Supervisors: in the largest other department, the round moved to scoring and five agreed
    # forms per supervisor.
    other = (
        OrgUnit.objects.filter(parent__isnull=True)
        .exclude(pk=hr_scope.pk)
        .annotate(n=Count("people"))
        .order_by("-rght")
        .first()
    )
    other_round = AppraisalRound.objects.filter(department=other).exclude(phase=Phase.SETUP)
    other_round = other_round.order_by("-fiscal_year", "-number").first()
    scorable = (
        AppraisalForm.objects.filter(
            round=other_round, state=State.AGREED, evaluator__user__isnull=False
        )
        .values("evaluator__user__username")
        .annotate(n=Count("id"))
        .filter(n__gte=3)
    )
    if scorable.count() < need_sup:
        with emails_held():
            taken = 0
            evaluators = (
                AppraisalForm.objects.filter(
                    round=other_round,
                    state=State.NOT_STARTED,
                    person__user__isnull=False,
                    evaluator__user__isnull=False,
                )
                .values("evaluator_id")
                .annotate(n=Count("id"))
                .filter(n__gte=3)
                .order_by("evaluator_id")
            )
            for row in evaluators[: need_sup * 2]:
                forms = AppraisalForm.objects.filter(
                    round=other_round,
                    evaluator_id=row["evaluator_id"],
                    state=State.NOT_STARTED,
                    person__user__isnull=False,
                ).select_related("person__user", "evaluator__user", "round")[:5]
                with transaction.atomic():
                    for form in forms:
                        me, ev = form.person.user, form.evaluator.user
                        form = write_agreement(form, me, rng)
                        form = services.agreement_submit(
                            actor=me, form=form, expected_version=form.version
                        )
                        services.agreement_approve(
                            actor=ev, form=form, expected_version=form.version
                        )
                taken += 1
                if taken >= need_sup:
                    break
        other_round.refresh_from_db()
    with emails_held():
        while other_round.phase in (Phase.AGREEMENT, Phase.MONITORING):
            services.round_advance(actor=admin, rnd=other_round)
            other_round.refresh_from_db()
    to_score = defaultdict(list)
    for pk, username in AppraisalForm.objects.filter(
        round=other_round, state__in=[State.AGREED], evaluator__user__isnull=False
    ).values_list("pk", "evaluator__user__username"):
        if len(to_score[username]) < 5:
            to_score[username].append(pk)
    sups = sorted(to_score.items())[:need_sup]
    hr_users = [("demo-hr", current.pk)]
    hr_users += [
        (s.user.username, current.pk)
        for s in HrScope.objects.filter(unit=hr_scope)
        .exclude(user__username="demo-hr")
        .select_related("user")[: need_hr - 1]
    ]
    return {
        "staff": [[u, pk] for pk, u in drafts[:need_staff]],
        "supervisor": [[u, pks] for u, pks in sups],
        "hr": [[u, pk] for u, pk in hr_users][:need_hr],
        "other_department": other.name,
        "other_round_phase": other_round.phase,
    }


# --- the virtual users --------------------------------------------------------------------------


class FormReader(HTMLParser):
    """The fields of the page's POST forms as a browser would send them (no JavaScript)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: tuple[str, list[str], list[str]] | None = None
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and (a.get("method") or "").lower() == "post":
            self._form = {"action": a.get("action") or "", "fields": []}
            self.forms.append(self._form)
        if self._form is None:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["fields"].append([name, a.get("value", "on")])
            elif kind not in ("submit", "button", "file", "reset", "image"):
                self._form["fields"].append([name, a.get("value", "")])
        elif tag == "select" and name:
            self._select = (name, [], [])
        elif tag == "option" and self._select is not None:
            self._select[1].append(a.get("value", ""))
            if "selected" in a:
                self._select[2].append(a.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, options, chosen = self._select
            value = chosen[0] if chosen else (options[0] if options else "")
            self._form["fields"].append([name, value])
            self._form.setdefault("options", {})[name] = options
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            self._form["fields"].append([self._textarea, "".join(self._text).lstrip("\n")])
            self._textarea = None


class Browser:
    """One signed-in user over one keep-alive connection, with its cookies."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | list | None = None):
        origin = f"https://127.0.0.1:{self.port}"
        headers = {
            "Host": f"127.0.0.1:{self.port}",
            "X-Forwarded-Proto": "https",
            "Referer": origin + path,
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        data = None
        if body is not None:
            data = urlencode([tuple(pair) for pair in body] if isinstance(body, list) else body)
            data = data.encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = origin
        for attempt in (1, 2):
            try:
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.conn.close()
                if attempt == 2:
                    raise
        for value in response.headers.get_all("Set-Cookie") or []:
            jar = SimpleCookie()
            jar.load(value)
            for key, morsel in jar.items():
                self.cookies[key] = morsel.value
        return response.status, text, response.headers.get("Location", "")

    def form_on(self, text: str, must_have: str) -> dict:
        reader = FormReader()
        reader.feed(text)
        for form in reader.forms:
            if any(name.startswith(must_have) for name, _v in form["fields"]):
                return form
        raise LookupError(f"no form with {must_have}")

    def login(self, username: str) -> None:
        status, text, _ = self.request("GET", "/accounts/login/")
        form = self.form_on(text, "csrfmiddlewaretoken")
        fields = dict(form["fields"])
        fields.update(username=username, password=PASSWORD)
        status, _text, where = self.request("POST", "/accounts/login/", fields)
        if status != 302:
            raise RuntimeError(f"{username} could not sign in ({status})")


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.times: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.samples: dict[str, str] = {}
        self.signins: list[float] = []
        self.signin_errors: list[str] = []
        self.ready = threading.Semaphore(0)
        self.go = threading.Event()

    def add(self, kind: str, ms: float, ok: bool, note: str = "") -> None:
        with self.lock:
            self.times[kind].append(ms)
            if not ok:
                self.errors[kind] += 1
                self.samples.setdefault(kind, note)


def timed(rec: Recorder, kind: str, fn, ok_status=(200,)):
    t = time.perf_counter()
    try:
        status, text, where = fn()
        ok = status in ok_status
        note = f"HTTP {status} {where}"
    except Exception as exc:  # a refused or dropped connection is an error of the run
        status, text, where, ok, note = 0, "", "", False, repr(exc)
    rec.add(kind, (time.perf_counter() - t) * 1000, ok, note)
    return status, text


def fill_score(form: dict) -> list:
    """The scoring form as an evaluator sends it: every KPI level chosen, every competency
    rated, a reason where one is asked."""
    fields = []
    options = form.get("options", {})
    for name, value in form["fields"]:
        if name in options and not value:
            real = [o for o in options[name] if o != ""]
            value = real[min(3, len(real) - 1)] if real else ""
        elif not value and ("reason" in name or name.endswith("actual")):
            value = "ผลงานเป็นไปตามเป้าหมาย"
        fields.append([name, value])
    return fields


def signed_in(b: Browser, username: str, rec: Recorder) -> bool:
    """Sign in (timed apart from the load), then wait until every user has: the load's clock
    starts with all of them in."""
    t = time.perf_counter()
    try:
        b.login(username)
        ok = True
    except Exception as exc:  # counted as an error of the run, the user then stays out
        rec.signins.append((time.perf_counter() - t) * 1000)
        rec.signin_errors.append(f"{username}: {exc!r}")
        ok = False
    else:
        rec.signins.append((time.perf_counter() - t) * 1000)
    rec.ready.release()
    rec.go.wait()
    return ok


VERSION = re.compile(r'name="version" value="(\d+)"')


def refreshed(cache: dict, url: str, text: str, must_have: str, b: Browser):
    """The page's form as last parsed, with the version the page now shows: the fields do not
    change between two saves, and parsing a large page each time would load this process,
    which shares the machine with the server, more than a browser loads its own."""
    fields = cache.get(url)
    if fields is None:
        fields = cache[url] = b.form_on(text, must_have)
    found = VERSION.search(text)
    if found:
        for pair in fields["fields"]:
            if pair[0] == "version":
                pair[1] = found.group(1)
    return fields


def open_and_save(b, rec, urls, who, page, what, must_have, fields_of, stop):
    """The user's loop: open each page in turn, then send its form back as the browser would."""
    parsed: dict = {}
    i = 0
    while not stop.is_set():
        url = urls[i % len(urls)]
        i += 1
        status, text = timed(rec, f"{who}: open {page}", lambda url=url: b.request("GET", url))
        if status != 200:
            continue
        try:
            form = refreshed(parsed, url, text, must_have, b)
        except LookupError:
            rec.add(f"{who}: save {what}", 0.0, False, f"no {what} form on the page")
            continue
        timed(
            rec,
            f"{who}: save {what}",
            lambda form=form, url=url: b.request("POST", url, fields_of(form)),
            ok_status=(302,),
        )


def staff_loop(port, username, form_pk, rec, stop):
    b = Browser(port)
    if signed_in(b, username, rec):
        urls = [f"/appraisal/forms/{form_pk}/agreement/"]
        open_and_save(
            b,
            rec,
            urls,
            "staff",
            "agreement",
            "agreement",
            "items-TOTAL_FORMS",
            lambda form: form["fields"],
            stop,
        )


def supervisor_loop(port, username, form_pks, rec, stop):
    b = Browser(port)
    if signed_in(b, username, rec):
        urls = [f"/appraisal/team/{pk}/score/" for pk in form_pks]
        open_and_save(
            b, rec, urls, "supervisor", "scoring page", "score", "version", fill_score, stop
        )


def hr_loop(port, username, round_pk, rec, stop):
    b = Browser(port)
    if not signed_in(b, username, rec):
        return
    url = f"/appraisal/rounds/{round_pk}/"
    while not stop.is_set():
        timed(rec, "hr: open round console", lambda: b.request("GET", url))


def login_page_loop(port, rec, stop):
    b = Browser(port)
    rec.ready.release()
    rec.go.wait()
    while not stop.is_set():
        timed(rec, "anonymous: login page", lambda: b.request("GET", "/accounts/login/"))


def run_load(port: int, plan: dict, seconds: int, users: int, login_only: bool) -> Recorder:
    rec = Recorder()
    stop = threading.Event()
    threads = []
    if login_only:
        threads = [
            threading.Thread(target=login_page_loop, args=(port, rec, stop)) for _ in range(users)
        ]
    else:
        for username, pk in plan["staff"]:
            threads.append(
                threading.Thread(target=staff_loop, args=(port, username, pk, rec, stop))
            )
        for username, pks in plan["supervisor"]:
            threads.append(
                threading.Thread(target=supervisor_loop, args=(port, username, pks, rec, stop))
            )
        for username, pk in plan["hr"]:
            threads.append(threading.Thread(target=hr_loop, args=(port, username, pk, rec, stop)))
    for t in threads:
        t.daemon = True
        t.start()
    for _t in threads:
        rec.ready.acquire()
    rec.go.set()
    time.sleep(seconds)
    stop.set()
    for t in threads:
        t.join(timeout=180)
    return rec


def pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def report(title: str, rec: Recorder, seconds: int, workers: int) -> dict:
    total = sum(len(v) for v in rec.times.values())
    errors = sum(rec.errors.values()) + len(rec.signin_errors)
    print(
        f"\n{title}: {total:,} requests in {seconds} s = {total / seconds:.1f} req/s "
        f"({total / seconds / workers:.1f} per worker), errors {errors}"
    )
    print(
        f"  {'kind':<34}{'count':>7}{'req/s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}"
    )
    out = {}
    for kind in sorted(rec.times):
        v = rec.times[kind]
        row = (len(v), len(v) / seconds, pct(v, 50), pct(v, 95), pct(v, 99), rec.errors[kind])
        out[kind] = row
        print(
            f"  {kind:<34}{row[0]:>7}{row[1]:>8.1f}{row[2]:>9.0f}{row[3]:>9.0f}{row[4]:>9.0f}{row[5]:>8}"
        )
    if rec.signins:
        print(
            f"  (before the clock: {len(rec.signins)} sign-ins at once, p50 "
            f"{pct(rec.signins, 50):.0f} ms, max {max(rec.signins):.0f} ms, "
            f"{len(rec.signin_errors)} failed{': ' + rec.signin_errors[0] if rec.signin_errors else ''})"
        )
    for kind, note in rec.samples.items():
        print(f"  first error of {kind}: {note}")
    return {"rps": total / seconds, "errors": errors, "kinds": out}


def redis_up(url: str) -> bool:
    if not url:
        return False
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=2) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def start_server(url: str, port: int, workers: int, redis: str) -> subprocess.Popen:
    env = production_env(
        url,
        ALLOWED_HOSTS="127.0.0.1",
        SECURE_PROXY_SSL_HEADER_ENABLED="1",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY=str(workers),
        GUNICORN_ACCESS_LOG="",
        GUNICORN_MAX_REQUESTS="0",
        LOG_LEVEL="WARNING",
        REQUEST_LOG="0",
        AXES_FAILURE_LIMIT="1000",
        REDIS_URL=redis,
        CACHE_KEY_PREFIX="epms-bench-load",
    )
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "pms_site.wsgi"],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/health/", headers={"X-Forwarded-Proto": "https"})
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.5)
    os.killpg(server.pid, signal.SIGTERM)
    raise SystemExit("the server did not start")


def main() -> int:
    args = parse_args()
    url = db_url(args.size)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pms_site.settings")
    if args.prepare_only:
        os.environ["DEBUG"] = "1"
        print(json.dumps(prepare(args.users), ensure_ascii=False))
        return 0
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            __file__,
            "--prepare-only",
            "--size",
            str(args.size),
            "--users",
            str(args.users),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr[-4000:])
        raise SystemExit(f"preparing epms_scale_{args.size} failed (seed it with make bench-scale)")
    plan = json.loads(done.stdout.strip().splitlines()[-1])
    print(
        f"database epms_scale_{args.size}; prepared in {time.perf_counter() - started:.0f} s: "
        f"{len(plan['staff'])} staff saving drafts, {len(plan['supervisor'])} supervisors "
        f"scoring in {plan['other_department']} (round phase {plan['other_round_phase']}), "
        f"{len(plan['hr'])} HR officer(s) on the console; {args.workers} gunicorn sync workers "
        f"on {os.cpu_count()} cores, load from this process on loopback, {args.seconds} s each"
    )
    redis = args.redis if redis_up(args.redis) else ""
    print(
        f"cache and sessions: {'Redis ' + redis if redis else 'the database (no Redis reachable)'}"
    )
    server = start_server(url, args.port, args.workers, redis)
    try:
        login = report(
            "login page alone (the floor)",
            run_load(args.port, plan, args.seconds, args.users, login_only=True),
            args.seconds,
            args.workers,
        )
        load = report(
            f"deadline day, {len(plan['staff']) + len(plan['supervisor']) + len(plan['hr'])} "
            "signed-in users",
            run_load(args.port, plan, args.seconds, args.users, login_only=False),
            args.seconds,
            args.workers,
        )
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    login_p95 = login["kinds"]["anonymous: login page"][3]
    save = load["kinds"].get("supervisor: save score")
    print()
    ratio = load["rps"] / login["rps"]
    # Three decimals and a verdict: 0.327 printed as "0.33" read as a goal of a third met.
    print(
        f"signed-in throughput per worker {load['rps'] / args.workers:.1f} req/s against the "
        f"login page's {login['rps'] / args.workers:.1f} "
        f"({ratio:.3f}; goal ≥ 1/3: {'met' if ratio * 3 >= 1 else 'not met'})"
    )
    if save:
        print(
            f"p95 of a score save {save[3]:.0f} ms against the login page's p95 {login_p95:.0f} ms "
            f"({save[3] / max(login_p95, 0.1):.1f}×; goal ≤ 5×); errors {load['errors']} (goal 0)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
