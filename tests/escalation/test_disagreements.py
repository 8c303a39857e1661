from __future__ import annotations

from datetime import timedelta

import pytest
from django.http import Http404
from django.utils import timezone

from escalation.disagreements import services
from escalation.disagreements.models import Disagreement
from escalation.models import Deadline
from escalation.services import open_deadlines_for, start_clock
from safeguarding.exceptions import ActionForbidden, InvalidInput, TransitionNotAllowed
from safeguarding.notifications.models import Notification
from safeguarding.organisations import services as org
from safeguarding.organisations.models import Position
from safeguarding.roles import Role
from safeguarding.sharing import services as sharing
from tests.cases.factories import World
from tests.escalation.conftest import run_clocks
from tests.factories import AgencyFactory, UserFactory
from tests.helpers import api_client, assert_access_rows

pytestmark = pytest.mark.django_db


class Parties:
    """Trust (owner of the case) and the local authority (shares it), with managers, leads and directors."""

    def __init__(self) -> None:
        w = self.world = World()
        self.case = w.decide(w.case(), enquiry_lead_agency=w.trust)
        sharing.share_record(
            obj=self.case,
            decided_by=w.practitioner,
            recipient_agency=w.la,
            purpose="s42_enquiry",
            scope="full",
            data_items=["identity", "concern"],
            lawful_basis_art6="6_1_c_legal_obligation",
            consent_status="given",
            adult_informed=True,
            rationale="The local authority leads the enquiry and needs the record.",
        )
        self.la_manager = UserFactory(agency=w.la, roles=[Role.TEAM_MANAGER])
        self.la_worker = UserFactory(agency=w.la, line_manager=self.la_manager)
        self.trust_director = UserFactory(agency=w.trust, roles=[Role.DIRECTOR])
        self.la_director = UserFactory(agency=w.la, roles=[Role.DIRECTOR])
        self.chair = UserFactory(agency=AgencyFactory(), roles=[Role.SAB_CHAIR])
        w.practitioner.membership.line_manager = w.manager
        w.practitioner.membership.save()
        org.directory_set(area=w.area, position=Position.SAFEGUARDING_LEAD, agency=w.trust, holder=w.lead)
        org.directory_set(area=w.area, position=Position.SAFEGUARDING_LEAD, agency=w.la, holder=w.la_manager)
        org.directory_set(area=w.area, position=Position.DIRECTOR, agency=w.trust, holder=self.trust_director)
        org.directory_set(area=w.area, position=Position.DIRECTOR, agency=w.la, holder=self.la_director)
        org.directory_set(area=w.area, position=Position.SAB_CHAIR, holder=self.chair)

    def raise_one(self, **extra: object) -> Disagreement:
        data = {
            "category": "threshold_s42_criteria",
            "disputed": "The risk is higher than assessed.",
            "resolution_sought": "A strategy meeting.",
            "respondent_contact": self.la_worker,
            **extra,
        }
        return services.disagreement_raise(
            by=self.world.practitioner, subject=self.case, respondent_agency=self.world.la, **data
        )  # type: ignore[arg-type]


@pytest.fixture
def p() -> Parties:
    return Parties()


def test_raising_starts_stage_one_with_both_practitioners_and_a_clock(p: Parties) -> None:
    d = p.raise_one()
    stage = d.stages.get()
    assert (d.stage, stage.raiser_holder, stage.respondent_holder) == (1, p.world.practitioner, p.la_worker)
    deadline = open_deadlines_for(d, "disagreement_stage_1").get()
    assert deadline.policy_key == "escalation_stage_1" and stage.due_at == deadline.due_at
    assert d.case_id == p.case.pk and d.subject_label == f"Case {p.case.reference}"
    assert Notification.objects.filter(recipient=p.la_worker, kind="disagreement_stage").exists()


def test_the_respondent_must_own_or_see_the_subject_and_be_another_agency(p: Parties) -> None:
    with pytest.raises(InvalidInput) as exc:
        services.disagreement_raise(
            by=p.world.practitioner,
            subject=p.case,
            respondent_agency=p.world.police,
            category="case_management",
            disputed="x",
            resolution_sought="y",
        )
    assert "respondent_agency" in exc.value.errors
    with pytest.raises(InvalidInput):
        services.disagreement_raise(
            by=p.world.practitioner,
            subject=p.case,
            respondent_agency=p.world.trust,
            category="case_management",
            disputed="x",
            resolution_sought="y",
        )
    # The local authority (sharing the case) may raise one with the owner.
    d = services.disagreement_raise(
        by=p.la_worker,
        subject=p.case,
        respondent_agency=p.world.trust,
        category="case_management",
        disputed="x",
        resolution_sought="y",
    )
    assert d.respondent_agency == p.world.trust


def test_a_subject_the_raiser_cannot_see_answers_404(p: Parties) -> None:
    with pytest.raises(Http404):
        services.disagreement_raise(
            by=p.world.officer,
            subject=p.case,
            respondent_agency=p.world.trust,
            category="case_management",
            disputed="x",
            resolution_sought="y",
        )


def test_immediate_risk_tells_the_raisers_own_lead_at_once(p: Parties) -> None:
    p.raise_one(immediate_risk=True)
    alert = Notification.objects.get(recipient=p.world.lead, kind="disagreement_immediate_risk")
    assert alert.requires_ack


def test_each_stage_escalates_itself_at_its_deadline_up_to_stage_four(p: Parties) -> None:
    d = p.raise_one()
    now = timezone.now()
    expected = {
        2: (p.world.manager, p.la_manager),
        3: (p.world.lead, p.world.la_manager),
        4: (p.trust_director, p.la_director),
    }
    for stage in (2, 3, 4):
        due = open_deadlines_for(d, f"disagreement_stage_{stage - 1}").get().due_at
        now = max(now, due) + timedelta(minutes=1)
        run_clocks(now)
        d.refresh_from_db()
        assert d.stage == stage
        row = d.stages.get(stage=stage)
        assert (row.raiser_holder, row.respondent_holder) == expected[stage]
        previous = d.stages.get(stage=stage - 1)
        assert previous.escalated_automatically and previous.closed_at
    assert Notification.objects.filter(recipient=p.chair, kind="disagreement_stage").exists()
    assert Deadline.objects.filter(kind="disagreement_stage_1", status="cancelled").exists()


def test_a_sweep_twice_escalates_once(p: Parties) -> None:
    d = p.raise_one()
    due = open_deadlines_for(d, "disagreement_stage_1").get().due_at + timedelta(minutes=1)
    run_clocks(due)
    run_clocks(due + timedelta(seconds=30))
    d.refresh_from_db()
    assert d.stage == 2 and d.stages.count() == 2


def test_holders_resolve_with_agreement_and_lessons_and_the_clock_is_met(p: Parties) -> None:
    d = p.raise_one()
    with pytest.raises(ActionForbidden):
        services.disagreement_resolve(disagreement=d, by=p.world.officer, agreement="a", lessons_learned="b")
    with pytest.raises(InvalidInput):
        services.disagreement_resolve(disagreement=d, by=p.la_worker, agreement="", lessons_learned="")
    services.disagreement_resolve(
        disagreement=d,
        by=p.la_worker,
        agreement="A strategy meeting on Friday",
        lessons_learned="Talk before closing a concern.",
    )
    d.refresh_from_db()
    assert d.status == "resolved" and Deadline.objects.get(kind="disagreement_stage_1").status == "met"
    with pytest.raises(TransitionNotAllowed):
        services.disagreement_escalate(disagreement=d, by=p.world.lead, reason="x")


def test_escalate_now_is_open_to_either_side_when_risk_is_immediate(p: Parties) -> None:
    d = p.raise_one()
    colleague = UserFactory(agency=p.world.trust)
    with pytest.raises(ActionForbidden):
        services.disagreement_escalate(disagreement=d, by=colleague, reason="Urgent")
    urgent = p.raise_one(immediate_risk=True)
    services.disagreement_escalate(disagreement=urgent, by=colleague, reason="The adult is at risk tonight")
    urgent.refresh_from_db()
    assert urgent.stage == 2


def test_stage_holders_use_deputies_when_a_holder_is_inactive(p: Parties) -> None:
    deputy = UserFactory(agency=p.world.trust, roles=[Role.TEAM_MANAGER])
    p.world.manager.membership.deputy = deputy
    p.world.manager.membership.save()
    p.world.manager.is_active = False
    p.world.manager.save()
    d = p.raise_one()
    services.disagreement_escalate(disagreement=d, by=p.world.lead, reason="Needs managers")
    assert d.stages.get(stage=2).raiser_holder == deputy


def test_challenging_inaction_starts_at_stage_two_with_the_holder_agency(p: Parties) -> None:
    deadline = start_clock(
        subject=p.case,
        kind="action_due",
        holder_agency=p.world.la,
        holder_user=p.la_worker,
        due_at=timezone.now() - timedelta(hours=1),
    )
    run_clocks(timezone.now())
    deadline.refresh_from_db()
    deadline.reason_for_delay = "Staff shortage"
    deadline.save()
    d = services.deadline_challenge(
        deadline=deadline,
        by=p.world.practitioner,
        category="case_closure_or_inaction",
        disputed="Nothing has happened",
        resolution_sought="Action this week",
    )
    assert (d.stage, d.respondent_agency, d.source_deadline, d.source_delay_reason) == (
        2,
        p.world.la,
        deadline,
        "Staff shortage",
    )
    with pytest.raises(TransitionNotAllowed):
        services.deadline_challenge(
            deadline=deadline,
            by=p.world.practitioner,
            category="case_closure_or_inaction",
            disputed="again",
            resolution_sought="again",
        )


def test_only_overdue_deadlines_can_be_challenged(p: Parties) -> None:
    deadline = start_clock(
        subject=p.case, kind="action_due", holder_agency=p.world.la, due_at=timezone.now() + timedelta(days=3)
    )
    with pytest.raises(TransitionNotAllowed):
        services.deadline_challenge(
            deadline=deadline, by=p.world.practitioner, category="case_management", disputed="x", resolution_sought="y"
        )


def test_both_sides_see_every_stage_and_outsiders_get_404(p: Parties) -> None:
    d = p.raise_one()
    services.disagreement_note(disagreement=d, by=p.la_worker, text="We will meet on Tuesday.")
    for user in (p.world.practitioner, p.la_worker, p.la_manager):
        body = api_client(user).get(f"/api/v1/disagreements/{d.pk}/").json()
        assert body["notes"][0]["text"] == "We will meet on Tuesday." and body["stages"][0]["stage"] == 1
    with assert_access_rows(1, outcome="denied"):
        assert api_client(p.world.officer).get(f"/api/v1/disagreements/{d.pk}/").status_code == 404
    assert api_client(p.world.officer).get("/api/v1/disagreements/").json()["results"] == []
    commissioner = UserFactory(agency=p.world.la, roles=[Role.COMMISSIONER])
    assert api_client(commissioner).get(f"/api/v1/disagreements/{d.pk}/").status_code == 404


def test_the_api_raises_escalates_notes_and_resolves(p: Parties) -> None:
    client = api_client(p.world.practitioner)
    body = {
        "subject_type": "cases.case",
        "subject_id": str(p.case.pk),
        "respondent_agency_id": str(p.world.la.pk),
        "category": "information_sharing",
        "disputed": "Records were not shared.",
        "resolution_sought": "Share",
    }
    created = client.post("/api/v1/disagreements/", body, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    assert client.post(f"/api/v1/disagreements/{pk}/escalate/", {}, format="json").status_code == 400
    lead = api_client(p.world.lead)
    assert lead.post(f"/api/v1/disagreements/{pk}/escalate/", {"reason": "Stuck"}, format="json").json()["stage"] == 2
    assert (
        api_client(p.la_worker).post(f"/api/v1/disagreements/{pk}/notes/", {"text": "Noted"}, format="json").status_code
        == 201
    )
    resolved = lead.post(
        f"/api/v1/disagreements/{pk}/resolve/",
        {"agreement": "Shared today", "lessons_learned": "Share sooner"},
        format="json",
    )
    assert resolved.json()["status"] == "resolved"
    invisible = {**body, "subject_id": str(p.world.case().pk)}
    assert api_client(p.world.officer).post("/api/v1/disagreements/", invisible, format="json").status_code == 404


def test_awaiting_me_lists_the_current_stage_holders_disagreements(p: Parties) -> None:
    d = p.raise_one()
    assert next(iter(api_client(p.la_worker).get("/api/v1/disagreements/?awaiting=1").json()["results"]))["id"] == str(
        d.pk
    )
    assert api_client(p.world.lead).get("/api/v1/disagreements/?awaiting=1").json()["results"] == []
