"""Who viewed this case (the owning agency's safeguarding leads), as a page linked from the case's panel."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cases.selectors import Scope
from cases.views.case_page import _case
from safeguarding.audit import views_access as access
from safeguarding.exceptions import ActionForbidden
from safeguarding.requests import request_user


def access_log(request: HttpRequest, pk: Any) -> HttpResponse:
    case, scope = _case(request, pk)
    if scope != Scope.OWNER or not access.may_see_who_viewed(request_user(request), case.owning_agency_id):
        raise ActionForbidden("Only the owning agency's safeguarding leads see who viewed this record.")
    rows = list(access.who_viewed(object_id=case.pk)[:500])
    return render(request, "cases/access_log.html", {"case": case, "rows": rows})
