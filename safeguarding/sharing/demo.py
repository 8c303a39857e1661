"""Demo information sharing: an answered and an open information request, an agreement, and a break-glass access
awaiting review (idempotent: each part is skipped when it exists)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from safeguarding import registry
from safeguarding.accounts.services import confirmed_device
from safeguarding.sharing import agreements, break_glass, requests
from safeguarding.sharing.models import BreakGlassAccess, InformationRequest, SharingAgreement

REASONS = "The police need the risk picture to protect the adult from further financial abuse."


def _code(user: Any) -> str:
    from django_otp.oath import totp

    device = confirmed_device(user)
    assert device is not None
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"


@transaction.atomic
def seed() -> None:
    from safeguarding.demo import demo_agency, demo_area, demo_user

    Case = apps.get_model("cases", "Case")
    trust, council, police = demo_agency("trust"), demo_agency("council"), demo_agency("police")
    asha = demo_user("asha.okafor@trust.demo")
    officer = demo_user("dave.wilson@police.demo")

    if not SharingAgreement.objects.filter(title="Adult safeguarding information-sharing protocol").exists():
        agreements.agreement_save(
            by=asha,
            area=demo_area(),
            title="Adult safeguarding information-sharing protocol",
            purpose="s42_enquiry",
            signatories=[trust, council, police],
            review_date=timezone.localdate() + timedelta(days=45),
            document_reference="SAB-ISP-2026",
        )

    if not InformationRequest.objects.exists():
        margaret = Case.objects.filter(adult__nhs_number="9434765919", owning_agency=trust).first()
        answered = requests.information_request_create(
            by=officer,
            holder_agency=trust,
            purpose="police_investigation",
            lawful_basis="6_1_e_public_task",
            what="Safeguarding concerns and risk assessments about this adult since January.",
            why="We are investigating reports that her grandson has taken money from her account.",
            nhs_number="9434765919",
        )
        if margaret is not None:
            requests.information_request_respond(
                request=answered,
                by=asha,
                outcome="partial",
                reasons=REASONS + " The chronology is withheld: the summary is enough for now.",
                record=margaret,
                scope="summary",
                data_items=["identity", "concern", "risk"],
                lawful_basis_art6="6_1_e_public_task",
                consent_status="given",
                adult_informed=True,
            )
        requests.information_request_create(
            by=officer,
            holder_agency=council,
            purpose="police_investigation",
            lawful_basis="6_1_e_public_task",
            what="Whether the council holds any safeguarding concerns about this adult.",
            why="A neighbour reported a possible assault at the adult's home last night.",
            nhs_number="4010232137",
        )

    if not BreakGlassAccess.objects.exists():
        lead = demo_user("sarah.lee@police.demo")
        for case in Case.objects.filter(owning_agency=trust).exclude(adult__nhs_number="").order_by("reference"):
            if registry.is_visible(case, user=lead):
                continue
            found = break_glass.break_glass_lookup(user=lead, nhs_number=case.adult.nhs_number)
            if any(r.obj.pk == case.pk for r in found):
                break_glass.break_glass_open(
                    user=lead,
                    obj=case,
                    reason_code="out_of_hours_emergency",
                    reason="Adult found injured at 2am; the trust's crisis team could not be reached by phone.",
                    otp=_code(lead),
                )
                break
