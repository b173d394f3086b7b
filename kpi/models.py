"""KPI models (built in the KPI issue)."""
