"""Sarabun as the PDF forms use it: one extra glyph so that Thai copied out of a PDF is exact.

HarfBuzz always splits SARA AM (ำ) into NIKHAHIT + SARA AA, and WeasyPrint maps each glyph to
the text of the first cluster it met it in. The SARA AA glyph is shared with plain า, so "สำนัก"
came out of the PDF as "สานัก", and a tone mark inside such a cluster (น้ำ, ต่ำ) lost its text
for the rest of the document. The font served to WeasyPrint therefore gets a copy of SARA AA
("uni0E32.am") that a GSUB rule puts after NIKHAHIT, and `glyph_texts` maps every Thai glyph
to its own characters by glyph name: NIKHAHIT to nothing, the copy to ำ. The outlines are the
OFL files in static/fonts, unchanged; only the served copy gains the glyph and the rule.

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
