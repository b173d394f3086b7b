"""The demo: a deterministic organisation, its KPIs and an appraisal round, for development and
benchmarks (`manage.py seed_demo`). Never on a production database: every account it creates
has the password "demo". Its literal data (names, units, positions, KPIs) is in demo/data/.
"""
