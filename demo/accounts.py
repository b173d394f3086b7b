"""The demo accounts: their user names and shared password, and who each one is, for the block
that `seed_demo` prints."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from orgchart import grades
from orgchart.models import OrgUnit, Person, Position

PASSWORD = "demo"
ADMIN_USERNAME = "demo-admin"
HR_USERNAME = "demo-hr"
SUPERVISOR_USERNAME = "demo-supervisor"
STAFF_USERNAME = "demo-staff"
DEMO_USERNAMES = (ADMIN_USERNAME, HR_USERNAME, SUPERVISOR_USERNAME, STAFF_USERNAME)


def demo_accounts() -> list[tuple[str, str]]:
    """(username, who) of the demo accounts that exist, read from the database."""
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES)}
    people = {
        p.user_id: p
        for p in Person.objects.filter(user__username__in=DEMO_USERNAMES).select_related("position")
    }
    rows = []
    for username in DEMO_USERNAMES:
        user = users.get(username)
        if user is None:
            continue
        person = people.get(user.pk)
        if username == ADMIN_USERNAME:
            who = "ผู้ดูแลระบบ"
        elif username == HR_USERNAME:
            scopes = ", ".join(s.unit.name for s in user.hr_scopes.select_related("unit"))
            who = f"เจ้าหน้าที่บริหารงานบุคคล ({scopes})"
        elif person is None:
            who = ""
        elif username == SUPERVISOR_USERNAME:
            unit = OrgUnit.objects.filter(head=person).first()
            who = f"{person.full_name}, หัวหน้า{unit.name}" if unit else person.full_name
        else:
            who = f"{person.full_name}, {position_label(person.position)}"
        rows.append((username, who))
    return rows


def position_label(position: Position | None) -> str:
    """'นักวิเคราะห์นโยบายและแผนชำนาญการ': the title with the grade name, as people write it."""
    if position is None:
        return ""
    if position.grade and grades.type_of_grade(position.grade) in (
        grades.KNOWLEDGE,
        grades.GENERAL,
    ):
        return position.title + grades.GRADES[position.grade][1]
    return position.management_title or position.title
