from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from portal.models import Membership
from portal.notifications import queue_message


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
