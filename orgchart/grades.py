"""Position types and grades (ระดับตำแหน่ง) of Thai civil servants; the two code schemes in use.

OCSC competency documents write บริหาร as S1/S2 and อำนวยการ as M1/M2; DPIS writes บริหาร as
M1/M2 and อำนวยการ as D1/D2. We store OCSC codes and read either scheme, or the Thai names.
Pure Python: no Django import.
"""

from __future__ import annotations

EXECUTIVE = "executive"
MANAGERIAL = "managerial"
KNOWLEDGE = "knowledge"
GENERAL = "general"
OTHER = "other"

TYPE_NAMES = {
    EXECUTIVE: "บริหาร",
    MANAGERIAL: "อำนวยการ",
    KNOWLEDGE: "วิชาการ",
    GENERAL: "ทั่วไป",
    OTHER: "อื่น ๆ",
}

# OCSC code -> (position type, Thai grade name)
GRADES: dict[str, tuple[str, str]] = {
    "O1": (GENERAL, "ปฏิบัติงาน"),
    "O2": (GENERAL, "ชำนาญงาน"),
    "O3": (GENERAL, "อาวุโส"),
    "O4": (GENERAL, "ทักษะพิเศษ"),
    "K1": (KNOWLEDGE, "ปฏิบัติการ"),
    "K2": (KNOWLEDGE, "ชำนาญการ"),
    "K3": (KNOWLEDGE, "ชำนาญการพิเศษ"),
    "K4": (KNOWLEDGE, "เชี่ยวชาญ"),
    "K5": (KNOWLEDGE, "ทรงคุณวุฒิ"),
    "M1": (MANAGERIAL, "ต้น"),
    "M2": (MANAGERIAL, "สูง"),
    "S1": (EXECUTIVE, "ต้น"),
    "S2": (EXECUTIVE, "สูง"),
}

OCSC = "ocsc"
DPIS = "dpis"
SCHEMES = (OCSC, DPIS)
# DPIS code -> OCSC code, for the codes that differ.
_DPIS_TO_OCSC = {"D1": "M1", "D2": "M2", "M1": "S1", "M2": "S2"}
_OCSC_TO_DPIS = {v: k for k, v in _DPIS_TO_OCSC.items()}

_TYPE_BY_NAME = {name: code for code, name in TYPE_NAMES.items()}
_TYPE_BY_NAME.update({"ประเภท" + name: code for code, name in TYPE_NAMES.items()})
_TYPE_BY_NAME.update({code: code for code in TYPE_NAMES})


class GradeError(ValueError):
    """A type or grade that cannot be read; the message is Thai and says what was given."""


def grade_label(code: str) -> str:
    """'ประเภทวิชาการ ระดับชำนาญการ' for K2."""
    ptype, name = GRADES[code]
    return f"ประเภท{TYPE_NAMES[ptype]} ระดับ{name}"


def type_of_grade(code: str) -> str:
    return GRADES[code][0]


def dpis_code(code: str) -> str:
    """The DPIS spelling of an OCSC grade code."""
    return _OCSC_TO_DPIS.get(code, code)


def parse_type(text: str) -> str:
    """Position type from its Thai name ('วิชาการ', 'ประเภทวิชาการ') or internal code."""
    key = (text or "").strip()
    if key in _TYPE_BY_NAME:
        return _TYPE_BY_NAME[key]
    raise GradeError(f"ไม่รู้จักประเภทตำแหน่ง '{text}' (ใช้ บริหาร, อำนวยการ, วิชาการ หรือ ทั่วไป)")


def grade_from_code(code: str, scheme: str) -> str:
    """OCSC grade code from a code written in the given scheme ('ocsc' or 'dpis')."""
    key = (code or "").strip().upper()
    if scheme not in SCHEMES:
        raise GradeError(f"ไม่รู้จักระบบรหัสระดับ '{scheme}' (ใช้ ocsc หรือ dpis)")
    if scheme == DPIS:
        if key in ("S1", "S2"):
            raise GradeError(f"รหัสระดับ '{code}' ไม่มีในระบบ DPIS (บริหารใช้ M1/M2, อำนวยการใช้ D1/D2)")
        key = _DPIS_TO_OCSC.get(key, key)
    elif key in ("D1", "D2"):
        raise GradeError(f"รหัสระดับ '{code}' เป็นรหัสแบบ DPIS แต่ไฟล์ระบุระบบ ocsc")
    if key not in GRADES:
        raise GradeError(f"รหัสระดับ '{code}' ไม่ถูกต้อง")
    return key


def grade_from_names(type_text: str, grade_text: str) -> str:
    """OCSC grade code from the Thai type and grade names ('วิชาการ', 'ชำนาญการพิเศษ')."""
    ptype = parse_type(type_text)
    name = (grade_text or "").strip().removeprefix("ระดับ")
    for code, (t, n) in GRADES.items():
        if t == ptype and n == name:
            return code
    raise GradeError(f"ประเภท{TYPE_NAMES[ptype]}ไม่มีระดับ '{grade_text}'")


def resolve_grade(
    *, type_text: str = "", grade_text: str = "", code: str = "", scheme: str | None = None
) -> tuple[str, str]:
    """(position type, OCSC grade code or '') from whatever a row gives, checked for agreement.

    A bare code needs a declared scheme, because M1 means อำนวยการ in OCSC documents and
    บริหาร in DPIS; Thai names need none.
    """
    type_text, grade_text, code = (
        (type_text or "").strip(),
        (grade_text or "").strip(),
        (code or "").strip(),
    )
    by_names = grade_from_names(type_text, grade_text) if type_text and grade_text else None
    by_code = None
    if code:
        if scheme is None:
            if by_names is None and code.upper() not in (
                "O1",
                "O2",
                "O3",
                "O4",
                "K1",
                "K2",
                "K3",
                "K4",
                "K5",
            ):
                raise GradeError(
                    f"รหัสระดับ '{code}' กำกวม (M1 เป็นอำนวยการในระบบ OCSC แต่เป็นบริหารในระบบ DPIS): "
                    "ระบุประเภทและระดับเป็นภาษาไทย หรือเลือกระบบรหัส"
                )
            if by_names is None:
                by_code = grade_from_code(code, OCSC)
        else:
            by_code = grade_from_code(code, scheme)
    if by_names and by_code and by_names != by_code:
        raise GradeError(f"รหัสระดับ '{code}' ไม่ตรงกับ ประเภท{type_text} ระดับ{grade_text}")
    grade = by_names or by_code
    if grade:
        return type_of_grade(grade), grade
    if type_text:
        if grade_text:
            raise GradeError(f"ประเภท{type_text}ไม่มีระดับ '{grade_text}'")
        return parse_type(type_text), ""
    raise GradeError("ต้องระบุประเภทตำแหน่ง")


# กลุ่มงาน of พนักงานราชการ by position name: the Ministry of Public Health's list of position
# names per group (../shared/realdata/positions_moph_lines.csv, from the MOPH ERP's
# position_group.sql). It has no เชี่ยวชาญเฉพาะ titles, and nothing here says the group of a
# ลูกจ้างประจำ: a title not in it has no group (blank on the form, not a guess).
GOVERNMENT_EMPLOYEE_GROUPS: dict[str, tuple[str, ...]] = {
    "บริการ": (
        "พนักงานช่วยเหลือคนไข้",
        "ผู้ช่วยพยาบาล",
        "ผู้ช่วยทันตแพทย์",
        "เจ้าพนักงานธุรการ",
        "เจ้าพนักงานพัสดุ",
        "เจ้าพนักงานสถิติ",
        "เจ้าพนักงานการเงินและบัญชี",
        "เจ้าพนักงานเผยแพร่ประชาสัมพันธ์",
        "เจ้าพนักงานห้องสมุด",
    ),
    "เทคนิค": (
        "เจ้าพนักงานโสตทัศนศึกษา",
        "นายช่างเทคนิค",
        "เจ้าพนักงานเครื่องคอมพิวเตอร์",
        "นายช่างไฟฟ้า",
        "นายช่างโยธา",
        "เจ้าพนักงานอาชีวบำบัด",
        "เจ้าพนักงานเวชสถิติ",
        "เจ้าพนักงานทันตสาธารณสุข",
        "เจ้าพนักงานเภสัชกรรม",
        "โภชนากร",
        "เจ้าพนักงานรังสีการแพทย์",
        "เจ้าพนักงานวิทยาศาสตร์การแพทย์",
        "เจ้าพนักงานเวชกรรมฟื้นฟู",
        "เจ้าพนักงานสาธารณสุข",
        "นายช่างศิลป์",
        "ช่างกายอุปกรณ์",
        "ช่างทันตกรรม",
        "พยาบาลเทคนิค",
    ),
    "บริหารทั่วไป": (
        "นักจัดการงานทั่วไป",
        "นักทรัพยากรบุคคล",
        "นักประชาสัมพันธ์",
        "นักวิชาการเผยแพร่",
        "นักวิเคราะห์นโยบายและแผน",
        "นักวิชาการพัสดุ",
        "นักวิชาการศึกษา",
        "นักวิชาการตรวจสอบภายใน",
        "นักวิทยาศาสตร์การแพทย์",
        "นักสังคมสงเคราะห์",
        "นักอาชีวบำบัด",
        "นักวิชาการสาธารณสุข",
        "นักโภชนาการ",
        "นักวิชาการเงินและบัญชี",
        "นักวิชาการโสตทัศนศึกษา",
        "ช่างภาพการแพทย์",
        "บรรณารักษ์",
        "นิติกร",
        "วิชาการสถิติ",
        "นักจิตวิทยา",
        "เศรษฐกร",
        "นักวิเทศสัมพันธ์",
    ),
    "วิชาชีพเฉพาะ": (
        "นักกายอุปกรณ์",
        "นักกายภาพบำบัด",
        "นักกิจกรรมบำบัด",
        "แพทย์แผนไทย",
        "นักจิตวิทยาคลินิก",
        "นักเทคนิคการแพทย์",
        "นักรังสีการแพทย์",
        "นักวิชาการคอมพิวเตอร์",
        "นักเวชศาสตร์การสื่อความหมาย",
        "พยาบาลวิชาชีพ",
        "เภสัชกร",
        "นักเทคโนโลยีหัวใจและทรวงอก",
        "วิศวกรไฟฟ้า",
        "วิศวกรโยธา",
        "วิศวกรเครื่องกล",
    ),
}
_GROUP_BY_TITLE = {
    title: group for group, titles in GOVERNMENT_EMPLOYEE_GROUPS.items() for title in titles
}


def government_employee_group(title: str) -> str:
    """'บริหารทั่วไป' for นักวิเคราะห์นโยบายและแผน; '' for a title the list does not have."""
    return _GROUP_BY_TITLE.get((title or "").strip(), "")
