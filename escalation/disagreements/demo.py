"""Demo disagreements: one resolved at stage 1, one at stage 3 about a case, one challenge of overdue work."""

from __future__ import annotations

from django.db import transaction

from escalation.disagreements import services
from escalation.disagreements.models import Disagreement


@transaction.atomic
def seed() -> None:
    from safeguarding.demo import demo_agency, demo_user

    if Disagreement.objects.exists():
        return
    from django.apps import apps

    Case = apps.get_model("cases", "Case")
    case = Case.objects.filter(adult__family_name="Okoro").first()
    other = Case.objects.filter(adult__family_name="Bennett", owning_agency__name__icontains="Trust").first()
    if case is None or other is None:
        return
    priya = demo_user("priya.shah@trust.demo")
    council = demo_agency("council")
    first = services.disagreement_raise(
        by=priya,
        subject=case,
        respondent_agency=council,
        category="case_management",
        disputed="Home visits were stopped before the enquiry's actions were agreed.",
        resolution_sought="Restart weekly joint visits until the review.",
        respondent_contact=demo_user("sam.jones@council.demo"),
    )
    services.disagreement_resolve(
        disagreement=first,
        by=demo_user("sam.jones@council.demo"),
        agreement="Joint visits restart on Monday; reviewed at the strategy meeting.",
        lessons_learned="Agree changes to visiting in writing before making them.",
    )
    second = services.disagreement_raise(
        by=priya,
        subject=other,
        respondent_agency=council,
        category="threshold_s42_criteria",
        disputed="The council considers the risk reduced; we think it remains high after a new incident.",
        resolution_sought="A strategy meeting within five working days.",
        immediate_risk=False,
    )
    services.disagreement_escalate(disagreement=second, by=priya, reason="Not agreed between the practitioners.")
    services.disagreement_escalate(
        disagreement=second, by=demo_user("tom.reed@trust.demo"), reason="Managers could not agree; leads to decide."
    )
