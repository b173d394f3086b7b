"""Every write to rounds and forms, one module per part of the round (as Zulip's actions):

- rounds.py: creating a round and its settings, competencies and committee;
- round_phases.py: opening the round, moving it on, releasing, closing and reopening it;
- agreements.py: the performance agreement, from draft to approval;
- monitoring.py: check-ins, the journal with evidence, coaching notes;
- evaluation.py: scoring, self-assessment, confirming and reopening the evaluation;
- review.py: acknowledgement or refusal, the higher reviews, release of one form, HR's change
  of a form's evaluator;
- reminders.py: reminder e-mails.

Each service is keyword-only, runs in one transaction, checks the permission it needs
(common.permissions), locks the row it changes and compares its version, keeps history and
writes the form's timeline. `_forms.py` holds what they share. Reads are in appraisal.selectors.
"""
