"""What the org chart tells the apps above it (which it does not import)."""

from django.dispatch import Signal

# Sent inside the transaction that moved units under another parent, with `units`: the moved
# units (each with its subtree). Whoever keeps figures per ancestor recounts them (appraisal's
# per-unit form counts do).
units_moved = Signal()
