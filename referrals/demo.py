"""Demo referrals (a ``seed_demo`` step, idempotent): every kind in every state, a repeat MARAC victim across
agencies, an overdue acknowledgement that has escalated, and a MAPPA level 2 nominal with a review due.

Everything goes through the services, so sharing decisions, clocks, timelines and chronology entries are real.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from cases import services as cases
from cases.codes import ConsentToRaise, LaDecision, TriState
from cases.models import Case, Person
from referrals import services
from referrals.models import Referral
from safeguarding.accounts.models import User
from safeguarding.sharing.codes import ConsentStatus, Purpose
from safeguarding.sharing.models import SharingAgreement

BASIS = {
    "consent_status": ConsentStatus.GIVEN,
    "adult_informed": True,
    "rationale": "The adult agreed that the referral should go ahead, to keep them safe.",
}
MARAC_BASIS = {
    "consent_status": ConsentStatus.NOT_SOUGHT,
    "override_reason": "seeking_consent_would_increase_risk",
    "override_detail": "Contacting the victim now could alert the person causing harm.",
    "adult_informed": False,
    "adult_not_informed_reason": "Telling her now would increase the risk; the IDVA will talk to her safely.",
    "rationale": "High risk of serious harm: MARAC needs the referral to plan for her safety.",
}


def _answers(yes: int) -> dict[str, str]:
    return {str(n): ("yes" if n <= yes else "no") for n in range(1, 25)}


def _case(by: User, given: str, family: str, dob: date, what: str, *, dash: int | None = None) -> Case:
    person = cases.person_create(by=by, given_name=given, family_name=family, date_of_birth=dob)
    case = cases.concern_log(
        by=by,
        adult=person,
        concern={
            "identified_at": timezone.now() - timedelta(days=3),
            "what_happened": what,
            "abuse_types": ["domestic_abuse"] if dash is not None else ["neglect_acts_of_omission"],
            "location_of_risk": "own_home",
            "source_of_risk": "other_known",
            "immediate_risk": False,
            "adult_aware": True,
            "consent_to_raise": ConsentToRaise.GIVEN,
            "adult_views": "",
            "desired_outcomes": [],
            "domestic_abuse_disclosed": dash is not None,
        },
    ).case
    if dash is not None:
        cases.dash_record(case=case, by=by, answers=_answers(dash))
    return case


def _harm(case: Case, person: Person, relationship: str = "ex_partner") -> Person:
    case.people.get_or_create(person=person, role="alleged_source_of_harm", defaults={"relationship": relationship})
    return person


def _marac(by: User, case: Case, harm: Person, *, days_ago: int = 0, send: bool = True, **details: Any) -> Referral:
    when = timezone.now() - timedelta(days=days_ago)
    referral = services.referral_create(
        by=by,
        case=case,
        kind="marac",
        reason="High-risk domestic abuse: MARAC and IDVA referral.",
        sharing_basis=MARAC_BASIS,
        details={
            "persons_causing_harm": [harm.pk],
            "harm_relationship": "ex_partner",
            "incident_date": (when.date() - timedelta(days=1)).isoformat(),
            "victim_informed": False,
            "victim_consent": "not_sought",
            "safe_contact_number": "07700 900461",
            "safe_to_call": "Weekdays between 10am and 2pm",
            "idva_referred": True,
            **details,
        },
        now=when,
    )
    return services.referral_send(referral=referral, by=by, now=when) if send else referral


def _simple(
    by: User, case: Case, kind: str, to: Any = None, *, days_ago: int = 0, send: bool = True, **details: Any
) -> Referral:
    when = timezone.now() - timedelta(days=days_ago)
    reason = {
        "s42_concern": "We ask the local authority to consider a section 42 enquiry.",
        "service": "Please assess and support: details in the case summary.",
        "mappa": "We ask whether this person is managed under MAPPA.",
    }[kind]
    referral = services.referral_create(
        by=by, case=case, kind=kind, reason=reason, recipient_agency=to, sharing_basis=BASIS, details=details, now=when
    )
    return services.referral_send(referral=referral, by=by, now=when) if send else referral


def _escalate_overdue(referral: Referral) -> None:
    """Run the clock engine's sweep as it would have run since the referral was sent, so its overdue
    acknowledgement has climbed the ladder."""
    from escalation.engine import deadline_sweep, fire_deadlines

    for days in (6, 3, 0):
        now = timezone.now() - timedelta(days=days)
        result = deadline_sweep(now=now, enqueue=False)
        for batch in result.batches:
            fire_deadlines(ids=batch.ids, now=now, token=batch.token)


@transaction.atomic
def seed() -> None:
    from safeguarding.demo import demo_agency, demo_area, demo_user

    if Referral.objects.exists():
        return
    area = demo_area()
    trust, council, police = demo_agency("trust"), demo_agency("council"), demo_agency("police")
    probation, housing, idva = demo_agency("probation"), demo_agency("housing"), demo_agency("idva")
    agreement, _ = SharingAgreement.objects.get_or_create(
        area=area,
        purpose=Purpose.MARAC,
        title="Riverside MARAC information-sharing protocol",
        defaults={"review_date": timezone.localdate() + timedelta(days=300), "document_reference": "RMARAC-ISP-2026"},
    )
    agreement.signatories.add(trust, council, police, probation, housing, idva)
    priya = demo_user("priya.shah@trust.demo")
    lucy = demo_user("lucy.brown@council.demo")
    ben = demo_user("ben.taylor@council.demo")  # the area's MARAC coordinator
    dave = demo_user("dave.wilson@police.demo")
    fiona = demo_user("fiona.green@housing.demo")
    james = demo_user("james.ward@probation.demo")

    # --- s42 concerns to the local authority, one per state --------------------------------------------------------
    _simple(
        priya,
        _case(priya, "Joan", "Doyle", date(1944, 1, 9), "Bruising noticed at a home visit."),
        "s42_concern",
        send=False,
    )
    overdue = _simple(
        priya,
        _case(priya, "Ivy", "Marsh", date(1939, 6, 30), "Carer shouting and withholding meals."),
        "s42_concern",
        days_ago=8,
    )
    acknowledged = _simple(
        priya,
        _case(priya, "Ravi", "Mehta", date(1958, 8, 21), "Unexplained withdrawals from his account."),
        "s42_concern",
    )
    services.referral_acknowledge(referral=acknowledged, by=lucy)
    triage = _simple(
        priya, _case(priya, "Edna", "Lowe", date(1950, 2, 3), "Neighbour taking her pension."), "s42_concern"
    )
    services.referral_accept(referral=triage, by=lucy)
    decided = _simple(
        priya,
        _case(priya, "Edith", "Hall", date(1936, 12, 1), "Pressure sores; no carer visits for a week."),
        "s42_concern",
    )
    services.referral_acknowledge(referral=decided, by=lucy)
    services.referral_record_decision(
        referral=decided,
        by=lucy,
        criterion_care_support_needs=TriState.YES,
        criterion_abuse_or_risk=TriState.YES,
        criterion_unable_to_protect=TriState.YES,
        decision=LaDecision.S42,
        rationale="All three criteria met; the council leads, the trust contributes.",
    )
    declined = _simple(
        priya,
        _case(priya, "George", "King", date(1962, 10, 10), "Lives out of area; concern about his landlord."),
        "s42_concern",
    )
    services.referral_decline(referral=declined, by=lucy, reason="He lives in another council's area: passed to them.")
    withdrawn = _simple(
        priya, _case(priya, "Nora", "Bates", date(1955, 5, 5), "Concern raised in error (duplicate)."), "s42_concern"
    )
    services.referral_withdraw(referral=withdrawn, by=priya, reason="Raised twice by mistake.")

    # --- MARAC: a repeat victim across agencies, and every state ----------------------------------------------------
    kevin = cases.person_create(by=dave, given_name="Kyle", family_name="Rowe", date_of_birth=date(1986, 3, 3))
    police_case = _case(
        dave, "Chloe", "Rowe", date(1990, 7, 19), "Call-out: threats to kill after separation.", dash=17
    )
    _harm(police_case, kevin)
    first = _marac(dave, police_case, kevin, days_ago=120, da_incidents_12m=3, police_callouts_12m=4)
    services.marac_list(
        referral=first,
        by=ben,
        intended_sitting_date=(timezone.now() - timedelta(days=120)).date() + timedelta(days=10),
        now=timezone.now() - timedelta(days=120),
    )
    services.marac_referral_heard(referral=first, by=ben)
    services.marac_referral_actions_open(referral=first, by=ben)
    trust_case = cases.concern_log(
        by=priya,
        adult=police_case.adult,
        concern={
            "identified_at": timezone.now() - timedelta(days=2),
            "what_happened": "Disclosed a new assault by her former partner at clinic.",
            "abuse_types": ["domestic_abuse", "physical"],
            "location_of_risk": "own_home",
            "source_of_risk": "other_known",
            "immediate_risk": False,
            "adult_aware": True,
            "consent_to_raise": ConsentToRaise.GIVEN,
            "adult_views": "She wants to stay safe and keep her job.",
            "desired_outcomes": [],
            "domestic_abuse_disclosed": True,
        },
    ).case
    cases.dash_record(
        case=trust_case, by=priya, answers=_answers(15), professional_judgement="Strangulation; stalking."
    )
    _harm(trust_case, kevin)
    repeat = _marac(priya, trust_case, kevin)  # a repeat: within 12 months of the police referral
    services.marac_list(referral=repeat, by=ben, intended_sitting_date=timezone.localdate() + timedelta(days=7))

    def da_case(by: User, given: str, family: str, dob: date, yes: int) -> tuple[Case, Person]:
        case = _case(by, given, family, dob, "Domestic abuse disclosed.", dash=yes)
        harm = cases.person_create(by=by, given_name="Partner of", family_name=family, date_of_birth=None)
        return case, _harm(case, harm)

    case, harm = da_case(priya, "Mia", "Stone", date(1995, 4, 4), 14)
    _marac(priya, case, harm, send=False)  # draft
    case, harm = da_case(priya, "Amy", "Price", date(1993, 9, 9), 16)
    _marac(priya, case, harm)  # referred: waiting for the coordinator
    case, harm = da_case(dave, "Leah", "Ford", date(1988, 1, 1), 9)
    low = _marac(dave, case, harm, professional_judgement="Victim very frightened; he has access to a firearm licence.")
    services.marac_not_list(
        referral=low, by=ben, reason="Below the threshold on the DASH; refer again if it escalates."
    )
    case, harm = da_case(dave, "Jade", "Moss", date(1997, 12, 12), 19)
    urgent = _marac(dave, case, harm)
    services.marac_list(
        referral=urgent,
        by=ben,
        intended_sitting_date=timezone.localdate() + timedelta(days=1),
        emergency=True,
        emergency_reason="Threat to kill made yesterday; he is out on bail.",
    )
    case, harm = da_case(priya, "Rose", "Hart", date(1980, 8, 8), 15)
    heard = _marac(priya, case, harm, days_ago=30)
    services.marac_list(referral=heard, by=ben, intended_sitting_date=timezone.localdate(), now=timezone.now())
    services.marac_referral_heard(referral=heard, by=ben)
    case, harm = da_case(priya, "Ella", "Wood", date(1979, 3, 3), 14)
    done = _marac(priya, case, harm, days_ago=60)
    services.marac_list(referral=done, by=ben, intended_sitting_date=timezone.localdate(), now=timezone.now())
    services.marac_referral_heard(referral=done, by=ben)
    services.marac_referral_close(referral=done, by=ben)
    case, harm = da_case(priya, "Zoe", "Lane", date(1999, 5, 5), 14)
    services.referral_withdraw(referral=_marac(priya, case, harm), by=priya, reason="She has moved to another area.")

    # --- service referrals -----------------------------------------------------------------------------------------
    home = _case(priya, "Liam", "Fox", date(1970, 11, 11), "Rent arrears; at risk of eviction.")
    _simple(priya, home, "service", housing, send=False, service_type="housing")
    _simple(priya, home, "service", housing, service_type="housing")
    ack = _simple(priya, home, "service", housing, service_type="housing", service_detail="Tenancy sustainment")
    services.referral_acknowledge(referral=ack, by=fiona)
    accepted = _simple(priya, home, "service", housing, service_type="housing", service_detail="Repairs")
    services.referral_accept(referral=accepted, by=fiona)
    closed = _simple(priya, home, "service", housing, service_type="financial_support")
    services.referral_accept(referral=closed, by=fiona)
    services.referral_close(referral=closed, by=fiona)
    no = _simple(priya, home, "service", housing, service_type="advocacy")
    services.referral_decline(referral=no, by=fiona, reason="We do not provide advocacy: try the local advocacy hub.")
    services.referral_withdraw(
        referral=_simple(priya, home, "service", housing, service_type="substance_misuse"),
        by=priya,
        reason="Sent to the wrong agency.",
    )

    # --- MAPPA information and a level 2 nominal with a review due ----------------------------------------------------
    mappa_case = _case(priya, "Carl", "Dunn", date(1975, 2, 2), "Patient discloses violent offending history.")
    subject = mappa_case.adult
    nominal_referral = _simple(
        priya,
        mappa_case,
        "mappa",
        probation,
        mappa_request="ask",
        mappa_subject=subject.pk,
        mappa_category="cat2_violent_or_other_sexual",
        mappa_level="level2_active_multi_agency",
    )
    services.referral_accept(referral=nominal_referral, by=james)
    second = _case(priya, "Paul", "Reid", date(1968, 6, 6), "Released on licence; new tenancy near a school.")
    _simple(
        priya,
        second,
        "mappa",
        probation,
        mappa_request="notify",
        mappa_subject=second.adult_id,
        mappa_category="cat1_registered_sexual_offender",
    )
    third = _case(priya, "Ian", "Cole", date(1971, 7, 7), "Discharged from a hospital order.")
    _simple(
        priya,
        third,
        "mappa",
        probation,
        send=False,
        mappa_request="notify",
        mappa_subject=third.adult_id,
        mappa_category="cat2_violent_or_other_sexual",
    )

    for given, family, state in (
        ("Owen", "Pike", "acknowledged"),
        ("Sean", "Hurst", "declined"),
        ("Dean", "Frost", "withdrawn"),
        ("Neil", "Ash", "closed"),
    ):
        other = _case(priya, given, family, date(1970, 1, 1), "Possible MAPPA nominal known to the team.")
        mappa = _simple(
            priya,
            other,
            "mappa",
            probation,
            mappa_request="notify",
            mappa_subject=other.adult_id,
            mappa_category="cat3_other_dangerous",
        )
        if state == "acknowledged":
            services.referral_acknowledge(referral=mappa, by=james)
        elif state == "declined":
            services.referral_decline(referral=mappa, by=james, reason="Not a MAPPA nominal: no qualifying offence.")
        elif state == "withdrawn":
            services.referral_withdraw(referral=mappa, by=priya, reason="Already known to probation.")
        else:
            services.referral_accept(referral=mappa, by=james)
            services.referral_close(referral=mappa, by=james, note="Information exchanged.")

    _escalate_overdue(overdue)
