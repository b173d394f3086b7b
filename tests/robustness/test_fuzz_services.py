"""Hostile arguments to the services that take user input: each call succeeds with a consistent
state or raises DomainError (with a Thai message) or PermissionDenied, and a refused call
writes nothing. Each example is rolled back. Cases per test: `CASES` (10) examples."""

from __future__ import annotations

import datetime as dt
import os
import re
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from appraisal.services.agreements import ItemInput, agreement_save
from appraisal.services.evaluation import CompetencyInput, ScoreInput, score_save
from appraisal.services.monitoring import ProgressInput, checkin_record, journal_add
from appraisal.services.review import form_refusal_record, form_review_higher
from appraisal.services.rounds import round_update
from common.errors import DomainError
from kpi import services as kpi_services
from tests.appraisal.conftest import appraisal_world
from tests.kpi.conftest import make_kpi
from tests.robustness.conftest import (
    HOSTILE,
    TALLY,
    changed_tables,
    consistency_problems,
    fingerprint,
    rolled_back,
)

CASES = int(os.environ.get("FUZZ_CASES", "10"))
FUZZ = settings(
    max_examples=CASES,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
THAI_CHAR = re.compile("[\u0e00-\u0e7f]")
NUMBERS = st.one_of(
    HOSTILE,
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from([Decimal("NaN"), Decimal("sNaN"), Decimal("Infinity"), Decimal("1e309")]),
    st.integers(-(10**20), 10**20),
)
DATES = st.one_of(st.none(), st.dates(), st.just(dt.date.today()))


def call(name: str, fn):
    """Run one service call; only DomainError (Thai) and PermissionDenied may escape, and a
    refused call leaves every row as it was."""
    with rolled_back():
        before = fingerprint()
        try:
            fn()
        except DomainError as exc:
            assert THAI_CHAR.search(exc.message), exc.message
            assert not changed_tables(before, fingerprint())
        except PermissionDenied:
            assert not changed_tables(before, fingerprint())
        problems = consistency_problems()
        assert not problems, problems
    TALLY[f"fuzz:services:{name}"] += 1


@pytest.fixture
def world(org):
    return appraisal_world(org)


def items_strategy(existing_ids):
    item = st.builds(
        ItemInput,
        name=HOSTILE,
        weight=NUMBERS,
        kind=st.sampled_from(["plan", "duty", "special", "", "x", "PLAN"]),
        target=HOSTILE,
        criteria=st.lists(HOSTILE, min_size=4, max_size=6),
        kpi_id=st.one_of(st.none(), st.integers(-5, 10**12)),
        id=st.one_of(st.none(), st.sampled_from(existing_ids or [None]), st.integers(-5, 10**12)),
    )
    return st.lists(item, max_size=35)


@FUZZ
@given(data=st.data())
def test_agreement_save_with_hostile_item_lists(world, data):
    o = world
    form = o.f4 if data.draw(st.booleans()) else o.f1
    user = o.s4.user if form == o.f4 else o.s1.user
    ids = list(form.kpis.values_list("pk", flat=True))
    items = data.draw(items_strategy(ids))
    version = data.draw(st.sampled_from([form.version, form.version - 1, form.version + 3]))
    call(
        "agreement_save",
        lambda: agreement_save(actor=user, form=form, expected_version=version, items=items),
    )


@FUZZ
@given(data=st.data())
def test_score_save_with_hostile_entries(world, data):
    o = world
    form = o.f1
    ids = list(form.kpis.values_list("pk", flat=True)) + [-1, 10**9]
    comp_ids = list(form.competencies.values_list("pk", flat=True)) + [10**9]
    kpis = data.draw(
        st.lists(
            st.builds(
                ScoreInput,
                id=st.sampled_from(ids),
                actual=HOSTILE,
                level=st.one_of(st.none(), st.integers(-3, 9), HOSTILE),
                reason=HOSTILE,
            ),
            max_size=5,
        )
    )
    comps = data.draw(
        st.lists(
            st.builds(
                CompetencyInput,
                id=st.sampled_from(comp_ids),
                actual=st.one_of(st.none(), st.integers(-3, 9), HOSTILE),
                note=HOSTILE,
            ),
            max_size=6,
        )
    )
    other = data.draw(st.one_of(st.none(), NUMBERS))
    comment = data.draw(st.one_of(st.none(), HOSTILE))
    version = data.draw(st.sampled_from([form.version, form.version - 1]))
    call(
        "score_save",
        lambda: score_save(
            actor=o.grp1_head.user,
            form=form,
            expected_version=version,
            kpis=kpis,
            competencies=comps,
            other_percent=other,
            comment=comment,
        ),
    )


@FUZZ
@given(data=st.data())
def test_checkin_and_journal_with_hostile_entries(world, data):
    o = world
    form = o.f1
    ids = list(form.kpis.values_list("pk", flat=True)) + [10**9]
    progress = data.draw(
        st.lists(
            st.builds(
                ProgressInput,
                item_id=st.sampled_from(ids),
                result=HOSTILE,
                milestone=st.one_of(st.none(), st.integers(-3, 9)),
                comment=HOSTILE,
            ),
            max_size=4,
        )
    )
    on = data.draw(DATES)
    # NUL is left to the explicit test below (a known failure on PostgreSQL).
    text = data.draw(HOSTILE).replace("\x00", "")
    call(
        "checkin_record",
        lambda: checkin_record(actor=o.s1.user, form=form, on=on, comment=text, progress=progress),
    )
    kind = data.draw(st.sampled_from(["work", "behaviour", "", "x"]))
    call(
        "journal_add",
        lambda: journal_add(actor=o.s1.user, form=form, kind=kind, on=on, description=text),
    )


@FUZZ
@given(data=st.data())
def test_round_update_with_hostile_settings(world, data):
    o = world
    keys = ["weight_achievement", "weight_competency", "weight_other"]
    keys += ["very_good_from", "good_from", "fair_from"]
    group = data.draw(st.sampled_from(["civil_servant", "probation", "x"]))
    values = {k: data.draw(NUMBERS) for k in keys if data.draw(st.integers(0, 9))}
    fields = {
        "agreement_deadline": data.draw(DATES),
        "evaluation_deadline": data.draw(DATES),
        "competency_method": data.draw(st.sampled_from(["bar_scale", "rating", "x", ""])),
    }
    levels = data.draw(
        st.dictionaries(
            st.sampled_from(["K1", "O2", "", "ZZ"]),
            st.tuples(st.integers(-1, 7), st.one_of(st.none(), st.integers(-1, 7))),
            max_size=2,
        )
    )
    call(
        "round_update",
        lambda: round_update(
            actor=o.hr,
            rnd=o.round,
            expected_version=o.round.version,
            fields=fields,
            settings_rows={group: values},
            expected_levels=levels,
        ),
    )


@FUZZ
@given(data=st.data())
def test_refusal_and_higher_review_with_hostile_entries(world, data):
    o = world
    on, witness_on = data.draw(DATES), data.draw(DATES)
    name, position = data.draw(HOSTILE), data.draw(HOSTILE)
    call(
        "refusal_record",
        lambda: form_refusal_record(
            actor=o.div1_head.user,
            form=o.f3,
            expected_version=o.f3.version,
            informed_on=on,
            witness_name=name,
            witness_position=position,
            witness_on=witness_on,
        ),
    )
    agrees = data.draw(st.one_of(st.none(), st.booleans()))
    opinion, total = data.draw(HOSTILE), data.draw(NUMBERS)
    call(
        "higher_review",
        lambda: form_review_higher(
            actor=o.director.user,
            form=o.f3,
            expected_version=o.f3.version,
            agrees=agrees,
            opinion=opinion,
            revised_total=total,
        ),
    )


@pytest.fixture
def kpis(org):
    org.pct = make_kpi(org.div1, code="1", weight=Decimal("60"))
    return org


THRESHOLDS = [f"threshold_{i}" for i in range(1, 6)]


@FUZZ
@given(data=st.data())
def test_kpi_create_update_cascade_and_matrix_with_hostile_inputs(kpis, data):
    o = kpis
    # Signalling NaN is left to the explicit test below (it is a known failure).
    numbers = st.one_of(
        st.none(),
        st.decimals(allow_nan=True, allow_infinity=True).filter(lambda d: not d.is_snan()),
    )
    fields = {f: data.draw(numbers) for f in THRESHOLDS}
    fields["weight"] = data.draw(numbers)
    fields["name"] = data.draw(HOSTILE)
    call(
        "kpi_create",
        lambda: make_kpi(o.div1, actor=o.div1_head.user, **fields),
    )
    call(
        "kpi_update",
        lambda: kpi_services.kpi_update(
            kpi=o.pct, actor=o.div1_head.user, expected_version=o.pct.version, **fields
        ),
    )
    children = data.draw(
        st.lists(
            st.builds(
                kpi_services.CascadeChild,
                unit=st.sampled_from([o.grp1, o.grp2, o.div2, o.div1]),
                target=numbers,
                name=HOSTILE,
                weight=numbers,
            ),
            max_size=3,
        )
    )
    method = data.draw(st.sampled_from(["direct", "split", "partial", "x"]))
    call(
        "kpi_cascade",
        lambda: kpi_services.kpi_cascade(
            parent=o.pct, method=method, children=children, actor=o.div1_head.user
        ),
    )
    columns = [kpi_services.MatrixColumn(key=f"u{u.pk}", unit=u) for u in (o.grp1, o.grp2)]
    keys = [c.key for c in columns] + ["u999", "p1"]
    cells = data.draw(
        st.dictionaries(
            st.sampled_from([o.pct.pk, 10**9]),
            st.dictionaries(st.sampled_from(keys), st.sampled_from(["O", "S", "", "X", "o"])),
            max_size=2,
        )
    )
    call(
        "os_matrix_save",
        lambda: kpi_services.os_matrix_save(
            unit=o.div1, fiscal_year=2570, columns=columns, cells=cells, actor=o.div1_head.user
        ),
    )


def test_kpi_update_refuses_a_signalling_nan_with_a_domain_error(kpis):
    o = kpis
    with pytest.raises(DomainError):
        kpi_services.kpi_update(
            kpi=o.pct, actor=o.div1_head.user, expected_version=o.pct.version,
            threshold_1=Decimal("sNaN"),
        )  # fmt: skip


def test_checkin_record_refuses_a_nul_character(world):
    o = world
    with pytest.raises(DomainError):
        checkin_record(
            actor=o.s1.user, form=o.f1, on=dt.date.today(), comment="a\x00b", progress=[]
        )
