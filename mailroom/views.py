"""Public contact form and a citizen's mail in Mon espace (the agents' views are in agent_views)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from mailroom import services
from mailroom.enums import Channel
from mailroom.forms import WriteForm
from mailroom.models import MailAttachment
from portal.files import serve_stored_file
from portal.sitemap import site_map_page


@site_map_page(gettext_lazy("Write to the Département"), section="services", order=4)
def write(request):
    user = request.user if request.user.is_authenticated else None
    initial = {"first_name": user.first_name, "last_name": user.last_name, "email": user.email,
               "phone": user.phone} if user else {}  # fmt: skip
    form = WriteForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        contact = services.find_or_create_contact(data)
        if user and contact.user_id is None and contact.email.lower() == user.email.lower():
            contact.user = user
            contact.save(update_fields=["user"])
        item = services.register(
            contact=contact, subject=data["subject"], body=data["body"], channel=Channel.WEB,
            category=data["category"], attachments=[data["attachment"]] if data["attachment"] else [],
            request=request,
        )  # fmt: skip
        messages.success(request, _("Your message is registered under number %(number)s. We have sent you a "
                                    "receipt by email.") % {"number": item.number})  # fmt: skip
        return redirect("mailroom:my_mail" if user else "mailroom:write")
    return render(request, "mailroom/write.html", {"form": form})


@site_map_page(gettext_lazy("My mail"), section="account", order=11)
@login_required
def my_mail(request):
    items = (
        services.items_of_citizen(request.user)
        .select_related("service", "in_reply_to")
        .prefetch_related("attachments")
    )
    return render(request, "mailroom/my_mail.html", {"items": items})


@login_required
def my_attachment(request, pk, attachment_pk):
    """A citizen downloads a reply letter, or a file they sent, of their own mail only."""
    items = services.items_of_citizen(request.user)
    stored = get_object_or_404(MailAttachment, pk=attachment_pk, item__in=items, item=pk)
    return serve_stored_file(request, stored, action="mail.file_access", obj=stored.item)
