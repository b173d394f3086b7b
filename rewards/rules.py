"""Who may see and do what with the use of a round's results (`rules`, autodiscovered).

The analysis pages (talent grid, alignment, development needs, a unit's bands over rounds)
show scores before release, so they follow the distribution page's rule: HR of the
department, its screening committee and administrators (appraisal.view_distribution).
"""

import rules

from appraisal.rules import hr_in_department, on_committee
from common.permissions import is_administrator

rules.add_perm("rewards.view_analysis", is_administrator | hr_in_department | on_committee)
