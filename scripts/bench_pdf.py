"""Time the PDF forms on a unit of N people (default 500) and compare with raw WeasyPrint.

    python scripts/bench_pdf.py [--people N] [--sample K] [--keep]

Without DATABASE_URL the embedded SQLite engine runs on a scratch file (var/bench_pdf.sqlite3,
never the development db.sqlite3). With DATABASE_URL, a database whose name contains "bench"
is dropped and created again; any other must have no org chart (a URL naming the server's own
`postgres` database means the scratch database epms_bench_pdf on that server). The per-person
PDF cache goes to a temporary MEDIA_ROOT, so the cold run starts with nothing cached.

Prints measured figures only: ms per individual summary form (sheet, template and PDF), the
same HTML through plain WeasyPrint as the floor, and pages per second of the unit book (the
unit report plus every summary form) cold and warm, with its floor.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

SCRATCH_SQLITE = ROOT / "var" / "bench_pdf.sqlite3"


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=500)
    parser.add_argument("--sample", type=int, default=30, help="individual forms timed")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    parser.add_argument("--no-floor", action="store_true", help="skip the raw WeasyPrint book")
    parser.add_argument(
        "--attachments", action="store_true", help="the book with the attached forms too"
    )
    return parser.parse_args()


def setup_database(args) -> tuple[str, bool]:
    from bench_org import scratch_on_server

    url = os.environ.get("DATABASE_URL")
    if not url:
        SCRATCH_SQLITE.parent.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{SCRATCH_SQLITE}"
    url = os.environ["DATABASE_URL"] = scratch_on_server(url, "epms_bench_pdf")
    scratch = "bench" in urlparse(url).path.rsplit("/", 1)[-1]
    if scratch:
        from bench_org import recreate

        recreate(url)
    return url, scratch


def build_unit(people: int, seed: int, tag: str = ""):
    """A department with one unit of `people` staff, round 2570-1 opened through the services,
    then agreements and results written in bulk (the bench times rendering, not the workflow),
    with every figure from appraisal.services.compute. `tag` makes the codes of a further
    department (scripts/bench_workers.py builds several)."""
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from appraisal.models import AppraisalForm, FormCompetency, FormKpi, IdpRow, State
    from appraisal.selectors import form_result
    from appraisal.services.evaluation import store_result
    from appraisal.services.round_phases import round_open
    from appraisal.services.rounds import round_create
    from orgchart import services as org
    from orgchart.models import HrScope, Person, Position

    rng = random.Random(seed)
    dept = org.unit_create(code=f"BENCH{tag}", name=f"กรมทดสอบสมรรถนะการพิมพ์{tag}", kind="กรม")
    unit = org.unit_create(
        code=f"BENCH{tag}-01", name="สำนักยุทธศาสตร์และแผนงาน", parent=dept, kind="สำนัก"
    )
    first = ["สมชาย", "สมหญิง", "ประเสริฐ", "วิไลวรรณ", "ธนพล", "กาญจนา", "อำนาจ", "น้ำฝน", "ศักดิ์ชัย", "จำเนียร"]  # fmt: skip
    last = ["ใจดี", "รุ่งเรือง", "ศรีสุข", "ทองคำ", "บุญมา", "แก้วมณี", "สุขสำราญ", "พึ่งน้ำ"]
    grades = ["K1", "K2", "K3", "O1", "O2"]
    titles = {"K": "นักวิเคราะห์นโยบายและแผน", "O": "เจ้าพนักงานธุรการ"}
    positions, people_rows = [], []
    for i in range(people + 1):
        grade = "M1" if i == 0 else rng.choice(grades)
        ptype = {"K": "knowledge", "O": "general", "M": "managerial"}[grade[0]]
        positions.append(
            Position(
                department=dept,
                number=f"B{tag}{i:05d}",
                title="ผู้อำนวยการสำนัก" if i == 0 else titles[grade[0]],
                position_type=ptype,
                grade=grade,
                unit=unit,
            )
        )
    Position.objects.bulk_create(positions)
    positions = list(Position.objects.filter(department=dept).order_by("number"))
    for i, pos in enumerate(positions):
        people_rows.append(
            Person(
                staff_code=f"B{tag}{i:05d}",
                title=rng.choice(["นาย", "นาง", "นางสาว"]),
                first_name=f"{rng.choice(first)}{i}",
                last_name=rng.choice(last),
                unit=unit,
                position=pos,
            )
        )
    Person.objects.bulk_create(people_rows)
    head = Person.objects.get(staff_code=f"B{tag}00000")
    org.unit_update(unit=unit, head=head)
    hr = get_user_model().objects.create_user(username=f"bench-hr{tag}", password="x")
    HrScope.objects.create(user=hr, unit=dept)
    rnd = round_create(actor=hr, department=dept, fiscal_year=2570, number=1)
    round_open(actor=hr, rnd=rnd)
    rnd.refresh_from_db()

    forms = list(AppraisalForm.objects.filter(round=rnd).select_related("person"))
    kpis = []
    names = [
        ("plan", "ร้อยละของโครงการตามแผนปฏิบัติราชการประจำปีที่ดำเนินการแล้วเสร็จตามกำหนด"),
        ("duty", "ระดับความสำเร็จของการจัดทำรายงานผลการดำเนินงานรายไตรมาสเสนอผู้บริหาร"),
        ("special", "จำนวนฐานข้อมูลกลางที่ได้รับการปรับปรุงให้เป็นปัจจุบัน"),
    ]
    for f in forms:
        for order, ((kind, name), weight) in enumerate(zip(names, (30, 30, 40), strict=True)):
            kpis.append(
                FormKpi(
                    form=f,
                    order=order,
                    kind=kind,
                    name=name,
                    weight=weight,
                    target="ร้อยละ 80",
                    criteria_1="ร้อยละ 60",
                    criteria_2="ร้อยละ 70",
                    criteria_3="ร้อยละ 80",
                    criteria_4="ร้อยละ 90",
                    criteria_5="ร้อยละ 100",
                    actual=f"ร้อยละ {rng.choice([70, 80, 85, 90, 100])}",
                    level=rng.randint(2, 5),
                )
            )
    FormKpi.objects.bulk_create(kpis, batch_size=2000)
    comps = list(FormCompetency.objects.filter(form__round=rnd))
    for c in comps:
        c.actual = max(0, c.expected - rng.choice([0, 0, 0, 1]))
    FormCompetency.objects.bulk_update(comps, ["actual"], batch_size=2000)
    IdpRow.objects.bulk_create(
        IdpRow(form=f, topic="การมุ่งผลสัมฤทธิ์", method="อบรมเชิงปฏิบัติการ", period="เมษายน – มิถุนายน")
        for f in forms
    )
    now = timezone.now()
    kpis_by_form, comps_by_form = {}, {}
    for k in FormKpi.objects.filter(form__round=rnd):
        kpis_by_form.setdefault(k.form_id, []).append(k)
    for c in comps:
        comps_by_form.setdefault(c.form_id, []).append(c)
    for f in forms:
        result = form_result(
            form=f, kpis=kpis_by_form[f.pk], competencies=comps_by_form.get(f.pk, [])
        )
        store_result(f, result)
        f.appraisee_signed_name = f.person.full_name
        f.appraisee_signed_at = f.evaluator_signed_at = f.scored_at = now
        f.evaluator_signed_name = head.full_name
        f.acknowledged_at = f.released_at = now
        f.evaluator_comment = "ปฏิบัติงานได้ตามเป้าหมาย ควรพัฒนาทักษะการวิเคราะห์ข้อมูลเพิ่มเติม"
    AppraisalForm.objects.bulk_update(
        forms,
        [
            "score_kpi", "achievement_points", "competency_points", "other_points", "total",
            "band", "final_total", "final_band", "appraisee_signed_name",
            "appraisee_signed_at", "evaluator_signed_name", "evaluator_signed_at", "scored_at",
            "acknowledged_at", "released_at", "evaluator_comment",
        ],
        batch_size=500,
    )  # fmt: skip
    # A bench fixture written in bulk: the state goes in by a plain update, not a transition.
    AppraisalForm.objects.filter(pk__in=[f.pk for f in forms]).update(state=State.RELEASED)
    return rnd, unit


def main() -> int:
    args = parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pms_site.settings")
    os.environ["DEBUG"] = "1"
    url, scratch = setup_database(args)
    media = Path(tempfile.mkdtemp(prefix="bench-pdf-media-"))
    os.environ["MEDIA_ROOT"] = str(media)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, connections

    call_command("migrate", verbosity=0)
    from orgchart.models import OrgUnit

    if OrgUnit.objects.exists():
        print(
            f"{connection.settings_dict['NAME']} already has an org chart; use a *bench* database."
        )
        return 2

    from weasyprint import HTML

    from appraisal.models import AppraisalForm
    from reports import book, documents, sheets
    from reports.pdf import FETCHER, FONT_CONFIG, html_to_pdf, stylesheet

    print(f"database: {connection.vendor} {connection.settings_dict['NAME']}; people {args.people}")
    t = time.perf_counter()
    rnd, unit = build_unit(args.people, args.seed)
    print(f"seed: {time.perf_counter() - t:.1f} s")

    # Warm the process: fonts read, stylesheet compiled, templates loaded.
    pks = list(AppraisalForm.objects.filter(round=rnd).order_by("pk").values_list("pk", flat=True))
    documents.form_pdf(documents.form_for_print(pks[0]), "summary")

    def raw(html: str) -> bytes:
        """Plain WeasyPrint on the same HTML, stylesheet and fonts: the floor."""
        return HTML(string=html, url_fetcher=FETCHER).write_pdf(
            stylesheets=[stylesheet()], font_config=FONT_CONFIG
        )

    ours, floor = [], []
    for pk in pks[1 : args.sample + 1]:
        t = time.perf_counter()
        form = documents.form_for_print(pk)
        html = documents.form_html(form, "summary")
        html_to_pdf(html)
        ours.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        raw(html)
        floor.append((time.perf_counter() - t) * 1000)
    ms, ms_floor = statistics.median(ours), statistics.median(floor)
    print()
    print(
        f"individual summary form ({len(ours)} forms, median): {ms:.0f} ms "
        f"(mean {statistics.mean(ours):.0f} ms)"
    )
    print(
        f"  raw WeasyPrint, same HTML (floor):         {ms_floor:.0f} ms "
        f"(mean {statistics.mean(floor):.0f} ms); ratio {ms / ms_floor:.2f}"
    )

    target = media / "book.pdf"
    t = time.perf_counter()
    cold = book.build_unit_book(rnd, unit, target, attachments=args.attachments)
    cold_s = time.perf_counter() - t
    t = time.perf_counter()
    warm = book.build_unit_book(rnd, unit, target, attachments=args.attachments)
    warm_s = time.perf_counter() - t
    size_mb = target.stat().st_size / 1e6

    # The floor of the book: plain WeasyPrint on the same HTML of every page (rendered
    # beforehand, untimed), without reads, hashing, cache or merge.
    floor_s = None
    if not args.no_floor:
        forms = book.unit_forms(rnd, unit)
        htmls = [documents.unit_report_html(rnd, unit)]
        htmls += [documents.form_html(f, "summary", sheets.form_sheet(f)) for f in forms]
        t = time.perf_counter()
        for html in htmls:
            raw(html)
        floor_s = time.perf_counter() - t

    print()
    print(
        f"unit book: {cold.people} people, {cold.pages} pages, {size_mb:.1f} MB "
        f"({target.stat().st_size / cold.pages / 1000:.1f} kB a page)"
    )
    print(
        f"  cold (nothing cached, {cold.rendered} rendered): {cold_s:.1f} s, "
        f"{cold.pages / cold_s:.1f} pages/s"
    )
    print(
        f"  warm ({warm.reused} from cache, {warm.rendered} rendered):   {warm_s:.1f} s, "
        f"{warm.pages / warm_s:.1f} pages/s"
    )
    if floor_s is not None:
        print(
            f"  raw WeasyPrint, same HTML (floor):  {floor_s:.1f} s, "
            f"{cold.pages / floor_s:.1f} pages/s; cold/floor {cold_s / floor_s:.2f}, "
            f"warm/floor {warm_s / floor_s:.2f}"
        )

    connections.close_all()
    shutil.rmtree(media, ignore_errors=True)
    if scratch and not args.keep:
        from bench_org import recreate

        recreate(url, drop_only=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
