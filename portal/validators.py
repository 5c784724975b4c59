import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum.fr import siret


def validate_siret(value):
    """Reject a SIRET whose length, digits or Luhn checksum are wrong."""
    compact = siret.compact(value or "")
    if not compact.isdigit() or len(compact) != 14:
        raise ValidationError(_("A SIRET number has 14 digits."), code="siret_length")
    if not siret.is_valid(compact):
        raise ValidationError(
            _("This SIRET number is not valid: check the digits (its checksum does not match)."), code="siret_checksum"
        )


def normalize_french_phone(value):
    """Return the phone number in international format, or raise ValidationError."""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(_("Enter a phone number such as 06 12 34 56 78."), code="phone_invalid") from error
    if not phonenumbers.is_valid_number(number):
        raise ValidationError(_("Enter a phone number such as 06 12 34 56 78."), code="phone_invalid")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate_french_phone(value):
    if value:
        normalize_french_phone(value)
