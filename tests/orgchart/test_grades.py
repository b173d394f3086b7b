import pytest

from orgchart import grades


def test_dpis_and_ocsc_codes_map_to_the_same_grade():
    assert grades.grade_from_code("D1", grades.DPIS) == "M1"  # อำนวยการ ต้น
    assert grades.grade_from_code("M1", grades.DPIS) == "S1"  # บริหาร ต้น
    assert grades.grade_from_code("M1", grades.OCSC) == "M1"
    assert grades.dpis_code("S2") == "M2"


def test_thai_names_resolve_without_a_scheme():
    assert grades.resolve_grade(type_text="วิชาการ", grade_text="ชำนาญการพิเศษ") == (
        "knowledge",
        "K3",
    )
    assert grades.resolve_grade(type_text="ประเภทอำนวยการ", grade_text="ระดับสูง") == (
        "managerial",
        "M2",
    )


def test_a_bare_m1_without_a_scheme_is_ambiguous():
    with pytest.raises(grades.GradeError, match="กำกวม"):
        grades.resolve_grade(code="M1")


def test_codes_that_exist_in_both_schemes_alike_need_no_scheme():
    assert grades.resolve_grade(code="K2") == ("knowledge", "K2")


def test_code_that_contradicts_the_thai_names_is_refused():
    with pytest.raises(grades.GradeError, match="ไม่ตรงกับ"):
        grades.resolve_grade(type_text="อำนวยการ", grade_text="ต้น", code="M1", scheme=grades.DPIS)


@pytest.mark.parametrize(
    ("code", "scheme"), [("X9", "ocsc"), ("D1", "ocsc"), ("S1", "dpis"), ("K1", "hr")]
)
def test_bad_grade_codes_are_refused(code, scheme):
    with pytest.raises(grades.GradeError):
        grades.grade_from_code(code, scheme)


def test_grade_label_is_the_official_wording():
    assert grades.grade_label("K2") == "ประเภทวิชาการ ระดับชำนาญการ"


def test_type_without_grade_is_allowed_for_non_civil_servants():
    assert grades.resolve_grade(type_text="อื่น ๆ") == ("other", "")
