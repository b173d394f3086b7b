"""The appraisal services the demo round walks its forms through, and the permission check,
imported in this one module: when a service moves or is renamed, only this file changes."""

from appraisal.services.agreements import (
    ItemInput,
    agreement_approve,
    agreement_pull_cascaded,
    agreement_return,
    agreement_save,
    agreement_submit,
)
from appraisal.services.evaluation import (
    CompetencyInput,
    ScoreInput,
    idp_proposals,
    score_save,
    scoring_finish,
)
from appraisal.services.monitoring import ProgressInput, checkin_record, coaching_add, journal_add
from appraisal.services.review import (
    form_acknowledge,
    form_inform,
    form_refusal_record,
    form_release,
    form_review_higher,
    form_review_higher2,
)
from appraisal.services.round_phases import round_advance, round_close, round_open, round_release
from appraisal.services.rounds import round_committee_add, round_create, round_update
from common.permissions import can

__all__ = [
    "CompetencyInput",
    "ItemInput",
    "ProgressInput",
    "ScoreInput",
    "agreement_approve",
    "agreement_pull_cascaded",
    "agreement_return",
    "agreement_save",
    "agreement_submit",
    "can",
    "checkin_record",
    "coaching_add",
    "form_acknowledge",
    "form_inform",
    "form_refusal_record",
    "form_release",
    "form_review_higher",
    "form_review_higher2",
    "idp_proposals",
    "journal_add",
    "round_advance",
    "round_close",
    "round_committee_add",
    "round_create",
    "round_open",
    "round_release",
    "round_update",
    "score_save",
    "scoring_finish",
]
