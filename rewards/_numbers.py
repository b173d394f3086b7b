"""Plain numbers for the rule modules of rewards: Decimal in, bilingual errors out."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation


def error(en: str, th: str) -> ValueError:
    """A ValueError whose message is English then Thai, as appraisal.scoring words its own."""
    return ValueError(f"{en} / {th}")


def decimal(value: object, what: str, what_th: str) -> Decimal:
    """Decimal from int, str or Decimal; float (and bool, an int by accident) is refused, so a
    binary fraction never reaches money or a score. `what` names the value in the message,
    in English and in Thai."""
    if isinstance(value, bool) or not isinstance(value, int | str | Decimal):
        raise TypeError(
            f"{what}: pass int, str or Decimal, not {type(value).__name__} / "
            f"{what_th}: ใช้ int, str หรือ Decimal เท่านั้น ห้ามใช้ {type(value).__name__}"
        )
    try:
        result = Decimal(str(value).strip())
    except InvalidOperation:
        raise error(
            f"{what} is not a number: {value!r}", f"{what_th} ไม่ใช่ตัวเลข: {value!r}"
        ) from None
    if not result.is_finite():
        raise error(f"{what} must be a finite number", f"{what_th} ต้องเป็นตัวเลขที่มีค่าจำกัด")
    return result


def between(value: object, what: str, what_th: str, low: Decimal, high: Decimal) -> Decimal:
    """decimal(value) checked to lie in low–high, both ends included."""
    number = decimal(value, what, what_th)
    if not low <= number <= high:
        raise error(
            f"{what} must be from {low} to {high}, got {number}",
            f"{what_th} ต้องอยู่ระหว่าง {low}–{high} (ได้ {number})",
        )
    return number
