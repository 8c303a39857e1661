"""Demo reviews: one SAR in screening (chronologies requested), one commissioned review in progress, and one
published review whose action plan has items in every RAG state. Idempotent."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from reviews import services
from reviews.models import Basis, Recommendation, Review, ReviewAction
from safeguarding.accounts.models import User
from safeguarding.organisations.models import Agency


@transaction.atomic
def seed() -> None:
    from safeguarding.demo import demo_agency, demo_user

    if Review.objects.exists():
        return
    kate = demo_user("kate.hughes@sab.demo")
    chair = demo_user("margaret.ellis@sab.demo")
    reviewer = demo_user("robin.fox@reviewer.demo")
    asha = demo_user("asha.okafor@trust.demo")
    lucy = demo_user("lucy.brown@council.demo")
    sarah = demo_user("sarah.lee@police.demo")
    fiona = demo_user("fiona.green@housing.demo")
    trust, council, police, housing = (demo_agency(k) for k in ("trust", "council", "police", "housing"))
    today = timezone.localdate()

    def move(review: Review, *names: str, **extra: object) -> Review:
        for name in names:
            by = chair if name in ("commission", "decline") else kate
            kwargs = dict(extra) if name in ("commission", "request_chronologies") else {}
            review = services.review_transition(review=review, by=by, transition=name, **kwargs)  # type: ignore[arg-type]
        return review

    # 1. In screening: acknowledged, chronologies requested from the trust and the police.
    screening = services.review_refer(
        by=lucy,
        basis=Basis.CONDITION2_ALIVE,
        concern_about_joint_working=True,
        care_and_support_needs=True,
        serious_abuse_or_neglect=True,
        adult_name="Mr H",
        nhs_number="712 345 6785",
        supporting_information="Severe self-neglect over two winters; three agencies each closed their involvement.",
    )
    move(screening, "acknowledge")
    move(screening, "request_chronologies", agencies=[trust, police])

    # 2. Commissioned and in review, with the reviewer appointed and the police chronology in.
    in_review = services.review_refer(
        by=asha,
        basis=Basis.CONDITION1_DIED,
        concern_about_joint_working=True,
        care_and_support_needs=True,
        serious_abuse_or_neglect=True,
        adult_name="Ms K",
        nhs_number="485 777 3457",
        supporting_information="Died in hospital after a fall at home; domestic abuse disclosed to two agencies.",
    )
    move(in_review, "acknowledge")
    move(in_review, "request_chronologies", agencies=[police, council])
    answer = in_review.chronology_requests.get(agency=police)
    services.chronology_respond(
        request=answer, by=sarah, chronology="Three call-outs (March, May, July); DASH high risk in July; MARAC."
    )
    move(in_review, "refer_to_panel")
    move(in_review, "commission", rationale="Mandatory condition 1 met; concern about information sharing.")
    services.review_update(
        review=Review.objects.get(pk=in_review.pk),
        by=kate,
        methodology="learning_together",
        reviewer=reviewer,
        terms_of_reference="How agencies shared and acted on disclosures of domestic abuse in the last 18 months.",
        panel_members=[asha, sarah],
        parallel_processes=["coroner", "domestic_homicide_review"],
        family_involvement="Her daughter has agreed to meet the reviewer.",
    )
    move(Review.objects.get(pk=in_review.pk), "agree_terms")

    # 3. Published, with an action plan in every RAG state.
    published = services.review_refer(
        by=fiona,
        basis=Basis.DISCRETIONARY,
        concern_about_joint_working=True,
        adult_name="Adult J",
        supporting_information="Evicted while in hospital; discharged to no fixed abode.",
    )
    move(published, "acknowledge", "refer_to_panel")
    move(published, "commission", rationale="Learning about hospital discharge and housing is likely.")
    services.review_update(
        review=Review.objects.get(pk=published.pk),
        by=kate,
        methodology="rapid_review",
        reviewer=reviewer,
        terms_of_reference="Hospital discharge for people at risk of homelessness.",
        panel_members=[asha, lucy],
    )
    move(Review.objects.get(pk=published.pk), "agree_terms")
    services.review_update(
        review=Review.objects.get(pk=published.pk),
        by=reviewer,
        draft_report="Discharge planning did not include housing; no agency held the whole picture.",
    )
    services.review_transition(review=Review.objects.get(pk=published.pk), by=reviewer, transition="submit_draft")
    move(Review.objects.get(pk=published.pk), "finalise")
    services.review_update(
        review=Review.objects.get(pk=published.pk),
        by=kate,
        executive_summary="Agencies should plan discharge with housing from admission for people at risk.",
    )
    published = move(Review.objects.get(pk=published.pk), "publish")
    r1 = services.recommendation_add(
        review=published, by=kate, text="Hospital discharge includes housing from the day of admission."
    )
    r2 = services.recommendation_add(review=published, by=kate, text="Agencies share tenancy risks at discharge.")

    def item(rec: Recommendation, owner: User, agency: Agency, text: str, days: int) -> ReviewAction:
        return services.review_action_create(
            recommendation=rec,
            by=kate,
            owner_agency=agency,
            owner_person=owner,
            description=text,
            due_date=today + timedelta(days=days),
        )

    red = item(r1, asha, trust, "Add a housing question to the admission checklist.", -10)
    services.review_action_update(action=red, by=asha, note="Checklist change waiting for the IT release.")
    amber = item(r1, lucy, council, "Name a housing link worker for each ward.", 10)
    ReviewAction.objects.filter(pk=amber.pk).update(last_update_at=timezone.now() - timedelta(days=40))
    at_risk = item(r2, fiona, housing, "Agree a tenancy-risk alert with the trust.", 60)
    services.review_action_update(
        action=at_risk, by=fiona, note="Data sharing agreement not yet signed.", owner_flag="at_risk"
    )
    item(r2, sarah, police, "Brief neighbourhood teams on the discharge protocol.", 90)
    blue = item(r2, lucy, council, "Publish the joint discharge protocol.", 20)
    services.review_action_complete(action=blue, by=lucy, evidence_notes="Protocol published on the SAB website.")
    services.review_action_verify(action=blue, by=kate)
    awaiting = item(r1, asha, trust, "Audit ten discharges against the checklist.", 45)
    services.review_action_complete(action=awaiting, by=asha, evidence_notes="Audit of 10 discharges: 9 compliant.")
    move(Review.objects.get(pk=published.pk), "start_monitoring")

    theme = services.theme_create(
        by=kate,
        title="Hospital discharge and housing",
        description="Recurs in reviews of people discharged without a home.",
        reviews=[published],
        actions_addressing=[red, amber, at_risk],
    )
    services.learning_event_create(
        by=kate,
        title="7-minute briefing: Adult J",
        format="seven_minute_briefing",
        held_on=today - timedelta(days=14),
        summary="The review's findings and the new discharge protocol.",
        reviews=[published],
        themes=[theme],
        attendance={trust: 24, council: 18, housing: 7, police: 5},
    )
