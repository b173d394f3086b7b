"""The user manual inside the app: docs/manual/*.md rendered for any signed-in user."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from common.help import MANUAL_PAGES, manual_html


@login_required
@require_safe
def manual_page(request, slug: str = "index"):
    if slug not in MANUAL_PAGES:
        raise Http404
    return render(
        request,
        "help/manual.html",
        {
            "slug": slug,
            "title": MANUAL_PAGES[slug][1],
            "pages": [(s, title) for s, (_, title) in MANUAL_PAGES.items()],
            # The project's own Markdown file, not user input (common/help.py).
            "body": mark_safe(manual_html(slug)),  # noqa: S308
        },
    )
