"""Appraisal models (built in the appraisal issue)."""
