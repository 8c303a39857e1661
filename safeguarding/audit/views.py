"""The auditor's page: what one user of the auditor's agency viewed in a period."""

from __future__ import annotations

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from safeguarding.accounts.models import User
from safeguarding.audit import views_access as access
from safeguarding.audit.services import record_access
from safeguarding.exceptions import InvalidInput
from safeguarding.organisations.selectors import agency_of


class ActivityForm(forms.Form):
    user = forms.ChoiceField(label="Person", error_messages={"required": "Choose the person"})
    start = forms.DateField(label="From (YYYY-MM-DD)", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label="To (YYYY-MM-DD)", required=False, widget=forms.DateInput(attrs={"type": "date"}))


def user_activity(request: HttpRequest) -> HttpResponse:
    auditor: User = request.user  # type: ignore[assignment]
    if not auditor.has_role(*access.AUDITOR_ROLES):
        raise PermissionDenied
    own = agency_of(auditor)
    people = User.objects.filter(membership__agency=own).order_by("full_name") if own else User.objects.none()
    form = ActivityForm(request.GET or None)
    form.fields["user"].choices = [("", "Choose…")] + [(str(u.pk), u.full_name) for u in people]  # type: ignore[attr-defined]
    rows = None
    if request.GET and form.is_valid():
        subject = people.filter(pk=form.cleaned_data["user"]).first()
        try:
            qs = access.user_activity(
                auditor=auditor, subject_user=subject, start=form.cleaned_data["start"], end=form.cleaned_data["end"]
            )
        except InvalidInput as exc:
            for field, errors in exc.errors.items():
                for error in errors:
                    form.add_error(None if field not in form.fields else field, error)
        else:
            rows = list(qs.select_related("user")[:500])
            assert subject is not None
            record_access(
                user=auditor,
                objects_or_ids=[subject.pk],
                object_type=User,
                route="audit:user-activity",
                purpose="access_audit",
            )
    return render(request, "audit/user_activity.html", {"form": form, "rows": rows}, status=400 if form.errors else 200)
