"""People's names in the demo: Thai first names and surnames with a romanisation for e-mail
addresses (demo/data/first_names_*.csv, surnames.csv), and the คำนำหน้า a person writes."""

from __future__ import annotations

import random

from demo.loader import read_csv


def _names(file: str) -> tuple[tuple[str, str], ...]:
    return tuple((row["thai"], row["roman"]) for row in read_csv(file))


MALE_NAMES = _names("first_names_male.csv")
FEMALE_NAMES = _names("first_names_female.csv")
SURNAMES = _names("surnames.csv")


def prefix(rng: random.Random, *, female: bool, line_key: str, senior: bool) -> str:
    """คำนำหน้า: mostly นาย/นาง/นางสาว; doctors, some ranks and doctorates as offices write them."""
    r = rng.random()
    if line_key == "doctor":
        return "พ.ญ." if female else "น.พ."
    if line_key == "dentist" and not female:
        return "ท.พ."
    if senior and r < 0.06:
        return "ดร."
    if female:
        if r < 0.012:
            return "ว่าที่ ร.ต.หญิง"
        return "นาง" if rng.random() < 0.55 else "นางสาว"
    if r < 0.025:
        return "ว่าที่ ร.ต."
    if r < 0.032:
        return "จ.ส.อ."
    if r < 0.035:
        return "ม.ล."
    return "นาย"
