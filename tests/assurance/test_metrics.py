"""Every metric computable today on crafted data: numerators, denominators, period boundaries and scope."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.contenttypes.models import ContentType

from assurance import services
from assurance.metrics.periods import parse_period, quarter
from assurance.metrics.registry import Figure, all_metrics, get_metric, run
from assurance.models import TrainingLevel, TrainingTopic
from cases import services as case_services
from cases.codes import ConsentToRaise, LaDecision, MspAchieved, MspAsked, NhsNumberStatus, TriState
from cases.models import Case, Concern, DashAssessment, DashQuestionSet, Enquiry
from cases.models.enquiries import EnquiryStatus
from escalation.disagreements.models import Disagreement, DisagreementStatus
from escalation.models import Deadline, DeadlineStatus
from safeguarding.sharing.codes import ConsentStatus, Direction, LawfulBasisArt6, Purpose
from safeguarding.sharing.models import SharingDecision
from tests.assurance.conftest import Q2, Scene, uk
from tests.factories import UserFactory


def figures(scene: Scene, code: str, **ctx: Any) -> dict[str, Figure]:
    result = run(get_metric(code), scene.ctx(**ctx))
    assert result.data is not None, result.reason
    return {f.key: f for f in result.data.figures}


def pct(f: Figure) -> tuple[int | None, int | None]:
    return f.numerator, f.denominator


def decide(
    scene: Scene, case: Case, *, at: str, received: str, decision: str = LaDecision.S42, **extra: Any
) -> Enquiry | None:
    concern = case.concerns.filter(decision="").first()
    yes = decision == LaDecision.S42
    case_services.record_la_decision(
        concern=concern,
        by=scene.world.la_manager,
        received_at=uk(received),
        criterion_care_support_needs=TriState.YES,
        criterion_abuse_or_risk=TriState.YES,
        criterion_unable_to_protect=TriState.YES if yes else TriState.NO,
        decision=decision,
        not_s42_reasons=[] if yes else ["able_to_protect_self"],
        alternative_responses=["advice_and_guidance"] if decision == LaDecision.NO_ENQUIRY else [],
        now=uk(at),
        **extra,
    )
    return Enquiry.objects.filter(concern=concern).first()


def conclude(enquiry: Enquiry, *, at: str = "2026-06-10 12:00", **fields: Any) -> None:
    Enquiry.objects.filter(pk=enquiry.pk).update(status=EnquiryStatus.CONCLUDED, concluded_at=uk(at), **fields)


def test_every_metric_of_the_domain_reference_is_registered_with_a_written_definition() -> None:
    codes = [m.code for m in all_metrics()]
    assert codes == [f"M{i}" for i in range(1, 25)]
    for metric in all_metrics():
        d = metric.definition
        assert d.numerator and d.denominator and d.period, metric.code


def test_m1_counts_submitted_concerns_in_the_period_by_abuse_type_location_and_team(scene: Scene) -> None:
    scene.concern(abuse_types=["neglect_acts_of_omission"])
    scene.concern(abuse_types=["neglect_acts_of_omission"], location_of_risk="care_home_nursing")
    scene.concern(abuse_types=["physical", "financial_material"])
    scene.concern(at="2026-03-31 22:00")  # Q1 (UK time)
    scene.concern(at="2026-07-01 00:30")  # Q3
    scene.concern(draft=True)  # never submitted
    scene.concern(by=scene.world.la_practitioner)  # raised by another agency
    result = run(get_metric("M1"), scene.ctx())
    assert result.data is not None
    assert result.data.figures[0].value == 3
    breakdowns = {b.key: {r.key: r.value for r in b.rows} for b in result.data.breakdowns}
    assert breakdowns["abuse_type"]["neglect_acts_of_omission"] == 2
    assert breakdowns["abuse_type"]["physical"] == 1 and breakdowns["abuse_type"]["financial_material"] == 1
    assert breakdowns["location"]["care_home_nursing"] == 1 and breakdowns["location"]["own_home"] == 2
    assert breakdowns["source"]["other_known"] == 3
    assert sum(breakdowns["team"].values()) == 3


def test_m1_follows_the_team_and_area_filters(scene: Scene) -> None:
    from tests.factories import TeamFactory

    team = TeamFactory(agency=scene.trust)
    case = scene.concern()
    Case.objects.filter(pk=case.pk).update(team=team)
    scene.concern()
    assert figures(scene, "M1", team_id=team.pk)["raised"].value == 1
    assert figures(scene, "M1", area_id=scene.world.area.pk)["raised"].value == 2


def test_m2_is_the_share_submitted_within_the_policy_hours(scene: Scene) -> None:
    scene.concern(identified_hours=2)
    scene.concern(identified_hours=23.5)
    scene.concern(identified_hours=30)
    result = run(get_metric("M2"), scene.ctx())
    assert result.data is not None
    assert pct(result.data.figures[0]) == (2, 3)
    assert "24 hours" in result.data.policy


def test_m3_judges_decisions_in_working_days_with_bank_holidays(scene: Scene) -> None:
    # Friday 22 May 2026, then Monday 25 May is the spring bank holiday: Tuesday 26th is the next working day.
    on_time = scene.concern(at="2026-05-22 09:00")
    decide(scene, on_time, received="2026-05-22 10:00", at="2026-05-26 16:00")
    late = scene.concern(at="2026-05-22 09:30")
    decide(scene, late, received="2026-05-22 10:00", at="2026-05-27 09:00")
    same_day = scene.concern(at="2026-06-01 09:00")
    decide(scene, same_day, received="2026-06-01 09:30", at="2026-06-01 15:00")
    assert pct(figures(scene, "M3")["within_policy"]) == (2, 3)


def test_m4_is_section_42_decisions_over_concerns_raised(scene: Scene) -> None:
    decide(scene, scene.concern(), received="2026-05-05 11:00", at="2026-05-05 12:00")
    decide(scene, scene.concern(), received="2026-05-05 11:00", at="2026-05-05 12:00", decision=LaDecision.OTHER)
    decide(scene, scene.concern(), received="2026-05-05 11:00", at="2026-05-05 12:00", decision=LaDecision.NO_ENQUIRY)
    scene.concern()
    f = figures(scene, "M4")
    assert pct(f["s42"]) == (1, 4) and pct(f["other"]) == (1, 4)


def test_m5_counts_enquiries_caused_to_the_provider_with_median_and_timeliness_from_the_clock(scene: Scene) -> None:
    enquiries = []
    for _ in range(3):
        enquiries.append(
            decide(
                scene,
                scene.concern(),
                received="2026-05-05 11:00",
                at="2026-05-05 12:00",
                enquiry_lead_agency=scene.trust,
            )
        )
    decide(scene, scene.concern(), received="2026-05-05 11:00", at="2026-05-05 12:00")  # led by the LA itself
    a, b, _still_open = enquiries
    conclude(a, at="2026-05-09 12:00")  # 4 days
    conclude(b, at="2026-05-15 12:00")  # 10 days
    ct = ContentType.objects.get_for_model(Enquiry)
    Deadline.objects.filter(subject_type=ct, subject_id=str(a.pk)).update(
        status=DeadlineStatus.MET, met_at=uk("2026-05-09 12:00")
    )
    Deadline.objects.filter(subject_type=ct, subject_id=str(b.pk)).update(
        status=DeadlineStatus.MET, met_at=uk("2026-07-30 12:00")
    )
    f = figures(scene, "M5")
    assert f["started"].value == 3
    assert f["median_days"].n == 2 and f["median_days"].value == 7.0
    assert pct(f["on_time"]) == (1, 2)


def test_m6_is_consent_recorded_and_reasons_when_not_sought(scene: Scene) -> None:
    scene.concern(consent_to_raise=ConsentToRaise.GIVEN)
    scene.concern(consent_to_raise=ConsentToRaise.NOT_SOUGHT, consent_not_sought_reason="would_increase_risk")
    blank = scene.concern(consent_to_raise=ConsentToRaise.NOT_SOUGHT, consent_not_sought_reason="not_practicable")
    Concern.objects.filter(case=blank).update(consent_not_sought_reason="")
    unrecorded = scene.concern()
    Concern.objects.filter(case=unrecorded).update(consent_to_raise="")
    f = figures(scene, "M6")
    assert pct(f["recorded"]) == (3, 4)
    assert pct(f["reason"]) == (1, 2)


def _concluded(scene: Scene, **fields: Any) -> Enquiry:
    enquiry = decide(scene, scene.concern(), received="2026-05-05 11:00", at="2026-05-05 12:00")
    assert enquiry is not None
    conclude(enquiry, **fields)
    return enquiry


def test_m7_to_m10_use_enquiries_concluded_in_the_period_about_the_providers_concerns(scene: Scene) -> None:
    _concluded(
        scene,
        msp_asked=MspAsked.OUTCOMES_EXPRESSED,
        msp_achieved=MspAchieved.FULLY,
        risk_assessment_outcome="risk_identified_action_taken",
        risk_result="risk_reduced",
        mental_capacity="lacked_capacity",
        advocacy_support=True,
    )
    _concluded(
        scene,
        msp_asked=MspAsked.OUTCOMES_EXPRESSED,
        msp_achieved=MspAchieved.PARTIALLY,
        risk_assessment_outcome="risk_identified_no_action",
        risk_result="risk_remained",
        mental_capacity="lacked_capacity",
        advocacy_support=False,
    )
    _concluded(scene, msp_asked=MspAsked.NO_OUTCOMES, risk_assessment_outcome="no_risk_no_action")
    _concluded(scene, msp_asked=MspAsked.NOT_ASKED, mental_capacity="did_not_lack_capacity")
    _concluded(scene, at="2026-07-02 10:00", msp_asked=MspAsked.OUTCOMES_EXPRESSED)  # concluded in Q3
    open_one = decide(scene, scene.concern(), received="2026-05-05 11:00", at="2026-05-05 12:00")
    assert open_one is not None
    assert pct(figures(scene, "M7")["asked"]) == (3, 4)
    m8 = figures(scene, "M8")
    assert pct(m8["fully"]) == (1, 2) and pct(m8["partially"]) == (1, 2) and pct(m8["not_achieved"]) == (0, 2)
    assert pct(figures(scene, "M9")["reduced_or_removed"]) == (1, 2)
    assert pct(figures(scene, "M10")["supported"]) == (1, 2)


def test_m16_is_dash_completion_for_domestic_abuse_disclosures(scene: Scene) -> None:
    with_dash = scene.concern(abuse_types=["domestic_abuse"], domestic_abuse_disclosed=True)
    scene.concern(domestic_abuse_disclosed=True)
    scene.concern()  # no disclosure
    question_set, _ = DashQuestionSet.objects.get_or_create(version="test", defaults={"questions": []})
    DashAssessment.objects.create(
        case=with_dash,
        question_set=question_set,
        answers={},
        yes_count=15,
        band="high",
        completed_at=uk("2026-05-06 10:00"),
        completed_by=scene.world.practitioner,
        completed_by_agency=scene.trust,
    )
    assert pct(figures(scene, "M16")["completed"]) == (1, 2)


def _disagreement(
    scene: Scene, *, opened: str, stage: int = 1, resolved: str | None = None, raiser: Any = None
) -> None:
    case = scene.concern()
    Disagreement.objects.create(
        subject_type=ContentType.objects.get_for_model(Case),
        subject_id=str(case.pk),
        subject_label=case.reference,
        case_id=case.pk,
        category="case_management",
        disputed="x",
        resolution_sought="y",
        raised_by=scene.world.practitioner,
        raiser_agency=raiser or scene.trust,
        respondent_agency=scene.world.la if raiser is None else scene.trust,
        area=scene.world.area,
        stage=stage,
        status=DisagreementStatus.RESOLVED if resolved else DisagreementStatus.OPEN,
        opened_at=uk(opened),
        resolved_at=uk(resolved) if resolved else None,
    )


def test_m18_counts_disagreements_raised_and_received_by_stage_with_resolution(scene: Scene) -> None:
    _disagreement(scene, opened="2026-04-10 10:00", stage=1, resolved="2026-04-12 10:00")
    _disagreement(scene, opened="2026-04-10 10:00", stage=3, resolved="2026-04-20 10:00")
    _disagreement(scene, opened="2026-05-10 10:00", stage=2)
    _disagreement(scene, opened="2026-05-10 10:00", raiser=scene.world.la)
    _disagreement(scene, opened="2026-01-10 10:00", stage=2, resolved="2026-04-01 10:00")
    f = figures(scene, "M18")
    assert f["raised"].value == 3 and f["received"].value == 1
    assert f["median_days"].n == 3 and f["median_days"].value == 10.0
    assert pct(f["resolved_early"]) == (2, 3)
    result = run(get_metric("M18"), scene.ctx())
    assert result.data is not None
    raised = {r.key: r.value for r in result.data.breakdowns[0].rows}
    assert raised == {"stage_1": 1, "stage_2": 1, "stage_3": 1, "stage_4": 0}


def test_m18_and_m21_say_they_are_not_recorded_by_team(scene: Scene) -> None:
    from tests.factories import TeamFactory

    team = TeamFactory(agency=scene.trust)
    for code in ("M18", "M21"):
        result = run(get_metric(code), scene.ctx(team_id=team.pk))
        assert not result.available and "team" in result.reason


def _decision(scene: Scene, **fields: Any) -> None:
    case = scene.concern()
    data = {
        "subject_type": ContentType.objects.get_for_model(Case),
        "subject_id": case.pk,
        "owner_agency": scene.trust,
        "direction": Direction.DISCLOSE,
        "recipient_agency": scene.world.police,
        "decided_by": scene.world.practitioner,
        "purpose": Purpose.S42_ENQUIRY,
        "consent_status": ConsentStatus.GIVEN,
        "lawful_basis_art6": LawfulBasisArt6.PUBLIC_TASK,
        "rationale": "Needed for the enquiry.",
        "decided_at": uk("2026-05-10 10:00"),
    }
    data.update(fields)
    SharingDecision.objects.create(**data)


def test_m21_counts_decisions_by_lawful_basis_with_rationale_and_override_reasons(scene: Scene) -> None:
    _decision(scene)
    _decision(
        scene,
        lawful_basis_art6=LawfulBasisArt6.VITAL_INTERESTS,
        consent_status=ConsentStatus.NOT_SOUGHT,
        override_reason="risk_of_serious_harm",
    )
    _decision(scene, consent_status=ConsentStatus.REFUSED, rationale="")
    _decision(scene, direction=Direction.REFUSE, lawful_basis_art6="", consent_status=ConsentStatus.REFUSED)
    _decision(scene, decided_at=uk("2026-08-01 10:00"))
    _decision(scene, owner_agency=scene.world.la)
    result = run(get_metric("M21"), scene.ctx())
    assert result.data is not None
    f = {x.key: x for x in result.data.figures}
    assert f["decisions"].value == 4 and f["refused"].value == 1
    assert pct(f["rationale"]) == (3, 4)
    assert pct(f["override_reason"]) == (1, 2)
    bases = {r.key: r.value for r in result.data.breakdowns[0].rows}
    assert bases[LawfulBasisArt6.PUBLIC_TASK] == 2 and bases[LawfulBasisArt6.VITAL_INTERESTS] == 1


def test_m22_is_staff_in_date_on_the_periods_last_day(scene: Scene) -> None:
    world = scene.world
    staff = [world.practitioner, world.manager, world.lead, world.commissioner]
    # trust staff: practitioner, manager, lead, commissioner (World puts one in the trust), executive, admin = 6
    add = lambda user, level, done, expires, topic=TrainingTopic.SAFEGUARDING_ADULTS: services.training_record_create(  # noqa: E731
        by=scene.admin, staff=user, required_level=level, course="c", completed_at=done, expires_at=expires, topic=topic
    )
    add(staff[0], TrainingLevel.L3, date(2025, 1, 1), date(2028, 1, 1))
    add(staff[1], TrainingLevel.L3, date(2023, 1, 1), date(2026, 6, 29))  # lapses the day before the period ends
    add(staff[2], TrainingLevel.L4, date(2026, 6, 30), date(2029, 6, 30))  # completed on the last day
    add(staff[0], TrainingLevel.L1, date(2025, 1, 1), date(2028, 1, 1), TrainingTopic.PREVENT)
    f = figures(scene, "M22")
    assert pct(f["safeguarding"]) == (2, 6)
    assert pct(f["prevent"]) == (1, 6)
    result = run(get_metric("M22"), scene.ctx())
    assert result.data is not None
    levels = {r.key: (r.numerator, r.denominator) for r in result.data.breakdowns[0].rows}
    assert levels["L3"] == (1, 2) and levels["L4"] == (1, 1)


def test_m23_is_verified_nhs_numbers_and_sac_mandatory_fields_and_the_list_is_configuration(
    scene: Scene, settings: Any
) -> None:
    verified = scene.world.person(nhs_number="9434765919")
    verified.nhs_number_status = NhsNumberStatus.VERIFIED
    verified.save()
    scene.concern(person=verified)
    incomplete = scene.concern()
    Concern.objects.filter(case=incomplete).update(source_of_risk="")
    f = figures(scene, "M23")
    assert pct(f["nhs_verified"]) == (1, 2)
    assert pct(f["sac_complete"]) == (1, 2)
    settings.ASSURANCE_SAC_MANDATORY_FIELDS = ["abuse_types", "location_of_risk"]
    assert pct(figures(scene, "M23")["sac_complete"]) == (2, 2)


def test_m24_counts_adults_with_two_or_more_concerns_in_twelve_months(scene: Scene) -> None:
    person = scene.world.person()
    scene.concern(person=person, at="2025-09-01 10:00")
    scene.concern(person=person, at="2026-05-01 10:00")
    other = scene.world.person(given_name="Other")
    scene.concern(person=other, at="2025-05-01 10:00")  # more than 12 months before the end of June 2026
    scene.concern(person=other, at="2026-05-02 10:00")
    f = figures(scene, "M24")
    assert f["repeat_adults"].value == 1
    assert pct(f["repeat"]) == (1, 2)


def test_a_metric_whose_app_does_not_record_it_is_unavailable_with_a_reason_never_a_value(
    scene: Scene, monkeypatch: Any
) -> None:
    from django.apps import apps

    from assurance.metrics import present

    real = apps.get_model

    def without_meetings(app_label: str, *args: Any, **kwargs: Any) -> Any:
        if app_label == "meetings":
            raise LookupError(app_label)
        return real(app_label, *args, **kwargs)

    monkeypatch.setattr(apps, "get_model", without_meetings)
    result = run(get_metric("M11"), scene.ctx())
    assert not result.available and result.data is None and "meetings" in result.reason
    body = present.outcome(result, exact=False)
    assert body["available"] is False and body["figures"] == [] and body["reason"]


def test_periods_parse_quarters_years_and_ranges() -> None:
    assert parse_period("2026-Q2") == quarter(2026, 2)
    assert parse_period("2026").end == date(2026, 12, 31)
    assert parse_period(from_="2026-04-01", to="2026-04-30").label == "2026-04-01..2026-04-30"
    assert Q2.end_before - Q2.start_at == timedelta(days=91)
    import pytest

    from safeguarding.exceptions import InvalidInput

    with pytest.raises(InvalidInput):
        parse_period("2026-Q5")
    with pytest.raises(InvalidInput):
        parse_period(from_="2026-05-01", to="2026-04-01")


def test_m22_counts_every_active_member_of_the_organisation_in_the_denominator(scene: Scene) -> None:
    UserFactory(agency=scene.trust)
    assert figures(scene, "M22")["safeguarding"].denominator == 7
