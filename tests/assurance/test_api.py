"""The assurance API: commissioner scope and suppression, exact figures for the provider's leads, the evidence-pack
flow with sign-off gating, 202 rendering and audited downloads, and training records with CSV import."""

from __future__ import annotations

import io
import uuid
from typing import Any

import pytest

from assurance import services
from assurance.models import EvidencePack, RenderStatus, TrainingRecord
from safeguarding.audit.models import AccessLog
from tests.assurance.conftest import Scene, signed_pack
from tests.factories import TeamFactory
from tests.helpers import api_client, assert_access_rows

METRICS = "/api/v1/assurance/metrics/"


def _m(body: dict[str, Any], code: str) -> dict[str, Any]:
    return next(m for m in body["metrics"] if m["code"] == code)


def test_a_commissioner_sees_suppressed_aggregates_of_the_agencies_they_commission(scene: Scene) -> None:
    for _ in range(3):
        scene.concern()
    client = api_client(scene.commissioner)
    with assert_access_rows(1, user=scene.commissioner, object_ids=[scene.trust.pk]):
        response = client.get(METRICS, {"period": "2026-Q2"})
    assert response.status_code == 200
    body = response.json()
    assert body["audience"] == "commissioner" and body["suppressed"] is True
    assert body["agencies"] == [{"id": str(scene.trust.pk), "name": scene.trust.name}]
    raised = _m(body, "M1")["figures"][0]
    assert {k: raised[k] for k in ("value", "suppressed", "display")} == {
        "value": None,
        "suppressed": True,
        "display": "[c]",
    }
    assert _m(body, "M2")["definition"]["policy"].startswith("24 hours")
    unavailable = [m for m in body["metrics"] if not m["available"]]
    assert all(m["figures"] == [] and m["reason"] for m in unavailable)


def test_the_providers_lead_sees_exact_internal_figures(scene: Scene) -> None:
    for _ in range(3):
        scene.concern()
    body = api_client(scene.world.lead).get(METRICS, {"period": "2026-Q2", "trends": "1"}).json()
    assert body["audience"] == "provider" and body["suppressed"] is False
    assert _m(body, "M1")["figures"][0]["value"] == 3
    assert [p["period"] for p in body["trends"]["M1"]] == ["2025-Q3", "2025-Q4", "2026-Q1", "2026-Q2"]


def test_any_agency_team_or_area_outside_the_callers_reach_answers_404(scene: Scene) -> None:
    commissioner = api_client(scene.commissioner)
    assert commissioner.get(METRICS, {"agency": str(scene.trust.pk)}).status_code == 200
    for params in (
        {"agency": str(scene.other.pk)},
        {"agency": str(scene.world.la.pk)},
        {"agency": str(uuid.uuid4())},
        {"agency": "not-a-uuid"},
        {"team": str(TeamFactory(agency=scene.other).pk)},
    ):
        assert commissioner.get(METRICS, params).status_code == 404, params
    assert api_client(scene.world.lead).get(METRICS, {"agency": str(scene.other.pk)}).status_code == 404
    assert (
        api_client(scene.world.lead).get(METRICS, {"team": str(TeamFactory(agency=scene.trust).pk)}).status_code == 200
    )


def test_roles_without_metrics_get_403_and_a_bad_period_400(scene: Scene) -> None:
    assert api_client(scene.world.practitioner).get(METRICS).status_code == 403
    assert api_client(scene.world.officer).get(METRICS).status_code == 403
    response = api_client(scene.world.lead).get(METRICS, {"period": "2026-Q9"})
    assert response.status_code == 400 and "period" in response.json()["errors"]


def _routes_of_other_apps() -> list[str]:
    """The list routes of referrals, meetings and reviews, where those apps are installed."""
    from django.urls import Resolver404, resolve

    out = []
    for url in ("/api/v1/referrals/", "/api/v1/meetings/", "/api/v1/reviews/", "/api/v1/actions/"):
        try:
            resolve(url)
        except Resolver404:
            continue
        out.append(url)
    return out


def test_a_commissioner_sees_no_case_data_every_list_empty_every_detail_404(scene: Scene) -> None:
    case = scene.concern()
    client = api_client(scene.commissioner)
    for url in (
        "/api/v1/cases/",
        "/api/v1/people/",
        "/api/v1/deadlines/",
        "/api/v1/disagreements/",
        "/api/v1/training-records/",
        *_routes_of_other_apps(),
    ):
        response = client.get(url)
        assert response.status_code == 200 and response.json()["results"] == [], url
    for url in (
        f"/api/v1/cases/{case.pk}/",
        f"/api/v1/people/{case.adult_id}/",
        f"/api/v1/cases/{case.pk}/chronology/",
    ):
        assert client.get(url).status_code == 404, url


def test_a_pack_moves_from_draft_through_two_sign_offs_to_a_202_render_and_an_audited_download(scene: Scene) -> None:
    for _ in range(6):
        scene.concern()
    lead, executive, commissioner = (api_client(u) for u in (scene.world.lead, scene.executive, scene.commissioner))
    assert commissioner.post("/api/v1/evidence-packs/", {"period": "2026-Q2"}, format="json").status_code == 403
    created = lead.post("/api/v1/evidence-packs/", {"period": "2026-Q2"}, format="json")
    assert created.status_code == 201
    pack = created.json()
    url = f"/api/v1/evidence-packs/{pack['id']}/"
    assert pack["number"] == 1 and pack["status"] == "draft" and len(pack["figures_sha256"]) == 64
    assert _m(pack["figures"], "M1")["figures"][0]["value"] == 5  # 6 rounded: packs leave the provider
    # Drafts are invisible to the commissioner.
    assert commissioner.get(url).status_code == 404
    assert commissioner.get("/api/v1/evidence-packs/").json()["results"] == []
    assert lead.patch(url, {"risks": "x"}, format="json").status_code == 428
    etag = lead.get(url)["ETag"]
    assert lead.patch(url, {"risks": "x"}, format="json", HTTP_IF_MATCH='"stale-1"').status_code == 412
    patched = lead.patch(url, {"assurance_statement": "All duties met."}, format="json", HTTP_IF_MATCH=etag)
    assert patched.status_code == 200 and patched.json()["assurance_statement"] == "All duties met."
    # Sign-off gating.
    assert lead.post(url + "render/").status_code == 409
    assert lead.post(url + "sign/", {"capacity": "executive_lead"}, format="json").status_code == 403
    assert lead.post(url + "sign/", {"capacity": "safeguarding_lead"}, format="json").status_code == 200
    assert lead.post(url + "sign/", {"capacity": "safeguarding_lead"}, format="json").status_code == 409
    assert lead.patch(url, {"risks": "y"}, format="json", HTTP_IF_MATCH=lead.get(url)["ETag"]).status_code == 409
    assert lead.post(url + "render/").status_code == 409
    signed = executive.post(url + "sign/", {"capacity": "executive_lead"}, format="json")
    assert signed.status_code == 200 and signed.json()["status"] == "signed"
    assert executive.post(url + "render/").status_code == 202  # the executive lead is a lead too
    queued = lead.post(url + "render/")
    assert queued.status_code == 202 and queued.json()["render_status"] == "queued"
    assert commissioner.get(url + "download/").status_code == 409  # not ready yet
    services.pack_render(pack_id=pack["id"])  # what the pdf worker does
    detail = commissioner.get(url).json()
    assert detail["render_status"] == "ready" and detail["progress"] == 100
    with assert_access_rows(2, user=scene.commissioner, object_ids=[pack["id"]]) as rows:
        download = commissioner.get(url + "download/")
        assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
        body = b"".join(download.streaming_content)
    assert body.startswith(b"%PDF")
    assert rows.rows[-1].document_sha256 == detail["pdf_sha256"] == download["X-Content-SHA256"]
    csv = commissioner.get(url + "csv/")
    assert csv.status_code == 200 and b"M1,Concerns raised,raised" in csv.content
    assert AccessLog.objects.filter(
        route="assurance.tasks.render_evidence_pack", document_sha256=detail["pdf_sha256"]
    ).exists()
    assert lead.post(url + "render/").status_code == 409  # already rendered
    new = lead.post(url + "new-version/")
    assert (
        new.status_code == 201 and new.json()["number"] == 2 and new.json()["assurance_statement"] == "All duties met."
    )
    assert EvidencePack.objects.filter(agency=scene.trust, period="2026-Q2").count() == 2


def test_the_same_person_cannot_give_both_sign_offs(scene: Scene) -> None:
    from safeguarding.roles import Role
    from tests.factories import UserFactory

    both = UserFactory(agency=scene.trust, roles=[Role.SAFEGUARDING_LEAD, Role.EXECUTIVE_LEAD])
    client = api_client(both)
    pack = client.post("/api/v1/evidence-packs/", {"period": "2026-Q2"}, format="json").json()
    url = f"/api/v1/evidence-packs/{pack['id']}/"
    # Without an assurance statement nobody can sign.
    response = client.post(url + "sign/", {"capacity": "safeguarding_lead"}, format="json")
    assert response.status_code == 400 and "assurance_statement" in response.json()["errors"]
    client.patch(url, {"assurance_statement": "ok"}, format="json", HTTP_IF_MATCH=client.get(url)["ETag"])
    assert client.post(url + "sign/", {"capacity": "safeguarding_lead"}, format="json").status_code == 200
    assert client.post(url + "sign/", {"capacity": "executive_lead"}, format="json").status_code == 403


def test_packs_of_other_organisations_and_uncommissioned_ones_are_404(scene: Scene) -> None:
    pack = signed_pack(scene)
    url = f"/api/v1/evidence-packs/{pack.pk}/"
    assert api_client(scene.commissioner).get(url).status_code == 200
    for user in (scene.other_lead, scene.world.practitioner, scene.world.la_manager):
        client = api_client(user)
        assert client.get(url).status_code == 404
        assert client.get(url + "download/").status_code == 404
        assert client.post(url + "render/").status_code == 404
        assert client.get("/api/v1/evidence-packs/").json()["results"] == []


def test_training_records_are_entered_by_admins_and_imported_all_or_nothing(scene: Scene) -> None:
    admin = api_client(scene.admin)
    body = {
        "staff_id": str(scene.world.practitioner.pk),
        "required_level": "L3",
        "course": "Adult safeguarding L3",
        "completed_at": "2026-01-10",
        "expires_at": "2029-01-10",
    }
    assert admin.post("/api/v1/training-records/", body, format="json").status_code == 201
    assert (
        api_client(scene.world.practitioner).post("/api/v1/training-records/", body, format="json").status_code == 403
    )
    outsider = dict(body, staff_id=str(scene.other_lead.pk))
    response = admin.post("/api/v1/training-records/", outsider, format="json")
    assert response.status_code == 400 and "staff" in response.json()["errors"]
    bad = (
        "email,role,topic,required_level,course,completed_at,expires_at\n"
        f"{scene.world.manager.email},Manager,,L3,Course,2026-01-01,2029-01-01\n"
        f"nobody@example.test,,,L3,Course,2026-01-01,2029-01-01\n"
        f"{scene.world.lead.email},,prevent,L9,,2026-13-01,2025-01-01\n"
    )
    response = admin.post("/api/v1/training-records/import/", {"file": io.BytesIO(bad.encode())}, format="multipart")
    assert response.status_code == 400
    rows = {r["row"]: r["errors"] for r in response.json()["errors"]["rows"]}
    assert set(rows) == {3, 4}
    assert "email" in rows[3] and {"required_level", "course", "completed_at"} <= set(rows[4])
    assert TrainingRecord.objects.count() == 1  # nothing imported
    good = bad.splitlines()[0] + "\n" + bad.splitlines()[1] + "\n"
    response = admin.post("/api/v1/training-records/import/", {"file": io.BytesIO(good.encode())}, format="multipart")
    assert response.status_code == 201 and response.json() == {"created": 1}
    assert api_client(scene.world.practitioner).get("/api/v1/training-records/").json()["results"][0]["course"] == (
        "Adult safeguarding L3"
    )


@pytest.mark.parametrize("status", [RenderStatus.QUEUED, RenderStatus.RENDERING])
def test_asking_again_while_rendering_returns_the_same_job(scene: Scene, status: str) -> None:
    pack = signed_pack(scene)
    EvidencePack.objects.filter(pk=pack.pk).update(render_status=status, progress=40)
    response = api_client(scene.world.lead).post(f"/api/v1/evidence-packs/{pack.pk}/render/")
    assert response.status_code == 202 and response.json()["progress"] == 40


def test_the_commissioner_gets_no_case_screens_either(scene: Scene) -> None:
    from tests.helpers import signed_in

    case = scene.concern()
    client = signed_in(scene.commissioner)
    assert client.get(f"/cases/{case.pk}/").status_code == 404
    listing = client.get("/cases/")
    assert listing.status_code in (200, 403)
    assert case.reference not in listing.content.decode()


def test_the_assurance_routes_are_described_in_the_openapi_schema(scene: Scene) -> None:
    schema = api_client(scene.world.lead).get("/api/schema/?format=json").json()
    for path in (
        "/api/v1/assurance/metrics/",
        "/api/v1/evidence-packs/{id}/render/",
        "/api/v1/evidence-packs/{id}/download/",
        "/api/v1/training-records/import/",
    ):
        assert path in schema["paths"], path
