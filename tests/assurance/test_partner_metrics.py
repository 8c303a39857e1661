"""Metrics from the referrals, meetings and reviews apps on crafted rows (reached through ``django.apps``)."""

from __future__ import annotations

from datetime import date
from itertools import count as counter
from typing import Any

from django.apps import apps
from django.contrib.contenttypes.models import ContentType

from assurance.metrics.registry import Figure, get_metric, run
from escalation.models import Deadline
from tests.assurance.conftest import Scene, uk

_n = counter(1)


def figures(scene: Scene, code: str) -> dict[str, Figure]:
    result = run(get_metric(code), scene.ctx())
    assert result.data is not None, result.reason
    return {f.key: f for f in result.data.figures}


def pct(f: Figure) -> tuple[int | None, int | None]:
    return f.numerator, f.denominator


def meeting(scene: Scene, kind: str, at: str = "2026-05-12 10:00", status: str = "held") -> Any:
    model = apps.get_model("meetings", "Meeting")
    return model.objects.create(
        meeting_type=kind,
        status=status,
        title=f"{kind} {next(_n)}",
        area=scene.world.area,
        scheduled_at=uk(at),
        chair=scene.world.la_manager,
        chair_agency=scene.world.la,
        created_by=scene.world.la_manager,
    )


def invite(scene: Scene, m: Any, *, rsvp: str = "attending", present: str | None = "attended") -> None:
    apps.get_model("meetings", "Invitation").objects.create(
        meeting=m, agency=scene.trust, rsvp=rsvp, invited_by=scene.world.la_manager
    )
    if present:
        apps.get_model("meetings", "Attendance").objects.create(
            meeting=m, agency=scene.trust, status=present, recorded_by=scene.world.la_manager
        )


def contribute(scene: Scene, m: Any, at: str) -> None:
    apps.get_model("meetings", "Contribution").objects.create(
        meeting=m, agency=scene.trust, information_held="-", submitted_by=scene.world.lead, submitted_at=uk(at)
    )


def test_m11_and_m12_count_strategy_meeting_attendance_and_reports_before_the_meeting(scene: Scene) -> None:
    first = meeting(scene, "strategy_meeting")
    invite(scene, first)
    contribute(scene, first, "2026-05-11 16:00")
    second = meeting(scene, "strategy_discussion")
    invite(scene, second, present="absent")
    contribute(scene, second, "2026-05-12 11:00")  # after the meeting started
    third = meeting(scene, "strategy_meeting")
    invite(scene, third, rsvp="declined", present="deputy")
    invite(scene, meeting(scene, "strategy_meeting", status="planned"), present=None)  # not held
    invite(scene, meeting(scene, "strategy_meeting", at="2026-07-02 10:00"))  # Q3
    m11 = figures(scene, "M11")
    assert pct(m11["attended"]) == (1, 3) and pct(m11["present"]) == (2, 3)
    assert pct(figures(scene, "M12")["before"]) == (1, 3)


def test_m14_m15_and_m17_cover_marac_and_mappa_meetings(scene: Scene) -> None:
    sitting = meeting(scene, "marac", at="2026-04-14 10:00")
    invite(scene, sitting)
    invite(scene, meeting(scene, "marac", at="2026-05-12 10:00"), present="apologies")
    meeting(scene, "marac", at="2026-06-09 10:00", status="planned")  # the next sitting after May's
    assert pct(figures(scene, "M14")["attended"]) == (1, 2)
    action = apps.get_model("meetings", "MeetingAction")
    common = {"meeting": sitting, "owner_agency": scene.trust, "description": "-", "due_date": date(2026, 5, 1)}
    action.objects.create(**common, status="completed", completed_at=uk("2026-05-01 10:00"))  # before May's sitting
    action.objects.create(**common, status="completed", completed_at=uk("2026-05-20 10:00"))  # after it
    action.objects.create(**common, status="open")  # overdue
    action.objects.create(**common, status="cancelled", cancelled_reason="x")
    m15 = figures(scene, "M15")
    assert pct(m15["completed"]) == (1, 3) and m15["overdue"].value == 1
    invite(scene, meeting(scene, "mappa_l2"))
    invite(scene, meeting(scene, "mappa_l3"), present="absent")
    assert pct(figures(scene, "M17")["attended"]) == (1, 2)


def test_m13_counts_marac_referrals_by_criterion_and_repeats(scene: Scene) -> None:
    referral = apps.get_model("referrals", "Referral")

    def make(*, criteria: list[str], repeat: bool = False, sent: str = "2026-05-05 10:00", kind: str = "marac") -> None:
        referral.objects.create(
            reference=f"RF-T-{next(_n)}",
            kind=kind,
            state="referred",
            case=scene.concern(),
            area=scene.world.area,
            sender_agency=scene.trust,
            sender_user=scene.world.practitioner,
            recipient_agency=scene.world.la,
            reason="-",
            sent_at=uk(sent),
            criteria=criteria,
            is_repeat=repeat,
        )

    make(criteria=["visible_high_risk"])
    make(criteria=["professional_judgement"], repeat=True)
    make(criteria=["visible_high_risk", "repeat"], repeat=True)
    make(criteria=["visible_high_risk"], sent="2026-08-01 10:00")  # Q3
    make(criteria=[], kind="service")
    m13 = figures(scene, "M13")
    assert m13["referrals"].value == 3
    assert pct(m13["visible_high_risk"]) == (2, 3) and pct(m13["professional_judgement"]) == (1, 3)
    assert pct(m13["repeat"]) == (2, 3)


def test_m19_and_m20_count_sar_referrals_decisions_and_action_completion(scene: Scene) -> None:
    review_model = apps.get_model("reviews", "Review")

    def review(**fields: Any) -> Any:
        data = {
            "reference": f"SAR-T-{next(_n)}",
            "area": scene.world.area,
            "business_unit": scene.world.la,
            "referrer": scene.world.lead,
            "referrer_agency": scene.trust,
            "referred_at": uk("2026-04-20 10:00"),
            "adult_name": "Not used",
            "basis": "discretionary",
        }
        data.update(fields)
        return review_model.objects.create(**data)

    on_time = review(basis="mandatory_condition1_died", decision="commissioned", decision_at=uk("2026-05-01 10:00"))
    late = review(decision="declined", decision_at=uk("2026-06-20 10:00"))
    review(referred_at=uk("2026-01-05 10:00"))  # referred in Q1
    ct = ContentType.objects.get_for_model(review_model)
    for r, met in ((on_time, "2026-05-01 10:00"), (late, "2026-06-20 10:00")):
        Deadline.objects.create(
            kind="sar_decision",
            subject_type=ct,
            subject_id=str(r.pk),
            nation="england-and-wales",
            basis="working_days",
            started_at=uk("2026-04-20 10:00"),
            due_at=uk("2026-05-05 23:59"),
            original_due_at=uk("2026-05-05 23:59"),
            status="met",
            met_at=uk(met),
        )
    m19 = figures(scene, "M19")
    assert m19["referrals"].value == 2 and m19["mandatory"].value == 1 and m19["discretionary"].value == 1
    assert pct(m19["decided_in_time"]) == (1, 2) and pct(m19["commissioned"]) == (1, 2)

    recommendation = apps.get_model("reviews", "Recommendation").objects.create(
        review=on_time, number=1, text="-", created_by=scene.world.lead
    )
    action = apps.get_model("reviews", "ReviewAction")
    common = {
        "recommendation": recommendation,
        "owner_agency": scene.trust,
        "description": "-",
        "created_at": uk("2026-05-02 10:00"),
        "last_update_at": uk("2026-06-25 10:00"),
    }
    action.objects.create(**common, status="verified", due_date=date(2026, 6, 1), evidence_notes="Audit done")
    action.objects.create(**common, status="completed", due_date=date(2026, 6, 1))
    action.objects.create(**common, status="open", due_date=date(2026, 6, 1))  # red on 30 June
    action.objects.create(**common, status="open", due_date=date(2026, 12, 1))  # green
    action.objects.create(**common, status="cancelled", cancelled_reason="x")
    m20 = figures(scene, "M20")
    assert pct(m20["green_or_blue"]) == (3, 4) and m20["red"].value == 1
    assert pct(m20["evidence"]) == (1, 2)
