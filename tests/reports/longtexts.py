"""Long real Thai texts for layout checks: the KPI names and criteria of ../shared/realdata
(kpis_real.csv), with the longest prefixed names a form meets, put into a form's sheet."""

from __future__ import annotations

import copy
import csv
from functools import lru_cache
from pathlib import Path

from django.conf import settings

REALDATA = Path(settings.BASE_DIR).parent / "shared" / "realdata"
# Ranks and titles as the real prefix lists spell them (prefixes_*.csv), with long surnames.
LONG_NAMES = [
    "ว่าที่ร้อยตรีหญิง ประภาพรรณ เจริญศักดิ์สิทธิ์ประเสริฐ",
    "นางสาวกาญจนาภรณ์ ศรีสุขสวัสดิ์วัฒนากุล",
    "นายแพทย์ธีรวัฒน์ กองแก้วประสิทธิ์ผล",
    "นางสาวเบญจวรรณ เทพประสิทธิ์วงศ์",
]
# Words from the real texts that are long and unbreakable (the issue saw the first one cross
# a 21 mm criteria cell).
# A management title as the line positions of ../shared/realdata name their units (its own row
# on the forms, under the line position).
LONG_MANAGEMENT_TITLE = "ผู้อำนวยการกองยุทธศาสตร์และแผนงาน"
LONG_WORDS = ["ประชาสัมพันธ์", "ยุทธศาสตร์", "ผลสัมฤทธิ์", "มาตรฐาน"]


# The two rows real_kpis() puts first when ../shared/realdata is here (kpis_real.csv, rows 1 and
# 2, the longest by name and criteria), for a checkout without it: the same texts, the same pages.
_LONGEST_REAL = (
    {
        "kpi_name": "อัตรา (ร้อยละ) การให้บริการตรวจช่องปากและขัดทำความสะอาดฟันในหญิงตั้งครรภ์",
        "target": ">=45%",
        "level_1": "ร้อยละ < 15",
        "level_2": "ร้อยละ 15 - 24",
        "level_3": "ร้อยละ 25 - 34",
        "level_4": "ร้อยละ 35 - 44",
        "level_5": "ร้อยละ >=45",
    },
    {
        "kpi_name": "ร้อยละการตรวจติดตามยืนยันวินิจฉัยกลุ่มสงสัยป่วยโรคเบาหวาน",
        "target": ">=70%",
        "level_1": "ร้อยละ < 65",
        "level_2": "ร้อยละ 65 - 69",
        "level_3": "ร้อยละ 70 - 74",
        "level_4": "ร้อยละ 75 - 79",
        "level_5": "ร้อยละ >= 80",
    },
)


@lru_cache(maxsize=1)
def real_kpis() -> list[dict]:
    path = REALDATA / "kpis_real.csv"
    if not path.exists():  # a checkout without the shared data: its two longest rows, as read
        return list(_LONGEST_REAL)
    with path.open(encoding="utf-8") as f:
        rows = [
            r
            for r in csv.DictReader(f)
            if r["kpi_name"] and r["level_1"] and not r["kpi_name"].startswith("(")
        ]
    rows.sort(key=lambda r: -len(r["kpi_name"] + "".join(r[f"level_{n}"] for n in range(1, 6))))
    return rows


def long_sheet(sheet: dict, *, kpis: int = 5, management_title: str = "") -> dict:
    """The sheet with the longest real KPI texts (`kpis` rows, spread over the three kinds)
    and long names for the appraisee and the evaluator (and, when given, the appraisee's
    management title on its own row)."""
    s = copy.deepcopy(sheet)
    s["person"]["name"] = LONG_NAMES[0]
    if management_title:
        s["person"]["management_title"] = management_title
    if s.get("evaluator"):
        s["evaluator"]["name"] = LONG_NAMES[1]
    real = real_kpis()
    rows = []
    for i in range(kpis):
        r = real[i % len(real)]
        rows.append(
            {
                "no": i + 1,
                "name": f"{r['kpi_name']} ({LONG_WORDS[i % len(LONG_WORDS)]})",
                "target": r["target"],
                "criteria": [r[f"level_{n}"] for n in range(1, 6)],
                "actual": "ดำเนินการประชาสัมพันธ์แล้วเสร็จ",
                "reason": "ประสานเครือข่ายประชาสัมพันธ์",
                "level": 4,
                "weight": "20",
                "product": "80",
            }
        )
    template = s["kpi_groups"][0]["label"] if s["kpi_groups"] else "ตามแผนปฏิบัติราชการ"
    labels = [template, "ตามหน้าที่ความรับผิดชอบหลัก", "ตามที่ได้รับมอบหมายพิเศษ"]
    cut = [0, (kpis + 1) // 2, kpis - (1 if kpis > 2 else 0), kpis]
    s["kpi_groups"] = [
        {"label": labels[g], "rows": rows[cut[g] : cut[g + 1]]}
        for g in range(3)
        if rows[cut[g] : cut[g + 1]]
    ]
    return s
