"""Factories build data through the real services, so tests see what production writes.

Defaults are least privilege: a user gets only the practitioner role in a fresh agency unless a test asks for more.
"""

from __future__ import annotations

from typing import Any

import factory
from faker import Faker

from safeguarding.accounts.models import User
from safeguarding.accounts.services import totp_device_with_key
from safeguarding.organisations import services as org
from safeguarding.organisations.models import Agency, AgencyType, Area, Team
from safeguarding.roles import Role

fake = Faker("en_GB")
TEST_PASSWORD = "correct-horse-battery-staple-42"
TEST_TOTP_KEY = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    name = factory.Sequence(lambda n: f"Agency {n}")
    agency_type = AgencyType.NHS_MENTAL_HEALTH_TRUST

    @classmethod
    def _create(cls, model_class: type[Agency], *args: Any, **kwargs: Any) -> Agency:
        commissions = kwargs.pop("commissions", None)
        agency = org.agency_create(**kwargs)
        if commissions:
            agency.commissions.set(commissions)
        return agency


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    name = factory.Sequence(lambda n: f"Area {n}")

    @classmethod
    def _create(cls, model_class: type[Area], *args: Any, **kwargs: Any) -> Area:
        return org.area_create(**kwargs)


class TeamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Team

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"Team {n}")


class UserFactory(factory.django.DjangoModelFactory):
    """A user in an agency with roles (default: practitioner) and a confirmed authenticator."""

    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    full_name = factory.LazyFunction(lambda: fake.name())
    agency = factory.SubFactory(AgencyFactory)
    roles: Any = (Role.PRACTITIONER,)
    password = TEST_PASSWORD

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        with_device = kwargs.pop("with_device", True)
        user = org.user_create(**kwargs)
        if with_device:
            totp_device_with_key(user=user, base32_key=TEST_TOTP_KEY)
        return user


# --- the test app (tests/testapp): a stand-in domain record and its tracked action kind ----------------------------


class WidgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "testapp.Widget"

    agency = factory.SubFactory(AgencyFactory)
    name = factory.Sequence(lambda n: f"W{n:04d}")


class WidgetActionFactory(factory.django.DjangoModelFactory):
    """An open action on a widget, created with the platform's validated common fields."""

    class Meta:
        model = "testapp.WidgetAction"

    widget = factory.SubFactory(WidgetFactory)
    description = "Check the widget's safety plan"
    due_date = None
    owner_person = None

    @classmethod
    def _create(cls, model_class: Any, *args: Any, **kwargs: Any) -> Any:
        from safeguarding.actions.services import action_create_kwargs

        widget = kwargs.pop("widget")
        owner_agency = kwargs.pop("owner_agency", None) or widget.agency
        created_by = kwargs.pop("created_by", None) or kwargs.get("owner_person")
        common = action_create_kwargs(
            owner_agency=owner_agency,
            owner_person=kwargs.pop("owner_person"),
            description=kwargs.pop("description"),
            due_date=kwargs.pop("due_date"),
            created_by=created_by,
        )
        return model_class._default_manager.create(widget=widget, **common, **kwargs)
