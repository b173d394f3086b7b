"""The appraisal round and each person's form in it (DOMAIN §2 and §5).

A round belongs to one department (a tree root of the org chart) and moves through phases
that HR opens and closes. When it opens, every active person of the department gets a form
with the evaluator chain, the component weights, the bands and the expected competency
levels frozen into it, so a later reorganisation or settings change never rewrites it.

A form's life is a django-fsm state machine. Each transition names the `rules` permission
that may take it (appraisal/rules.py); the services in appraisal/services/ are the only
callers and run each transition in a transaction with the form row locked.

The models live in four modules: rounds.py (the round and its settings), forms.py (a person's
form, its rows and its state machine), monitoring.py (check-ins, journal, coaching, IDP) and
events.py (the audit kinds); everything is imported from here.
"""

from appraisal.models._fields import STORED_PLACES  # noqa: F401
from appraisal.models.counts import UnitFormCount  # noqa: F401
from appraisal.models.events import (  # noqa: F401
    FORM_SCORE_EVENTS,
    FORM_TIMELINE,
    FormEvent,
    RoundEvent,
)
from appraisal.models.forms import (  # noqa: F401
    CRITERIA_FIELDS,
    EDITABLE_AGREEMENT,
    PROGRESS_STATES,
    STATE_ORDER,
    AgreementVersion,
    AppraisalForm,
    FormCompetency,
    FormKpi,
    ItemKind,
    State,
)
from appraisal.models.jobs import (  # noqa: F401
    PENDING_JOB,
    ExportJob,
    ExportKind,
    JobStatus,
    RoundJob,
    RoundJobAction,
)
from appraisal.models.monitoring import (  # noqa: F401
    CheckIn,
    CheckInProgress,
    CoachingNote,
    FollowUp,
    IdpFollowUp,
    IdpRow,
    JournalEntry,
    JournalKind,
    evidence_path,
)
from appraisal.models.rounds import (  # noqa: F401
    BAND_LABELS,
    PHASE_ORDER,
    SCORING_RULES,
    AppraisalRound,
    BarLevelZero,
    CompetencyKind,
    CompetencyMethod,
    ExpectedLevel,
    Phase,
    RatioCap,
    RoundCompetency,
    Rounding,
    RoundSetting,
    StaffGroup,
    band_label,
    bands_of,
    group_of,
)
