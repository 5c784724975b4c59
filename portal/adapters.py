import logging

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.models import EmailAddress
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _

from portal.franceconnect import services as franceconnect
from portal.models import Membership
from portal.notifications import queue_message


logger = logging.getLogger(__name__)


class PlatformAccountAdapter(DefaultAccountAdapter):
    """Route allauth's emails through the outbox and send agents to their space after login."""

    def send_mail(self, template_prefix, email, context):
        message = self.render_mail(template_prefix, email, context)
        html = next(
            (content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"), ""
        )
        user = context.get("user")
        queue_message(
            channel="email",
            recipient=email,
            template=template_prefix,
            subject=message.subject,
            body_text=message.body,
            body_html=html,
            user=user if getattr(user, "pk", None) else None,
            language=translation.get_language() or settings.LANGUAGE_CODE,
        )

    def get_login_redirect_url(self, request):
        if Membership.objects.filter(user=request.user).exists():
            return reverse("portal:agent_home")
        return reverse("portal:my_space")

    def format_email_subject(self, subject):
        return f"[{settings.PLATFORM['short_name']}] {subject}"

    def get_logout_redirect_url(self, request):
        return franceconnect.logout_url(request) or super().get_logout_redirect_url(request)

    def logout(self, request):
        super().logout(request)
        franceconnect.remember_logout_state(request)


class PlatformSocialAccountAdapter(DefaultSocialAccountAdapter):
    """FranceConnect is for the public: it joins only a verified account, never an agent's (agents use their password
    and second factor)."""

    def generate_state_param(self, state):
        return get_random_string(franceconnect.RANDOM_LENGTH)

    def can_authenticate_by_email(self, login, email):
        return EmailAddress.objects.filter(
            email__iexact=email, verified=True
        ).exists() and super().can_authenticate_by_email(login, email)

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        logger.warning("Sign-in through %s refused: %s (%s)", provider.id, error, exception)

    def pre_social_login(self, request, sociallogin):
        for user in (sociallogin.user, request.user):
            if getattr(user, "pk", None) and Membership.objects.filter(user=user).exists():
                messages.error(
                    request, _("Agents sign in with their password and second factor, not with FranceConnect.")
                )
                raise ImmediateHttpResponse(redirect("account_login"))
