"""Times the HR pages that total a whole department (issue 15, item 6) as demo-hr: the rounds
list, the round console, the distribution, the forms list and the round's reports; best and median of 5, with
the number of queries. Run with DEBUG=1 DATABASE_URL=... .venv/bin/python scripts/bench_counts.py
"""

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pms_site.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from appraisal.models import AppraisalForm, AppraisalRound, Phase  # noqa: E402

settings.ALLOWED_HOSTS = ["*"]
user = get_user_model().objects.get(username="demo-hr")
c = Client()
c.force_login(user)
rnd = (
    AppraisalRound.objects.exclude(phase=Phase.SETUP)
    .filter(department__tree_id=user.person.unit.tree_id)
    .order_by("-fiscal_year", "-number")
    .first()
)
# The closed earlier round (results released): the distribution with bands in it.
earlier = (
    AppraisalRound.objects.filter(department=rnd.department, phase=Phase.CLOSED)
    .order_by("-fiscal_year", "-number")
    .first()
)
print(f"round {rnd.code}: {AppraisalForm.objects.filter(round=rnd).count():,} forms")
pages = {
    "rounds list": reverse("appraisal:rounds"),
    "console": reverse("appraisal:round_console", args=[rnd.pk]),
    "distribution": reverse("appraisal:distribution", args=[rnd.pk]),
    "forms list": reverse("appraisal:round_forms", args=[rnd.pk]),
    "reports": reverse("reports:round", args=[rnd.pk]),
}
if earlier is not None:
    n = AppraisalForm.objects.filter(round=earlier).count()
    pages[f"distribution {earlier.code} ({n:,} forms)"] = reverse(
        "appraisal:distribution", args=[earlier.pk]
    )
for name, url in pages.items():
    times = []
    for _ in range(6):
        with CaptureQueriesContext(connection) as q:
            t = time.perf_counter()
            r = c.get(url)
            times.append((time.perf_counter() - t) * 1000)
        assert r.status_code == 200, (url, r.status_code)
    times = times[1:]  # the first warms the caches
    print(
        f"{name:14.14} {len(q.captured_queries):3} queries  best {min(times):7.1f} ms"
        f"  median {statistics.median(times):7.1f} ms"
    )
