"""Org import pages (upload, preview, confirm)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from common.views import require_perm


@login_required
def import_upload(request):
    require_perm(request.user, "orgchart.import_org")
    return render(request, "orgchart/import_upload.html", {})
