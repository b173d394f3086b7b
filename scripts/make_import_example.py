"""Writes fixtures/import_example.xlsx and its CSV twin (same rows), deterministically.

A provincial health office four units deep: สำนักงานสาธารณสุขจังหวัด → กลุ่มงาน / สำนักงานสาธารณสุขอำเภอ →
งาน → หน่วย. The office and district codes and names are real (HDC, see
../shared/realdata/org_units_mukdahan_health.csv); the กลุ่มงาน/งาน below them, the position numbers
and every person are made up. Position titles, lines of work and their codes come from
positions_moph_lines.csv. Run: python scripts/make_import_example.py [OUTPUT_DIR]
"""

from __future__ import annotations

import csv
import io
import sys
import zipfile
from datetime import datetime
from decimal import Decimal
from pathlib import Path

HEADERS = [
    "รหัสหน่วยงาน",
    "ชื่อหน่วยงาน",
    "รหัสหน่วยงานต้นสังกัด",
    "ประเภทหน่วยงาน",
    "ชื่อย่อ",
    "กระทรวง",
    "เลขที่ตำแหน่ง",
    "ตำแหน่ง",
    "ตำแหน่งทางการบริหาร",
    "สายงาน",
    "รหัสสายงาน",
    "ประเภทตำแหน่ง",
    "ระดับ",
    "รหัสระดับ",
    "ระบบรหัส",
    "รหัสบุคลากร",
    "คำนำหน้า",
    "ชื่อ",
    "นามสกุล",
    "ประเภทบุคลากร",
    "ทดลองปฏิบัติราชการ",
    "เงินเดือน",
    "อีเมล",
    "ชื่อผู้ใช้",
    "บทบาทในหน่วยงาน",
]
SALARY_COLUMN = HEADERS.index("เงินเดือน")
TEXT_COLUMNS = {
    HEADERS.index(h) for h in ("รหัสหน่วยงาน", "รหัสหน่วยงานต้นสังกัด", "เลขที่ตำแหน่ง", "รหัสบุคลากร")
}
FIXED_TIME = datetime(2026, 1, 1, 0, 0, 0)
MAIL = "mukdahan-health.example"

# fmt: off
# code, name, parent, kind, short name, ministry
UNITS = [
    ("00036", "สำนักงานสาธารณสุขจังหวัดมุกดาหาร", "", "สำนักงานสาธารณสุขจังหวัด", "สสจ.มุกดาหาร", "กระทรวงสาธารณสุข"),
    ("0003601", "กลุ่มงานบริหารทั่วไป", "00036", "กลุ่มงาน", "", ""),
    ("000360101", "งานการเงินและบัญชี", "0003601", "งาน", "", ""),
    ("000360102", "งานพัสดุ", "0003601", "งาน", "", ""),
    ("00036010201", "หน่วยคลังพัสดุ", "000360102", "หน่วย", "", ""),
    ("0003602", "กลุ่มงานบริหารทรัพยากรบุคคล", "00036", "กลุ่มงาน", "", ""),
    ("000360201", "งานสรรหาและบรรจุแต่งตั้ง", "0003602", "งาน", "", ""),
    ("0003603", "กลุ่มงานพัฒนายุทธศาสตร์สาธารณสุข", "00036", "กลุ่มงาน", "", ""),
    ("000360301", "งานข้อมูลข่าวสารและสารสนเทศ", "0003603", "งาน", "", ""),
    ("00036030101", "หน่วยเทคโนโลยีสารสนเทศ", "000360301", "หน่วย", "", ""),
    ("0003604", "กลุ่มงานควบคุมโรคติดต่อ", "00036", "กลุ่มงาน", "", ""),
    ("00522", "สำนักงานสาธารณสุขอำเภอเมืองมุกดาหาร", "00036", "สำนักงานสาธารณสุขอำเภอ", "สสอ.เมืองมุกดาหาร", ""),
    ("0052201", "งานส่งเสริมสุขภาพ สสอ.เมืองมุกดาหาร", "00522", "งาน", "", ""),
    ("00523", "สำนักงานสาธารณสุขอำเภอนิคมคำสร้อย", "00036", "สำนักงานสาธารณสุขอำเภอ", "สสอ.นิคมคำสร้อย", ""),
    ("0052301", "งานควบคุมโรค สสอ.นิคมคำสร้อย", "00523", "งาน", "", ""),
]

# Positions by short key: title, line of work, line code, type, grade, OCSC grade code
KNOW, GEN, MGR, OTHER = "วิชาการ", "ทั่วไป", "อำนวยการ", "อื่น ๆ"
GRADE_CODES = {
    (KNOW, "ปฏิบัติการ"): "K1", (KNOW, "ชำนาญการ"): "K2", (KNOW, "ชำนาญการพิเศษ"): "K3", (KNOW, "เชี่ยวชาญ"): "K4",
    (GEN, "ปฏิบัติงาน"): "O1", (GEN, "ชำนาญงาน"): "O2", (GEN, "อาวุโส"): "O3", (MGR, "ต้น"): "M1",
}
TITLES = {
    "doctor": ("นายแพทย์", "แพทย์", "3-6-2009", KNOW),
    "dentist": ("ทันตแพทย์", "ทันตแพทย์", "3-6-2005", KNOW),
    "admin": ("นักจัดการงานทั่วไป", "จัดการงานทั่วไป", "3-1-2004", KNOW),
    "clerk": ("เจ้าพนักงานธุรการ", "ปฏิบัติงานธุรการ", "4-1-2001", GEN),
    "finance": ("นักวิชาการเงินและบัญชี", "วิชาการเงินและบัญชี", "3-2-2006", KNOW),
    "finance_o": ("เจ้าพนักงานการเงินและบัญชี", "ปฏิบัติงานการเงินและบัญชี", "4-2-2002", GEN),
    "supply": ("นักวิชาการพัสดุ", "วิชาการพัสดุ", "3-1-2016", KNOW),
    "supply_o": ("เจ้าพนักงานพัสดุ", "ปฏิบัติงานพัสดุ", "4-1-2002", GEN),
    "hr": ("นักทรัพยากรบุคคล", "ทรัพยากรบุคคล", "3-1-2006", KNOW),
    "plan": ("นักวิเคราะห์นโยบายและแผน", "นักวิเคราะห์นโยบายและแผน", "3-1-2012", KNOW),
    "ph": ("นักวิชาการสาธารณสุข", "วิชาการสาธารณสุข", "3-6-2015", KNOW),
    "ph_o": ("เจ้าพนักงานสาธารณสุข", "ปฏิบัติงานสาธารณสุข", "4-6-2007", GEN),
    "computer": ("นักวิชาการคอมพิวเตอร์", "วิชาการคอมพิวเตอร์", "3-1-2013", KNOW),
    "computer_o": ("เจ้าพนักงานเครื่องคอมพิวเตอร์", "ปฏิบัติงานเครื่องคอมพิวเตอร์", "4-7-2007", GEN),
    "nurse": ("พยาบาลวิชาชีพ", "พยาบาลวิชาชีพ", "3-6-2008", KNOW),
    "district": ("ผู้อำนวยการเฉพาะด้าน (สาธารณสุข)", "อำนวยการเฉพาะด้าน", "2-1-2002", MGR),
    # Outside the civil-service grid: พนักงานราชการ and ลูกจ้างประจำ positions have no grade.
    "ge_clerk": ("เจ้าพนักงานธุรการ", "ปฏิบัติงานธุรการ", "", OTHER),
    "ge_computer": ("นักวิชาการคอมพิวเตอร์", "วิชาการคอมพิวเตอร์", "", OTHER),
    "driver": ("พนักงานขับรถยนต์", "", "", OTHER),
}
CIVIL, GOV, PERM = "ข้าราชการ", "พนักงานราชการ", "ลูกจ้างประจำ"

# unit, position number, title key, grade name, management title, staff code, prefix, first,
# last, staff type, probation, salary, e-mail user part, username, role.  A row without a staff
# code is a vacant position.
PEOPLE = [
    ("00036", "0001", "doctor", "เชี่ยวชาญ", "นายแพทย์สาธารณสุขจังหวัดมุกดาหาร", "360001", "นายแพทย์", "ประเสริฐ", "วงศ์สวัสดิ์", CIVIL, "", "78530", "prasert.w", "prasert.w", "หัวหน้า"),
    ("00036", "0002", "doctor", "ชำนาญการพิเศษ", "รองนายแพทย์สาธารณสุขจังหวัด", "360002", "แพทย์หญิง", "กนกวรรณ", "ศรีสุข", CIVIL, "", "62410", "kanokwan.s", "", ""),
    ("00036", "0003", "dentist", "ชำนาญการพิเศษ", "", "360003", "ทันตแพทย์หญิง", "วิมลรัตน์", "ทองดี", CIVIL, "", "55920", "", "", ""),
    ("00036", "0004", "clerk", "อาวุโส", "", "360004", "นาง", "สุภาพร", "แก้วมณี", CIVIL, "", "36750", "", "", ""),
    ("0003601", "0101", "admin", "ชำนาญการพิเศษ", "หัวหน้ากลุ่มงานบริหารทั่วไป", "360101", "นาง", "รัชนี", "บุญมา", CIVIL, "", "58390", "ratchanee.b", "ratchanee.b", "หัวหน้า"),
    ("0003601", "0102", "clerk", "ชำนาญงาน", "", "360102", "นางสาว", "ปิยะนุช", "ศรีวงศ์", CIVIL, "", "24630", "", "", ""),
    ("0003601", "พร.0105", "ge_clerk", "", "", "360103", "นางสาว", "อรอุมา", "จันทร์เพ็ญ", GOV, "", "18000", "", "", ""),
    ("0003601", "ลจ.0107", "driver", "", "", "360104", "นาย", "สมบัติ", "ใจกล้า", PERM, "", "21340", "", "", ""),
    ("000360101", "0111", "finance", "ชำนาญการ", "", "360111", "นาง", "จันทร์จิรา", "พรหมมา", CIVIL, "", "38720", "chanjira.p", "", "หัวหน้า"),
    ("000360101", "0112", "finance_o", "ชำนาญงาน", "", "360112", "นางสาว", "ศิริพร", "ทองคำ", CIVIL, "", "23110", "", "", ""),
    ("000360101", "0113", "finance_o", "ปฏิบัติงาน", "", "360113", "นางสาว", "กัลยา", "มีสุข", CIVIL, "ใช่", "11500", "", "", ""),
    ("000360102", "0121", "supply", "ชำนาญการ", "", "360121", "นาย", "วีระพงษ์", "สายทอง", CIVIL, "", "35480", "", "", "หัวหน้า"),
    ("000360102", "0122", "supply_o", "อาวุโส", "", "360122", "จ่าเอก", "สมพงษ์", "ดวงแก้ว", CIVIL, "", "33900", "", "", ""),
    ("00036010201", "0123", "supply_o", "ชำนาญงาน", "", "360123", "นาย", "ธนากร", "พิมพ์ทอง", CIVIL, "", "22480", "", "", "หัวหน้า"),
    ("00036010201", "0124", "supply_o", "ปฏิบัติงาน", "", "360124", "ว่าที่ร้อยตรี", "ณัฐวุฒิ", "แสนสุข", CIVIL, "", "15870", "", "", ""),
    ("0003602", "0201", "hr", "ชำนาญการพิเศษ", "หัวหน้ากลุ่มงานบริหารทรัพยากรบุคคล", "360201", "นาง", "อัญชลี", "ศรีประเสริฐ", CIVIL, "", "56870", "anchalee.s", "anchalee.s", "หัวหน้า"),
    ("0003602", "0202", "hr", "ชำนาญการ", "", "360202", "นางสาว", "ณัฐธิดา", "วงศ์ใหญ่", CIVIL, "", "31260", "nattida.w", "", ""),
    ("0003602", "0203", "hr", "ปฏิบัติการ", "", "360203", "นาย", "ภานุวัฒน์", "คำมูล", CIVIL, "ใช่", "18000", "", "", ""),
    ("000360201", "0211", "hr", "ชำนาญการ", "", "360211", "นางสาว", "พัชรินทร์", "อินทร์แก้ว", CIVIL, "", "33450", "", "", "หัวหน้า"),
    ("000360201", "0212", "clerk", "ปฏิบัติงาน", "", "360212", "ว่าที่ร้อยตรีหญิง", "สุดารัตน์", "โพธิ์ศรี", CIVIL, "", "14320", "", "", ""),
    ("0003603", "0301", "plan", "ชำนาญการพิเศษ", "หัวหน้ากลุ่มงานพัฒนายุทธศาสตร์สาธารณสุข", "360301", "นาย", "ชัยวัฒน์", "ภูมิสุข", CIVIL, "", "54320", "chaiwat.p", "chaiwat.p", "หัวหน้า"),
    ("0003603", "0302", "plan", "ชำนาญการ", "", "360302", "นาง", "ดารุณี", "สีหาราช", CIVIL, "", "36180", "", "", ""),
    ("0003603", "0303", "ph", "ปฏิบัติการ", "", "360303", "นางสาว", "ปวีณา", "ไชยสิทธิ์", CIVIL, "", "19760", "", "", ""),
    ("000360301", "0311", "computer", "ชำนาญการ", "", "360311", "นาย", "อภิชาติ", "แก้วกัลยา", CIVIL, "", "32890", "apichat.k", "", "หัวหน้า"),
    ("000360301", "0312", "computer_o", "ชำนาญงาน", "", "360312", "สิบเอก", "ธีระ", "บุญเรือง", CIVIL, "", "21870", "", "", ""),
    ("00036030101", "0313", "computer", "ปฏิบัติการ", "", "", "", "", "", "", "", "", "", "", ""),
    ("00036030101", "พร.0315", "ge_computer", "", "", "360313", "นาย", "ศุภชัย", "ทองสุข", GOV, "", "21000", "", "", ""),
    ("0003604", "0400", "ph", "ชำนาญการพิเศษ", "หัวหน้ากลุ่มงานควบคุมโรคติดต่อ", "", "", "", "", "", "", "", "", "", ""),
    ("0003604", "0401", "ph", "ชำนาญการ", "", "360401", "นาย", "สุรชัย", "พลศรี", CIVIL, "", "39560", "surachai.p", "surachai.p", "รักษาราชการแทน"),
    ("0003604", "0402", "ph", "ปฏิบัติการ", "", "360402", "นางสาว", "จิราพร", "ศรีบุญ", CIVIL, "", "20430", "", "", ""),
    ("0003604", "0403", "ph_o", "ชำนาญงาน", "", "360403", "นาย", "สมคิด", "ไชยวงศ์", CIVIL, "", "25170", "", "", ""),
    ("00522", "5221", "district", "ต้น", "สาธารณสุขอำเภอเมืองมุกดาหาร", "360501", "นาย", "บุญเลิศ", "ศรีมุกดา", CIVIL, "", "48650", "boonlert.s", "boonlert.s", "หัวหน้า"),
    ("00522", "5222", "ph", "ชำนาญการพิเศษ", "", "360502", "นาง", "ลำดวน", "คำภูแก้ว", CIVIL, "", "52340", "", "", ""),
    ("00522", "5223", "clerk", "ปฏิบัติงาน", "", "360503", "นางสาว", "มณีรัตน์", "ทองมา", CIVIL, "", "13280", "", "", ""),
    ("0052201", "5224", "nurse", "ชำนาญการ", "", "360504", "นาง", "วาสนา", "จันทร์แดง", CIVIL, "", "38210", "wassana.j", "", "หัวหน้า"),
    ("0052201", "5225", "ph", "ปฏิบัติการ", "", "360505", "นาย", "กิตติศักดิ์", "พรมดี", CIVIL, "", "17930", "", "", ""),
    ("00523", "5231", "district", "ต้น", "สาธารณสุขอำเภอนิคมคำสร้อย", "360601", "นาย", "ไพโรจน์", "สุวรรณไตร", CIVIL, "", "46980", "pairoj.s", "pairoj.s", "หัวหน้า"),
    ("00523", "5232", "ph", "ชำนาญการ", "", "360602", "นางสาว", "ชุติมา", "บัวแก้ว", CIVIL, "", "30540", "", "", ""),
    ("0052301", "5233", "ph", "ชำนาญการ", "", "360603", "นาย", "ประยุทธ", "ศรีคำ", CIVIL, "", "34760", "", "", "หัวหน้า"),
    ("0052301", "5234", "ph_o", "ปฏิบัติงาน", "", "360604", "นาย", "วีรยุทธ", "แสงจันทร์", CIVIL, "ใช่", "11500", "", "", ""),
    ("0052301", "ลจ.5235", "driver", "", "", "360605", "นาย", "ทองใบ", "พันธ์สี", PERM, "", "19870", "", "", ""),
]
# fmt: on


def rows() -> list[list[str]]:
    """The table under the header. A unit's name and parent go on its first row only."""
    table: list[list[str]] = []
    for code, name, parent, kind, short, ministry in UNITS:
        unit_part = [code, name, parent, kind, short, ministry]
        people = [p for p in PEOPLE if p[0] == code]
        if not people:
            table.append(unit_part + [""] * (len(HEADERS) - len(unit_part)))
        for p in people:
            (
                _u,
                number,
                title_key,
                grade,
                mgmt,
                staff,
                prefix,
                first,
                last,
                stype,
                probation,
                salary,
                mail,
                username,
                role,
            ) = p
            title, line, line_code, ptype = TITLES[title_key]
            grade_code = GRADE_CODES.get((ptype, grade), "")
            salary_text = f"{Decimal(salary):,.2f}" if salary else ""
            table.append(
                unit_part
                + [
                    number,
                    title,
                    mgmt,
                    line,
                    line_code,
                    ptype,
                    grade,
                    grade_code,
                    "ocsc" if grade_code else "",
                    staff,
                    prefix,
                    first,
                    last,
                    stype,
                    probation,
                    salary_text,
                    f"{mail}@{MAIL}" if mail else "",
                    username,
                    role,
                ]
            )
            unit_part = [code, "", "", "", "", ""]
    return table


def write_csv(path: Path) -> None:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADERS)
    writer.writerows(rows())
    # The BOM makes Excel open the file as UTF-8 instead of the Thai legacy code page.
    path.write_bytes(buffer.getvalue().encode("utf-8-sig"))


def write_xlsx(path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "นำเข้า"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for values in rows():
        sheet.append(values)
    for row in sheet.iter_rows(min_row=2):
        for index, cell in enumerate(row):
            if index in TEXT_COLUMNS:
                # Text, so that Excel keeps the leading zeros of 00036 when the file is edited.
                cell.number_format = "@"
            elif index == SALARY_COLUMN and cell.value:
                cell.value = Decimal(cell.value.replace(",", ""))
                cell.number_format = "#,##0.00"
    for index, header in enumerate(HEADERS):
        sheet.column_dimensions[sheet.cell(1, index + 1).column_letter].width = max(
            12, len(header) + 4
        )
    sheet.freeze_panes = "A2"
    book.properties.creator = "e-PMS"
    book.properties.created = FIXED_TIME
    book.properties.modified = FIXED_TIME
    raw = io.BytesIO()
    book.save(raw)
    path.write_bytes(_fixed_zip_times(raw.getvalue()))


def _fixed_zip_times(data: bytes) -> bytes:
    """The same archive with every member stamped at FIXED_TIME, so reruns give the same bytes."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=FIXED_TIME.timetuple()[:6])
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = 0o644 << 16
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()


def main(argv: list[str]) -> None:
    target = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent.parent / "fixtures"
    target.mkdir(parents=True, exist_ok=True)
    write_xlsx(target / "import_example.xlsx")
    write_csv(target / "import_example.csv")
    print(f"{target / 'import_example.xlsx'}, {target / 'import_example.csv'}: {len(rows())} rows")


if __name__ == "__main__":
    main(sys.argv)
