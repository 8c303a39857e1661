"""Assurance screens: the metrics page (definitions beside figures, SVG trends with text alternatives), evidence packs
(prepare, narrative, sign-off, render with live progress, download) and training records (add, import CSV)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseStopPolling

from assurance import api, charts, selectors, services
from assurance import figures as fig
from assurance import forms as f
from assurance.metrics.periods import parse_period
from assurance.models import NARRATIVE_FIELDS, EvidencePack, RenderStatus, Signatory
from safeguarding.accounts.models import User
from safeguarding.audit.services import record_access
from safeguarding.exceptions import ServiceError
from safeguarding.organisations.models import Area, Team
from safeguarding.requests import request_user
from safeguarding.web.forms import add_service_errors


def _metrics_request(request: HttpRequest) -> tuple[Any, Any, Any]:
    params = request.GET
    period = parse_period(params.get("period") or None, from_=params.get("from"), to=params.get("to"))
    ctx, audience = selectors.metric_context_for_user(
        user=request_user(request),
        period=period,
        agency_id=params.get("agency") or None,
        team_id=params.get("team") or None,
        area_id=params.get("area") or None,
    )
    return period, ctx, audience


@require_GET
def metrics_page(request: HttpRequest) -> HttpResponse:
    period, ctx, audience = _metrics_request(request)
    payload = fig.metrics_payload(ctx, exact=audience.exact)
    titles = {m["code"]: m["title"] for m in payload["metrics"]}
    record_access(
        user=request_user(request),
        objects_or_ids=[str(a) for a in ctx.agency_ids],
        object_type="safeguarding.agency",
        route="assurance:metrics",
        purpose=f"assurance metrics {period.label}",
    )
    teams = (
        Team.objects.filter(agency_id__in=audience.agency_ids).select_related("agency").order_by("agency__name", "name")
    )
    return render(
        request,
        "assurance/metrics.html",
        {
            "payload": payload,
            "sections": fig.sections(payload["metrics"]),
            "charts": charts.charts_for(payload["trends"], titles, prefix="chart"),
            "audience": audience,
            "period": period,
            "ctx": ctx,
            "teams": teams,
            "areas": Area.objects.filter(agencies__in=audience.agency_ids).distinct().order_by("name"),
            "filters": request.GET,
            "unavailable": [m for m in payload["metrics"] if not m["available"]],
        },
    )


@require_GET
def metrics_csv(request: HttpRequest) -> HttpResponse:
    """The page's figures as CSV: a file leaves the provider, so it is always suppressed."""
    period, ctx, _audience = _metrics_request(request)
    payload = fig.metrics_payload(ctx, exact=False, trends=False)
    record_access(
        user=request_user(request),
        objects_or_ids=[str(a) for a in ctx.agency_ids],
        object_type="safeguarding.agency",
        route="assurance:metrics-csv",
        purpose=f"assurance metrics CSV {period.label}",
    )
    response = HttpResponse(fig.to_csv(payload), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="assurance-metrics-{period.label}.csv"'
    return response


@require_http_methods(["GET", "POST"])
def pack_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    audience = selectors.audience_for(user)
    if not audience.kind:
        raise PermissionDenied
    form = f.PackCreateForm(request.POST or None) if audience.exact else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                pack = services.pack_create(by=user, period=parse_period(form.cleaned_data["period"].strip()))
            except ServiceError as exc:
                add_service_errors(form, exc)
                if "period" in exc.errors:
                    form.errors["period"] = form.error_class(exc.errors["period"])
            else:
                messages.success(
                    request,
                    f"Draft {pack.reference} prepared. Write the narrative, then ask both leads to sign it off.",
                )
                return redirect("assurance:pack", pk=pack.pk)
    packs = list(selectors.pack_list_for_user(user=user).select_related("agency"))
    record_access(user=user, objects_or_ids=[p.pk for p in packs], object_type=EvidencePack, route="assurance:packs")
    return render(request, "assurance/packs.html", {"packs": packs, "form": form, "audience": audience})


def _pack_context(request: HttpRequest, pack: EvidencePack, **extra: Any) -> dict[str, Any]:
    user = request_user(request)
    lead = selectors.is_provider_lead(user, pack.agency_id)
    roles = set(user.agency_membership.roles) if user.agency_membership else set()
    can_sign = [
        (value, label)
        for value, label in Signatory.choices
        if lead and not pack.is_signed and not getattr(pack, f"{value}_id") and roles & services.SIGNATORY_ROLES[value]
    ]
    titles = {m["code"]: m["title"] for m in pack.figures.get("metrics", [])}
    return {
        "pack": pack,
        "lead": lead,
        "can_sign": can_sign,
        "narrative_form": extra.pop("narrative_form", None)
        or (
            f.NarrativeForm(initial={n: getattr(pack, n) for n in NARRATIVE_FIELDS})
            if lead and not pack.is_signed and not (pack.safeguarding_lead_id or pack.executive_lead_id)
            else None
        ),
        "sections": fig.sections(pack.figures.get("metrics", [])),
        "charts": charts.charts_for(pack.figures.get("trends", {}), titles, prefix="pack"),
        **extra,
    }


@require_GET
def pack_detail(request: HttpRequest, pk: Any) -> HttpResponse:
    pack = selectors.pack_get_for_user(user=request_user(request), pk=pk, route="assurance:pack")
    return render(request, "assurance/pack_detail.html", _pack_context(request, pack))


@require_POST
def pack_narrative(request: HttpRequest, pk: Any) -> HttpResponse:
    user = request_user(request)
    pack = selectors.pack_get_for_user(user=user, pk=pk, route="assurance:pack-narrative")
    form = f.NarrativeForm(request.POST)
    if form.is_valid():
        try:
            services.pack_update_narrative(pack=pack, by=user, **form.cleaned_data)
        except ServiceError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Narrative saved.")
            return redirect("assurance:pack", pk=pack.pk)
    return render(request, "assurance/pack_detail.html", _pack_context(request, pack, narrative_form=form), status=422)


@require_POST
def pack_sign(request: HttpRequest, pk: Any) -> HttpResponse:
    user = request_user(request)
    pack = selectors.pack_get_for_user(user=user, pk=pk, route="assurance:pack-sign")
    try:
        pack = services.pack_sign(pack=pack, by=user, capacity=request.POST.get("capacity", ""))
    except ServiceError as exc:
        if exc.status_code == 403:
            raise
        return render(
            request,
            "assurance/pack_detail.html",
            _pack_context(request, pack, sign_error=exc.errors.get("assurance_statement", [exc.detail])[0]),
            status=422,
        )
    messages.success(
        request, "Signed off." + (" Both leads have signed: the pack can now be rendered." if pack.is_signed else "")
    )
    return redirect("assurance:pack", pk=pack.pk)


@require_POST
def pack_new_version(request: HttpRequest, pk: Any) -> HttpResponse:
    user = request_user(request)
    pack = selectors.pack_get_for_user(user=user, pk=pk, route="assurance:pack-new-version")
    new = services.pack_new_version(pack=pack, by=user)
    messages.success(request, f"Version {new.number} started as a draft; version {pack.number} is kept.")
    return redirect("assurance:pack", pk=new.pk)


@require_POST
def pack_render(request: HttpRequest, pk: Any) -> HttpResponse:
    user = request_user(request)
    pack = selectors.pack_get_for_user(user=user, pk=pk, route="assurance:pack-render")
    pack = services.pack_request_render(pack=pack, by=user)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "assurance/pack_detail.html#render-progress", {"pack": pack}, status=202)
    return redirect("assurance:pack", pk=pack.pk)


@require_GET
def pack_progress(request: HttpRequest, pk: Any) -> HttpResponse:
    pack = selectors.pack_get_for_user(user=request_user(request), pk=pk, route="assurance:pack-progress")
    response = render(request, "assurance/pack_detail.html#render-progress", {"pack": pack})
    if pack.render_status in (RenderStatus.READY, RenderStatus.FAILED):
        stop = HttpResponseStopPolling(response.content)
        return stop
    return response


@require_GET
def pack_download(request: HttpRequest, pk: Any) -> HttpResponseBase:
    pack = selectors.pack_get_for_user(user=request_user(request), pk=pk, route="assurance:pack-download")
    response = api.pack_file_response(pack)
    services.pack_downloaded(pack=pack, by=request_user(request), route="assurance:pack-download")
    return response


@require_GET
def pack_csv(request: HttpRequest, pk: Any) -> HttpResponse:
    pack = selectors.pack_get_for_user(user=request_user(request), pk=pk, route="assurance:pack-csv")
    services.pack_downloaded(pack=pack, by=request_user(request), route="assurance:pack-csv", fmt="csv")
    return api.pack_csv_response(pack)


def _staff_choices(user: User) -> list[tuple[str, str]]:
    membership = user.agency_membership
    if membership is None:
        return []
    staff = User.objects.filter(membership__agency_id=membership.agency_id, is_active=True).order_by("full_name")
    return [(str(u.pk), f"{u.full_name} ({u.email})") for u in staff]


@require_http_methods(["GET", "POST"])
def training(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not selectors.may_manage_training(user):
        raise PermissionDenied
    form = f.TrainingForm(request.POST or None, staff=_staff_choices(user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        staff = User.objects.filter(pk=data.pop("staff")).first()
        try:
            services.training_record_create(by=user, staff=staff, **data)
        except ServiceError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "Training recorded.")
            return redirect("assurance:training")
    return _training_page(request, form=form, import_form=f.TrainingImportForm(), status=422 if form.errors else 200)


def _training_page(request: HttpRequest, **ctx: Any) -> HttpResponse:
    user = request_user(request)
    records = list(selectors.training_list_for_user(user=user).select_related("staff")[:200])
    record_access(user=user, objects_or_ids=records, route="assurance:training")
    status = ctx.pop("status", 200)
    return render(request, "assurance/training.html", {"records": records, **ctx}, status=status)


@require_POST
def training_import(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    if not selectors.may_manage_training(user):
        raise PermissionDenied
    import_form = f.TrainingImportForm(request.POST, request.FILES)
    row_errors: list[dict[str, Any]] = []
    if import_form.is_valid():
        try:
            text = import_form.cleaned_data["file"].read(5_000_000).decode("utf-8-sig")
            result = services.training_import_csv(by=user, text=text)
        except UnicodeDecodeError:
            import_form.add_error("file", "The file must be UTF-8 CSV")
        except ServiceError as exc:
            add_service_errors(import_form, exc)
        else:
            if result.ok:
                messages.success(request, f"Imported {result.created} training record(s).")
                return redirect("assurance:training")
            row_errors = result.errors
            import_form.add_error(
                "file", f"{len(row_errors)} row(s) have errors; nothing was imported. See the list below."
            )
    form = f.TrainingForm(staff=_staff_choices(user))
    return _training_page(request, form=form, import_form=import_form, row_errors=row_errors, status=422)
