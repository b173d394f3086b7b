"""Notices (issue 14): what happened to a form, told to the person who must act or may now
see it, in the site and by e-mail in the background."""
