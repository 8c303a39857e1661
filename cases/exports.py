"""What a redacted export of a case holds at each scope (the sharing engine renders it).

Summary scope: the summary fields the API gives a summary grantee (who the case is about, its status and risk
level). Full scope and wider add the risk picture, the plans and the chronology. Nothing else is ever exported.
"""

from __future__ import annotations

from typing import Any

from cases.models import Case


def _d(value: Any, fmt: str = "%d %b %Y") -> str:
    return value.strftime(fmt) if value else ""


def export_payload(case: Case, scope: str) -> dict[str, Any]:
    adult = case.adult
    summary = [
        ["Reference", case.reference],
        ["Status", case.get_status_display()],
        ["Owning agency", case.owning_agency.name],
        ["Area", case.area.name],
        ["Risk level", case.get_risk_level_display()],
        ["Lead practitioner", case.lead_practitioner.full_name if case.lead_practitioner else ""],
        ["Opened", _d(case.opened_at)],
        ["Closed", _d(case.closed_at)],
    ]
    person = [
        ["Name", f"{adult.given_name} {adult.family_name}"],
        ["Date of birth", _d(adult.date_of_birth)],
        ["NHS number", adult.nhs_number],
    ]
    sections: list[dict[str, Any]] = [
        {"heading": "Case summary", "fields": summary},
        {"heading": "The adult", "fields": person},
    ]
    if scope in ("full", "contribute", "owner"):
        sections.append(
            {
                "heading": "Risk",
                "fields": [
                    ["Current risks", case.current_risks],
                    ["Protective factors", case.protective_factors],
                    ["Children in the household", "Yes" if case.children_in_household else "No"],
                    ["Other adults at risk in the household", "Yes" if case.adults_at_risk_in_household else "No"],
                    ["Mental Health Act status", case.get_mha_status_display()],
                    ["Safety plan", case.safety_plan],
                ],
            }
        )
        sections.append(
            {
                "heading": "Safeguarding plans",
                "columns": ["Lead agency", "Risks addressed", "Status", "Review date"],
                "rows": [
                    [p.lead_agency.name, p.risks, p.get_status_display(), _d(p.review_date)]
                    for p in case.plans.select_related("lead_agency").order_by("created_at")
                ],
            }
        )
        sections.append(
            {
                "heading": "Chronology",
                "columns": ["Date", "Entry", "Agency"],
                "rows": [
                    [_d(e.event_date, "%d %b %Y %H:%M"), e.summary, e.author_agency.name]
                    for e in case.chronology.select_related("author_agency").order_by("event_date", "created_at")
                ],
            }
        )
    return {
        "title": f"Case {case.reference}: summary and chronology",
        "reference": case.reference,
        "sections": sections,
    }
