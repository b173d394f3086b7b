"""Sarabun as the PDF forms use it: one extra glyph so that Thai copied out of a PDF is exact.

HarfBuzz always splits SARA AM (ำ) into NIKHAHIT + SARA AA, and WeasyPrint maps each glyph to
the text of the first cluster it met it in. The SARA AA glyph is shared with plain า, so "สำนัก"
came out of the PDF as "สานัก", and a tone mark inside such a cluster (น้ำ, ต่ำ) lost its text
for the rest of the document. The font served to WeasyPrint therefore gets a copy of SARA AA
("uni0E32.am") that a GSUB rule puts after NIKHAHIT, and `glyph_texts` maps every Thai glyph
to its own characters by glyph name: NIKHAHIT to nothing, the copy to ำ. The outlines are the
OFL files in static/fonts, unchanged; only the served copy gains the glyph and the rule.

Every Thai mark also moves its origin back inside the letter it sits on (`_marks_inside_base`):
its outline and its anchors shift right by as much, so it is drawn where it was (to a fraction
of a pixel), and it gets a PDF width that reaches the next letter. poppler's default text mode
(a viewer's search and copy) starts a new word at a character that overlaps the one before,
which after a zero-width mark is every next letter, and glues the pieces back only when each
piece starts at or after the previous one and no gap is left: a mark whose origin fell past
its letter's edge (bold, "ผู้รบ / ั") or a tone mark left of the vowel it stands on ("ท่ี")
was put out of order, and a word that ended at a mark left inside the letter got a space.

Pure fontTools: no Django, no WeasyPrint.
"""

from __future__ import annotations

import copy
import hashlib
import io
from functools import lru_cache

from fontTools import agl
from fontTools.otlLib import builder as otl
from fontTools.ttLib import TTFont
from fontTools.ttLib.tables import otTables as ot

SARA_AA = "uni0E32"
SARA_AA_OF_AM = "uni0E32.am"
NIKHAHIT = "\u0e4d"
SARA_AM = "\u0e33"
# Marks that may stand between NIKHAHIT and SARA AA once HarfBuzz has moved NIKHAHIT back over
# them (tone marks, MAI HAN-AKAT, the upper vowels, MAITAIKHU, THANTHAKHAT, YAMAKKAN).
_ABOVE_MARKS = (0x31, 0x34, 0x35, 0x36, 0x37, 0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4E)
# Where each mark's origin goes, in font units (1/1000 em in Sarabun) left of where GPOS put
# it: enough to bring it back inside its letter in every weight (bold puts some marks up to 22
# units past the letter's edge), less for the marks that stack above another one (tone marks,
# THANTHAKHAT, YAMAKKAN) so that inside a cluster the origins never go backwards.
MARK_INSET = 40
STACKED_INSET = 25
_STACKED = tuple(f"uni0E{c:02X}" for c in (0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4E))
# The width the PDF gives a mark (its advance in hmtx; HarfBuzz zeroes a mark's advance, so
# the layout does not see it): the word then reaches the next letter's origin.
MARK_TEXT_WIDTH = 100


def _inset(name: str) -> int:
    return STACKED_INSET if name.startswith(_STACKED) else MARK_INSET


def _marks_inside_base(font: TTFont) -> None:
    """Shift every Thai mark glyph's outline and its mark anchors right by its inset, so that
    GPOS attachment puts its origin that far left of where it was and it draws unchanged, and
    give it MARK_TEXT_WIDTH as its advance."""
    if "GDEF" not in font or "GPOS" not in font or font["GDEF"].table.GlyphClassDef is None:
        return
    classes = font["GDEF"].table.GlyphClassDef.classDefs
    marks = {g for g, c in classes.items() if c == 3 and g.startswith("uni0E")}
    glyf, hmtx = font["glyf"], font["hmtx"]
    for name in marks:
        glyph = glyf[name]
        if glyph.isComposite():
            # Its components move by their own insets: make up the difference.
            for component in glyph.components:
                if component.glyphName in marks:
                    component.x += _inset(name) - _inset(component.glyphName)
        elif hasattr(glyph, "coordinates"):
            glyph.coordinates.translate((_inset(name), 0))
            glyph.recalcBounds(glyf)
    for name in marks:
        glyph = glyf[name]
        glyph.recalcBounds(glyf)
        advance, _lsb = hmtx.metrics[name]
        hmtx.metrics[name] = (advance or MARK_TEXT_WIDTH, getattr(glyph, "xMin", 0))
    moved: set[int] = set()

    def shift(anchor, name: str) -> None:
        if anchor is not None and id(anchor) not in moved:
            moved.add(id(anchor))
            anchor.XCoordinate += _inset(name)

    for lookup in font["GPOS"].table.LookupList.Lookup:
        for sub in lookup.SubTable:
            if lookup.LookupType == 4:  # mark to base: the marks' own anchors
                for g, rec in zip(sub.MarkCoverage.glyphs, sub.MarkArray.MarkRecord, strict=True):
                    if g in marks:
                        shift(rec.MarkAnchor, g)
            elif lookup.LookupType == 6:  # mark to mark: both marks move with their outlines
                for g, rec in zip(sub.Mark1Coverage.glyphs, sub.Mark1Array.MarkRecord, strict=True):
                    if g in marks:
                        shift(rec.MarkAnchor, g)
                for g, rec in zip(
                    sub.Mark2Coverage.glyphs, sub.Mark2Array.Mark2Record, strict=True
                ):
                    if g in marks:
                        for anchor in rec.Mark2Anchor:
                            shift(anchor, g)


def _is_thai(text: str) -> bool:
    return bool(text) and all("\u0e00" <= c <= "\u0e7f" for c in text)


@lru_cache(maxsize=8)
def served_font(data: bytes) -> bytes:
    """The font with SARA AA copied and substituted after NIKHAHIT; unchanged if the font has
    no Thai SARA AA or already has the copy."""
    font = TTFont(io.BytesIO(data))
    order = font.getGlyphOrder()
    if SARA_AA not in order or SARA_AA_OF_AM in order or "GSUB" not in font:
        return data
    glyf, hmtx = font["glyf"], font["hmtx"]
    glyf.glyphs[SARA_AA_OF_AM] = copy.deepcopy(glyf[SARA_AA])
    hmtx.metrics[SARA_AA_OF_AM] = hmtx.metrics[SARA_AA]
    font.setGlyphOrder([*order, SARA_AA_OF_AM])
    glyf.glyphOrder = font.getGlyphOrder()
    font["maxp"].numGlyphs = len(font.getGlyphOrder())
    if "GDEF" in font and font["GDEF"].table.GlyphClassDef is not None:
        classes = font["GDEF"].table.GlyphClassDef.classDefs
        if SARA_AA in classes:
            classes[SARA_AA_OF_AM] = classes[SARA_AA]

    gsub = font["GSUB"].table
    lookups = gsub.LookupList.Lookup
    lookups.append(otl.buildLookup([otl.buildSingleSubstSubtable({SARA_AA: SARA_AA_OF_AM})]))
    swap = len(lookups) - 1
    glyph_map = font.getReverseGlyphMap()
    names = font.getGlyphOrder()
    # After the font's own ccmp, NIKHAHIT may be alone, a .narrow variant, or ligated with a
    # tone mark (uni0E4D0E48...): every glyph whose name starts with uni0E4D.
    nikhahit = [g for g in names if g.startswith("uni0E4D")]
    marks = [g for g in names if any(g.startswith(f"uni0E{c:02X}") for c in _ABOVE_MARKS)]
    rules = []
    for backtrack in ([nikhahit], [marks, nikhahit]):
        rule = ot.ChainContextSubst()
        rule.Format = 3
        rule.BacktrackCoverage = [otl.buildCoverage(c, glyph_map) for c in backtrack]
        rule.InputCoverage = [otl.buildCoverage([SARA_AA], glyph_map)]
        rule.LookAheadCoverage = []
        record = ot.SubstLookupRecord()
        record.SequenceIndex, record.LookupListIndex = 0, swap
        rule.SubstLookupRecord = [record]
        rules.append(rule)
    lookups.append(otl.buildLookup(rules))
    gsub.LookupList.LookupCount = len(lookups)
    # Appended last, the rule runs after the font's own ccmp lookups (decomposition, ligatures).
    for record in gsub.FeatureList.FeatureRecord:
        if record.FeatureTag == "ccmp":
            record.Feature.LookupListIndex.append(len(lookups) - 1)
            record.Feature.LookupCount = len(record.Feature.LookupListIndex)
    _marks_inside_base(font)
    out = io.BytesIO()
    font.save(out)
    return out.getvalue()


_TEXTS: dict[bytes, dict[int, str]] = {}


def glyph_texts(data: bytes) -> dict[int, str]:
    """Glyph id -> the characters it stands for, for the Thai glyphs of a served font (empty
    for any other font). Cached by the font's digest."""
    key = hashlib.sha256(data).digest()
    table = _TEXTS.get(key)
    if table is None:
        table = {}
        font = TTFont(io.BytesIO(data), lazy=True)
        order = font.getGlyphOrder()
        if SARA_AA_OF_AM in order:
            for gid, name in enumerate(order):
                if name == SARA_AA_OF_AM:
                    table[gid] = SARA_AM
                    continue
                text = agl.toUnicode(name)
                if _is_thai(text):
                    # NIKHAHIT only ever comes from SARA AM, whose text the copy carries.
                    table[gid] = text.replace(NIKHAHIT, "")
        _TEXTS[key] = table
    return table


_ALL: dict[bytes, dict[int, str]] = {}


def all_glyph_texts(data: bytes) -> dict[int, str]:
    """Every glyph of a served font with its text (the Thai ones as glyph_texts gives them,
    the others from the font's cmap). Given to WeasyPrint as already used, it makes the
    subset every glyph of the font: the same bytes in every document, so a book merged from
    many keeps one copy, with an exact text map for all glyphs."""
    key = hashlib.sha256(data).digest()
    table = _ALL.get(key)
    if table is None:
        font = TTFont(io.BytesIO(data), lazy=True)
        table = {}
        for code, name in sorted(font.getBestCmap().items(), reverse=True):
            table[font.getGlyphID(name)] = chr(code)
        table.update(glyph_texts(data))
        table.setdefault(0, "")
        _ALL[key] = table
    return table
