"""Writes for people: create, update, merge duplicates (and undo a merge)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from cases import nhs
from cases.codes import IdentifierSystem, NhsNumberStatus
from cases.models import Person, PersonMerge
from cases.selectors import normalise_name, person_list_for_user
from cases.services.common import acting_agency, optimistic_update
from safeguarding.accounts.models import User
from safeguarding.exceptions import ActionForbidden, InvalidInput
from safeguarding.roles import LEAD_ROLES

PERSON_FIELDS = (
    "given_name",
    "family_name",
    "aliases",
    "date_of_birth",
    "identifier_system",
    "nhs_number",
    "nhs_number_status",
    "address",
    "postcode",
    "gender",
    "ethnicity",
    "primary_support_reason",
    "autism_or_learning_disability",
    "asperger_or_high_functioning_autism",
    "communication_needs",
)


def _search_text(given: str, family: str, aliases: list[str]) -> str:
    names = [normalise_name(given, family), *(normalise_name(a, "") for a in aliases)]
    return " | ".join(n for n in names if n)


def clean_person_fields(data: dict[str, Any]) -> dict[str, Any]:
    """Validate person fields (NHS number per domain §8, names, date of birth) and return cleaned values."""
    errors: dict[str, list[str]] = {}
    cleaned = {k: v for k, v in data.items() if k in PERSON_FIELDS}
    for name in ("given_name", "family_name"):
        if name in cleaned:
            cleaned[name] = (cleaned[name] or "").strip()
            if not cleaned[name]:
                errors[name] = ["Enter the " + ("first name" if name == "given_name" else "last name")]
    if cleaned.get("nhs_number"):
        system = cleaned.get("identifier_system") or IdentifierSystem.NHS_NUMBER
        try:
            if system == IdentifierSystem.NHS_NUMBER:
                cleaned["nhs_number"] = nhs.validate(cleaned["nhs_number"])
            else:
                cleaned["nhs_number"] = nhs.normalise(cleaned["nhs_number"])
        except nhs.InvalidNhsNumber as exc:
            errors["nhs_number"] = [str(exc)]
        cleaned.setdefault("nhs_number_status", NhsNumberStatus.NOT_TRACED)
    elif "nhs_number" in cleaned:
        cleaned["nhs_number"] = ""
    dob = cleaned.get("date_of_birth")
    if isinstance(dob, date) and dob > timezone.localdate():
        errors["date_of_birth"] = ["Date of birth must be in the past"]
    if "aliases" in cleaned:
        cleaned["aliases"] = [a.strip() for a in cleaned["aliases"] or [] if a and a.strip()]
    if errors:
        raise InvalidInput(errors=errors)
    return cleaned


def person_create(*, by: User, **data: Any) -> Person:
    cleaned = clean_person_fields(data)
    for required in ("given_name", "family_name"):
        if not cleaned.get(required):
            raise InvalidInput.field(
                required, "Enter the " + ("first name" if required == "given_name" else "last name")
            )
    person = Person(**cleaned, created_by_agency=acting_agency(by))
    person.normalised_name = normalise_name(person.given_name, person.family_name)
    person.search_text = _search_text(person.given_name, person.family_name, person.aliases)
    person.save()
    return person


@transaction.atomic
def person_update(*, person: Person, by: User, expected_version: int | None = None, **data: Any) -> Person:
    cleaned = clean_person_fields(data)
    merged = {**{f: getattr(person, f) for f in PERSON_FIELDS}, **cleaned}
    cleaned["normalised_name"] = normalise_name(merged["given_name"], merged["family_name"])
    cleaned["search_text"] = _search_text(merged["given_name"], merged["family_name"], merged["aliases"])
    return optimistic_update(person, fields=cleaned, expected_version=expected_version)


def _person_references() -> list[tuple[type[models.Model], str]]:
    """Every foreign key to Person in any installed app (found by introspection, so no app is imported)."""
    refs = []
    for rel in Person._meta.related_objects:
        if rel.many_to_many or (rel.related_model is Person and rel.field.name == "merged_into"):
            continue
        model = rel.related_model
        if model._meta.app_label == "cases" and model.__name__.endswith("Event"):
            continue  # change-history snapshots stay as they were
        if getattr(model._meta, "abstract", False) or model.__module__.startswith("pghistory"):
            continue
        refs.append((model, rel.field.name))
    return refs


@transaction.atomic
def person_merge(*, keep: Person, merge: Person, by: User, reason: str) -> PersonMerge:
    """Merge a duplicate into ``keep``: every reference moves over; ``merge`` is marked merged. A lead may merge two
    people they can both see. Audited (the merge record lists every moved row, so an admin can undo it)."""
    if not by.has_role(*LEAD_ROLES):
        raise ActionForbidden("Only a safeguarding lead can merge people.")
    if keep.pk == merge.pk:
        raise InvalidInput.field("merge", "Choose two different people")
    visible = person_list_for_user(user=by).filter(pk__in=[keep.pk, merge.pk]).count()
    if visible != 2:
        from django.http import Http404

        raise Http404("Not found")
    if not reason or not reason.strip():
        raise InvalidInput.field("reason", "Say why these records are the same person")
    moved: list[dict[str, Any]] = []
    for model, field in _person_references():
        ids = list(model._default_manager.filter(**{field: merge}).values_list("pk", flat=True))
        if ids:
            model._default_manager.filter(pk__in=ids).update(**{field: keep})
            moved.append({"model": model._meta.label, "field": field, "ids": [str(i) for i in ids]})
    Person.objects.filter(pk=merge.pk).update(merged_into=keep, merged_at=timezone.now())
    return PersonMerge.objects.create(kept=keep, merged=merge, merged_by=by, reason=reason.strip(), moved=moved)


@transaction.atomic
def person_merge_undo(*, record: PersonMerge, by: User) -> PersonMerge:
    """Undo a merge (superusers and agency admins, from the admin): every moved row goes back."""
    from django.apps import apps

    if not (by.is_superuser or by.has_role("agency_admin")):
        raise ActionForbidden("Only an administrator can undo a merge.")
    if record.undone_at is not None:
        raise InvalidInput.field("record", "This merge has already been undone")
    for entry in record.moved:
        model = apps.get_model(entry["model"])
        model._default_manager.filter(pk__in=entry["ids"]).update(**{entry["field"]: record.merged})
    Person.objects.filter(pk=record.merged_id).update(merged_into=None, merged_at=None)
    record.undone_at = timezone.now()
    record.undone_by = by
    record.save(update_fields=["undone_at", "undone_by"])
    return record
