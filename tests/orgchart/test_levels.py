import pytest

from orgchart import levels


def test_dpis_and_ocsc_codes_map_to_the_same_level():
    assert levels.level_from_code("D1", levels.DPIS) == "M1"  # อำนวยการ ต้น
    assert levels.level_from_code("M1", levels.DPIS) == "S1"  # บริหาร ต้น
    assert levels.level_from_code("M1", levels.OCSC) == "M1"
    assert levels.dpis_code("S2") == "M2"


def test_thai_names_resolve_without_a_scheme():
    assert levels.resolve_level(type_text="วิชาการ", level_text="ชำนาญการพิเศษ") == (
        "knowledge",
        "K3",
    )
    assert levels.resolve_level(type_text="ประเภทอำนวยการ", level_text="ระดับสูง") == (
        "managerial",
        "M2",
    )


def test_a_bare_m1_without_a_scheme_is_ambiguous():
    with pytest.raises(levels.LevelError, match="กำกวม"):
        levels.resolve_level(code="M1")


def test_codes_that_exist_in_both_schemes_alike_need_no_scheme():
    assert levels.resolve_level(code="K2") == ("knowledge", "K2")


def test_code_that_contradicts_the_thai_names_is_refused():
    with pytest.raises(levels.LevelError, match="ไม่ตรงกับ"):
        levels.resolve_level(type_text="อำนวยการ", level_text="ต้น", code="M1", scheme=levels.DPIS)


@pytest.mark.parametrize(
    ("code", "scheme"), [("X9", "ocsc"), ("D1", "ocsc"), ("S1", "dpis"), ("K1", "hr")]
)
def test_bad_level_codes_are_refused(code, scheme):
    with pytest.raises(levels.LevelError):
        levels.level_from_code(code, scheme)


def test_level_label_is_the_official_wording():
    assert levels.level_label("K2") == "ประเภทวิชาการ ระดับชำนาญการ"


def test_type_without_level_is_allowed_for_non_civil_servants():
    assert levels.resolve_level(type_text="อื่น ๆ") == ("other", "")
