"""Who may read and mark a notice: its recipient only (an administrator included: nobody
reads somebody else's notices)."""

import rules


@rules.predicate
def is_recipient(user, notice) -> bool:
    return notice is not None and getattr(user, "pk", None) == notice.recipient_id


rules.add_perm("notices.read_notice", is_recipient)
