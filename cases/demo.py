"""Demo caseload: cases in every state across the agencies that log concerns (idempotent: keyed on the demo
people's names). Everything is created through the services, so clocks, chronology and history are real."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from cases import services
from cases.codes import ConsentToRaise, LaDecision, TriState
from cases.models import Case, Person
from safeguarding.demo import demo_agency, demo_user

ALL_NO = {str(n): "no" for n in range(1, 25)}


def _answers(yes: int) -> dict[str, str]:
    answers = dict(ALL_NO)
    for n in range(1, yes + 1):
        answers[str(n)] = "yes"
    answers["24"] = "not_known" if yes < 24 else "yes"
    return answers


def _person(by: Any, **data: Any) -> Person:
    existing = Person.objects.filter(
        given_name=data["given_name"],
        family_name=data["family_name"],
        date_of_birth=data.get("date_of_birth"),
        created_by_agency=by.agency_membership.agency,
    ).first()
    return existing or services.person_create(by=by, **data)


def _concern(days_ago: int, **overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "identified_at": timezone.now() - timedelta(days=days_ago, hours=3),
        "what_happened": "",
        "abuse_types": ["neglect_acts_of_omission"],
        "location_of_risk": "own_home",
        "source_of_risk": "other_known",
        "immediate_risk": False,
        "adult_aware": True,
        "consent_to_raise": ConsentToRaise.GIVEN,
        "adult_views": "",
        "desired_outcomes": [],
    }
    base.update(overrides)
    return base


def _share_with_la(case: Case) -> None:
    """The concern went to the local authority with the whole record for its s42 triage (the referrals capability
    records this decision when it sends an s42 concern; the demo's older cases predate it)."""
    from safeguarding.accounts.models import User
    from safeguarding.sharing import services as sharing

    council = demo_agency("council")
    if case.owning_agency_id == council.pk:
        return
    staff = User.objects.filter(membership__agency_id=case.owning_agency_id, is_active=True).order_by("email")
    decider = next((u for u in staff if sharing.may_decide(u, case.owning_agency_id)), None)
    if decider is None:
        return
    sharing.share_record(
        obj=case,
        decided_by=decider,
        recipient_agency=council,
        purpose="s42_enquiry",
        scope="full",
        data_items=["identity", "concern", "risk"],
        lawful_basis_art6="6_1_e_public_task",
        consent_status="given",
        rationale="The local authority needs the whole record to decide whether a section 42 enquiry is needed.",
        adult_informed=True,
        source="demo",
        source_id=str(case.pk),
    )


def _decide(case: Case, decision: str, **extra: Any) -> None:
    lucy = demo_user("lucy.brown@council.demo")
    concern = case.concerns.filter(decision="").first()
    if concern is None:
        return
    yes = decision == LaDecision.S42
    _share_with_la(case)
    services.record_la_decision(
        concern=concern,
        by=lucy,
        received_at=concern.identified_at + timedelta(hours=2),
        criterion_care_support_needs=TriState.YES,
        criterion_abuse_or_risk=TriState.YES,
        criterion_unable_to_protect=TriState.YES if yes else TriState.NO,
        decision=decision,
        not_s42_reasons=[] if yes else ["able_to_protect_self"],
        rationale="Triage by the safeguarding hub.",
        **extra,
    )


@transaction.atomic
def seed() -> None:
    if Case.objects.filter(adult__family_name="Thompson", adult__given_name="Margaret").exists():
        return
    priya = demo_user("priya.shah@trust.demo")
    sam = demo_user("sam.jones@council.demo")
    dave = demo_user("dave.wilson@police.demo")
    fiona = demo_user("fiona.green@housing.demo")
    rosa = demo_user("rosa.martinez@idva.demo")
    tom = demo_user("tom.reed@trust.demo")
    trust = demo_agency("trust")

    # 1. Raised, awaiting the local authority: financial abuse by a relative.
    margaret = _person(
        priya,
        given_name="Margaret",
        family_name="Thompson",
        date_of_birth=date(1948, 3, 12),
        nhs_number="943 476 5919",
        address="14 Mill Lane, Riverside",
        postcode="RV1 4ML",
        gender="female",
        ethnicity="white",
        primary_support_reason="memory_and_cognition",
    )
    services.concern_log(
        by=priya,
        adult=margaret,
        concern=_concern(
            2,
            what_happened="Grandson has taken over her bank card; rent arrears and no food in the house.",
            abuse_types=["financial_material", "neglect_acts_of_omission"],
            adult_views="She wants to keep seeing him but wants her money back.",
            desired_outcomes=["To manage her own money", "To stay in her home"],
        ),
    )

    # 2. s42 enquiry caused to the trust by the local authority: self-neglect under a CTO.
    david = _person(
        priya,
        given_name="David",
        family_name="Okoro",
        date_of_birth=date(1981, 7, 2),
        nhs_number="401 023 2137",
        gender="male",
        ethnicity="black_african_caribbean_black_british",
        primary_support_reason="mental_health_support",
    )
    logged = services.concern_log(
        by=priya,
        adult=david,
        concern=_concern(
            9,
            what_happened="Flat without heating, not taking medication, weight loss; declining visits.",
            abuse_types=["self_neglect"],
            adult_views="Says he is fine and wants to be left alone.",
            desired_outcomes=["To stay in his flat"],
        ),
    )
    services.case_update(
        case=logged.case,
        by=priya,
        mha_status="cto",
        care_coordinator="Priya Shah (CMHT North)",
        risk_level="high",
        current_risks="Cold, weight loss, disengagement.",
        protective_factors="Sister visits weekly.",
    )
    _decide(logged.case, LaDecision.S42, enquiry_lead_agency=trust)

    # 3. Plan under review: domestic abuse, Think Family, DASH high, capacity assessed.
    sarah = _person(
        priya,
        given_name="Sarah",
        family_name="Bennett",
        date_of_birth=date(1992, 11, 5),
        nhs_number="",
        gender="female",
        ethnicity="white",
        primary_support_reason="mental_health_support",
    )
    logged = services.concern_log(
        by=priya,
        adult=sarah,
        concern=_concern(
            30,
            what_happened="Disclosed partner strangled her last week; two children at home.",
            abuse_types=["domestic_abuse", "physical", "psychological"],
            immediate_risk=True,
            immediate_actions="Police called; safety plan agreed; IDVA referral made.",
            domestic_abuse_disclosed=True,
            adult_views="Frightened; wants the children safe.",
            desired_outcomes=["To be safe", "Children to stay with her"],
        ),
    )
    case = logged.case
    kevin = _person(priya, given_name="Kevin", family_name="Bennett", date_of_birth=date(1989, 2, 17), gender="male")
    case.people.get_or_create(person=kevin, role="alleged_source_of_harm", defaults={"relationship": "partner"})
    services.case_update(
        case=case,
        by=priya,
        children_in_household=True,
        think_family_notes="Two children, 4 and 7.",
        risk_level="high",
        current_risks="Non-fatal strangulation; escalating.",
    )
    services.dash_record(case=case, by=priya, answers=_answers(16), professional_judgement="Strangulation reported.")
    services.capacity_assessment_record(
        case=case,
        by=priya,
        person=sarah,
        decision="Whether to share information with the police",
        assessed_at=timezone.now() - timedelta(days=28),
        outcome="has_capacity",
        reasoning="Understood, retained and weighed the information; communicated her decision clearly.",
    )
    _decide(case, LaDecision.S42, enquiry_lead_agency=trust)
    case.refresh_from_db()
    enquiry = case.enquiries.get()
    services.enquiry_update(
        enquiry=enquiry, by=priya, mental_capacity="did_not_lack_capacity", msp_asked="asked_outcomes_expressed"
    )
    plan = services.plan_create(
        case=case,
        by=priya,
        lead_agency=trust,
        risks="Further violence from partner.",
        review_date=timezone.localdate() + timedelta(days=3),
    )
    services.plan_action_add(
        plan=plan,
        by=priya,
        owner_agency=trust,
        owner_person=priya,
        description="Weekly contact with Sarah",
        due_date=timezone.localdate() + timedelta(days=2),
    )
    services.plan_action_add(
        plan=plan,
        by=priya,
        owner_agency=trust,
        owner_person=tom,
        description="Review crisis plan with the team",
        due_date=timezone.localdate() + timedelta(days=10),
    )

    # 4. Closed: no enquiry needed.
    john = _person(priya, given_name="John", family_name="Carter", date_of_birth=date(1960, 5, 20), gender="male")
    logged = services.concern_log(
        by=priya,
        adult=john,
        concern=_concern(
            40,
            what_happened="Neighbour shouting at him in the stairwell.",
            abuse_types=["psychological"],
            source_of_risk="other_known",
        ),
    )
    _decide(logged.case, LaDecision.NO_ENQUIRY, alternative_responses=["advice_and_guidance"])

    # 5. A draft still being written; a DASH in the medium band on a trust case.
    aisha = _person(
        priya,
        given_name="Aisha",
        family_name="Rahman",
        date_of_birth=date(1999, 1, 30),
        gender="female",
        ethnicity="asian_asian_british",
    )
    logged = services.concern_log(
        by=priya,
        adult=aisha,
        draft=True,
        concern=_concern(
            1,
            what_happened="Says her brother controls her phone and money.",
            abuse_types=["domestic_abuse", "financial_material"],
            domestic_abuse_disclosed=True,
        ),
    )
    services.dash_record(case=logged.case, by=priya, answers=_answers(11))

    # A duplicate record of Margaret (same name and date of birth, no NHS number): the trust's earlier case.
    margaret_again = services.person_create(
        by=priya, given_name="Margaret", family_name="Thompson", date_of_birth=date(1948, 3, 12)
    )
    logged = services.concern_log(
        by=priya,
        adult=margaret_again,
        concern=_concern(
            200, what_happened="Fall at home, found by a neighbour after two days.", abuse_types=["self_neglect"]
        ),
    )
    services.case_transition(
        case=logged.case,
        by=priya,
        transition="close",
        reason="withdrawn",
        note="Care package arranged; no safeguarding concern.",
    )

    # Other agencies' caseloads.
    _person_case(
        sam,
        "Peter",
        "Walsh",
        date(1941, 9, 9),
        "Carers missing visits; pressure sores.",
        ["neglect_acts_of_omission", "organisational"],
        location="care_home_nursing",
        source="service_provider",
        decide=LaDecision.S42,
    )
    _person_case(
        dave,
        "Sarah",
        "Bennett",
        date(1992, 11, 5),
        "Call-out: neighbour reported screaming.",
        ["domestic_abuse"],
        dash_yes=16,
    )
    _person_case(
        fiona,
        "Tom",
        "Hughes",
        date(1975, 4, 4),
        "Hoarding; fire risk; refuses access.",
        ["self_neglect"],
        dash_yes=None,
    )
    _person_case(
        rosa,
        "Sarah",
        "Bennett",
        date(1992, 11, 5),
        "IDVA assessment after MARAC referral.",
        ["domestic_abuse"],
        dash_yes=17,
    )
    _person_case(
        dave,
        "Leanne",
        "Price",
        date(1987, 6, 14),
        "Repeat call-outs; partner breached bail.",
        ["domestic_abuse", "physical"],
        dash_yes=4,
    )


def _person_case(
    by: Any,
    given: str,
    family: str,
    dob: date,
    what: str,
    abuse: list[str],
    *,
    location: str = "own_home",
    source: str = "other_known",
    dash_yes: int | None = None,
    decide: str | None = None,
) -> Case:
    person = _person(by, given_name=given, family_name=family, date_of_birth=dob)
    logged = services.concern_log(
        by=by,
        adult=person,
        concern=_concern(
            6,
            what_happened=what,
            abuse_types=abuse,
            location_of_risk=location,
            source_of_risk=source,
            domestic_abuse_disclosed="domestic_abuse" in abuse,
        ),
    )
    if dash_yes is not None:
        services.dash_record(case=logged.case, by=by, answers=_answers(dash_yes))
    if decide:
        _decide(logged.case, decide)
    return logged.case
