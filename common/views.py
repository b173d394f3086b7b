"""Helpers every view uses: fetch through a scoped queryset or 404 (then common.permissions)."""

from django.http import Http404


def get_scoped_or_404(queryset, **lookup):
    """The object if it is in the user's scoped queryset; 404 otherwise, so ids cannot be probed."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
