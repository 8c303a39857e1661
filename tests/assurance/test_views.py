"""Assurance screens: metrics page with definitions and SVG trends with text alternatives, packs, live render
progress, training records with a per-row import error report."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from assurance import services
from assurance.models import EvidencePack, TrainingRecord
from tests.assurance.conftest import Scene, signed_pack
from tests.helpers import signed_in


def test_the_metrics_page_shows_definitions_trend_charts_with_text_alternatives_and_unavailable_metrics(
    scene: Scene,
) -> None:
    for _ in range(3):
        scene.concern()
    page = signed_in(scene.commissioner).get("/assurance/", {"period": "2026-Q2"})
    assert page.status_code == 200
    html = page.content.decode()
    assert "[c]" in html and "Numerator" in html and "Denominator" in html
    assert 'role="img"' in html and "<desc id=" in html and "Trend as a table" in html
    for code in ("M11", "M13", "M19", "M20"):  # computed from the meetings, referrals and reviews apps
        assert f'id="metric-{code.lower()}"' in html
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    lead_page = signed_in(scene.world.lead).get("/assurance/", {"period": "2026-Q2"}).content.decode()
    assert "Exact internal figures" in lead_page
    csv = signed_in(scene.world.lead).get("/assurance/metrics.csv", {"period": "2026-Q2"})
    assert csv.status_code == 200 and b"M1,Concerns raised,raised,,Concerns raised,count,,[c],True" in csv.content


def test_practitioners_may_not_use_the_assurance_screens(scene: Scene) -> None:
    client = signed_in(scene.world.practitioner)
    assert client.get("/assurance/").status_code == 403
    assert client.get("/assurance/packs/").status_code == 403
    assert client.get("/assurance/training/").status_code == 403


def test_a_lead_prepares_a_pack_and_both_leads_sign_it_on_screen(scene: Scene) -> None:
    lead = signed_in(scene.world.lead)
    response = lead.post("/assurance/packs/", {"period": "2026-Q9"})
    assert response.status_code == 200 and "Use YYYY-Qn" in response.content.decode()
    response = lead.post("/assurance/packs/", {"period": "2026-Q2"})
    pack = EvidencePack.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/assurance/packs/{pack.pk}/"
    response = lead.post(f"/assurance/packs/{pack.pk}/sign/", {"capacity": "safeguarding_lead"})
    assert response.status_code == 422 and "Write the assurance statement" in response.content.decode()
    lead.post(f"/assurance/packs/{pack.pk}/narrative/", {"assurance_statement": "Duties met.", "risks": "None."})
    assert lead.post(f"/assurance/packs/{pack.pk}/sign/", {"capacity": "safeguarding_lead"}).status_code == 302
    executive = signed_in(scene.executive)
    assert executive.post(f"/assurance/packs/{pack.pk}/sign/", {"capacity": "executive_lead"}).status_code == 302
    pack.refresh_from_db()
    assert pack.is_signed
    page = lead.get(f"/assurance/packs/{pack.pk}/").content.decode()
    assert "Render the PDF" in page


def test_the_progress_fragment_polls_while_rendering_and_stops_with_a_download_link(scene: Scene) -> None:
    pack = signed_pack(scene)
    lead = signed_in(scene.world.lead)
    response = lead.post(f"/assurance/packs/{pack.pk}/render/", HTTP_HX_REQUEST="true")
    assert response.status_code == 202 and 'hx-trigger="every 2s"' in response.content.decode()
    fragment = lead.get(f"/assurance/packs/{pack.pk}/progress/", HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200 and "Rendering: 0%" in fragment.content.decode()
    services.pack_render(pack_id=pack.pk)
    done = lead.get(f"/assurance/packs/{pack.pk}/progress/", HTTP_HX_REQUEST="true")
    assert done.status_code == 286  # htmx stops polling
    assert "Download the PDF" in done.content.decode() and "hx-trigger" not in done.content.decode()
    download = signed_in(scene.commissioner).get(f"/assurance/packs/{pack.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"


def test_the_training_import_reports_each_rows_errors_and_imports_nothing(scene: Scene) -> None:
    admin = signed_in(scene.admin)
    csv = (
        "email,role,topic,required_level,course,completed_at,expires_at\n"
        f"{scene.world.manager.email},,,L3,Course,2026-01-01,2029-01-01\n"
        f"{scene.world.lead.email},,,L3,Course,2026-01-01,2025-01-01\n"
    ).encode()
    response = admin.post("/assurance/training/import/", {"file": SimpleUploadedFile("t.csv", csv, "text/csv")})
    html = response.content.decode()
    assert response.status_code == 422 and "Rows with errors" in html and "The expiry date must be after" in html
    assert TrainingRecord.objects.count() == 0
    good = csv.decode().splitlines()
    fixed = "\n".join([good[0], good[1]]).encode()
    response = admin.post("/assurance/training/import/", {"file": SimpleUploadedFile("t.csv", fixed, "text/csv")})
    assert response.status_code == 302 and TrainingRecord.objects.count() == 1
    page = admin.get("/assurance/training/")
    assert page.status_code == 200 and scene.world.manager.full_name in page.content.decode()
