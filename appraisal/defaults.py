"""Defaults a new round starts from (DOMAIN §5); HR edits them per round before opening."""

from __future__ import annotations

from decimal import Decimal

# group -> (achievement, competency, other). [verify] the 70% minimum for achievement.
WEIGHTS = {
    "civil_servant": (Decimal(70), Decimal(30), Decimal(0)),
    "probation": (Decimal(50), Decimal(50), Decimal(0)),
    "government_employee": (Decimal(70), Decimal(30), Decimal(0)),
    "permanent_employee": (Decimal(70), Decimal(30), Decimal(0)),
}

CORE = [
    "การมุ่งผลสัมฤทธิ์",
    "บริการที่ดี",
    "การสั่งสมความเชี่ยวชาญในงานอาชีพ",
    "การยึดมั่นในความถูกต้องชอบธรรม และจริยธรรม",
    "การทำงานเป็นทีม",
]
MANAGERIAL = [
    "สภาวะผู้นำ",
    "วิสัยทัศน์",
    "การวางกลยุทธ์ภาครัฐ",
    "ศักยภาพเพื่อนำการปรับเปลี่ยน",
    "การควบคุมตนเอง",
    "การสอนงานและการมอบหมายงาน",
]

# OCSC grade code -> (core, managerial). "" is staff without an OCSC grade (พนักงานราชการ,
# ลูกจ้างประจำ), who are assessed on the core competencies at level 1.
EXPECTED_LEVELS: dict[str, tuple[int, int | None]] = {
    "O1": (1, None),
    "O2": (1, None),
    "O3": (2, None),
    "O4": (3, None),
    "K1": (1, None),
    "K2": (2, None),
    "K3": (3, None),
    "K4": (4, None),
    "K5": (5, None),
    "M1": (3, 1),
    "M2": (4, 2),
    "S1": (4, 3),
    "S2": (5, 4),
    "": (1, None),
}
# Position types assessed on the managerial competencies too.
MANAGERIAL_TYPES = {"executive", "managerial"}
