"""Who may see and do what with the use of a round's results (`rules`, autodiscovered).

The analysis pages (talent grid, alignment, development needs, a unit's bands over rounds)
show scores before release, so they follow the distribution page's rule: HR of the
department, its screening committee and administrators (appraisal.view_distribution).
"""

import rules

from appraisal.rules import hr_in_department, manages_department, on_committee
from common.permissions import is_administrator

rules.add_perm("rewards.view_analysis", is_administrator | hr_in_department | on_committee)

# Salary raises (DOMAIN §7): the budget is the department's (or a group of its units), so only
# HR whose scope covers the whole department and administrators read and manage them; HR of a
# subtree is refused like any other member of the department (decided: a sheet shows every
# salary of its budget unit, which is more than their scope). The service refuses an HR
# officer's change to their own line (DOMAIN §8).
rules.add_perm("rewards.manage_raises", is_administrator | manages_department)
