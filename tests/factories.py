import factory
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.utils import encrypt

from portal.enums import OrganisationKind, Role, ServiceKind, SiteKind
from portal.models import Commune, Intercommunality, Membership, Organisation, Service, Site, User


PASSWORD = "correct-horse-battery-staple"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganisationKind.COMPANY
    siret = "73282932000074"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    class Params:
        professional = factory.Trait(organisation=factory.SubFactory(OrganisationFactory))

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)
        if create:
            self.save()


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"service-{n}")
    name = factory.Sequence(lambda n: f"Service {n}")
    kind = ServiceKind.OTHER


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    name = factory.Sequence(lambda n: f"CDAS {n}")
    kind = SiteKind.CDAS
    address = "1 rue de la Mairie"
    postal_code = "35000"
    city = "Rennes"


class IntercommunalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Intercommunality
        django_get_or_create = ["siren"]

    siren = "243500139"
    name = "Rennes Métropole"
    kind = "METRO"


class CommuneFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Commune
        django_get_or_create = ["insee_code"]

    insee_code = factory.Sequence(lambda n: f"35{n:03d}")
    name = factory.Sequence(lambda n: f"Commune {n}")
    intercommunality = factory.SubFactory(IntercommunalityFactory)


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    service = factory.SubFactory(ServiceFactory)
    site = None
    role = Role.INSTRUCTOR


def agent(*, role=Role.INSTRUCTOR, service=None, site=None, mfa=True, **user_fields):
    """Create an agent with one membership and, unless told otherwise, an enrolled TOTP authenticator."""
    user = UserFactory(**user_fields)
    Membership.objects.create(
        user=user, role=role, service=service if service or site else ServiceFactory(), site=site
    )
    if mfa:
        Authenticator.objects.create(user=user, type=Authenticator.Type.TOTP, data={"secret": encrypt(TOTP_SECRET)})
    return user


def totp_code(secret=TOTP_SECRET):
    """Return the code an authenticator app would show now."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // app_settings.TOTP_PERIOD))
