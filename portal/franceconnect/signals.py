from allauth.account.signals import user_logged_in
from allauth.socialaccount.signals import social_account_added
from django.dispatch import receiver

from portal.franceconnect import services


def _from_franceconnect(sociallogin):
    return sociallogin is not None and sociallogin.account.provider == services.PROVIDER_ID


@receiver(user_logged_in)
def signed_in_through_franceconnect(sender, request, user, sociallogin=None, **kwargs):
    if _from_franceconnect(sociallogin):
        services.certify_identity(user=user, claims=sociallogin.account.extra_data.get("userinfo") or {})
        request.session[services.ID_TOKEN_SESSION_KEY] = sociallogin.state.get("id_token", "")


@receiver(social_account_added)
def franceconnect_connected(sender, request, sociallogin, **kwargs):
    if _from_franceconnect(sociallogin):
        services.certify_identity(user=sociallogin.user, claims=sociallogin.account.extra_data.get("userinfo") or {})
