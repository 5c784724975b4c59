from django import template

from dashboards.indicators.tables import display
from dashboards.services import has_answered
from dashboards.survey import survey_path


register = template.Library()


register.filter("figure", display)


@register.inclusion_tag("dashboards/_survey_offer.html", takes_context=True)
def survey_offer(context, journey, obj):
    """Offer the one-question survey on the person's page, unless they already answered it for this event."""
    if obj is None or has_answered(journey, obj):
        return {"offer": False}
    from dashboards.forms import SurveyForm

    return {
        "offer": True,
        "action": survey_path(journey, obj),
        "form": SurveyForm(),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(name="survey_path")
def survey_path_tag(journey, obj):
    return survey_path(journey, obj)


@register.simple_tag(takes_context=True)
def survey_link(context, journey, obj):
    """The absolute survey link for an email."""
    return f"{context.get('base_url', '')}{survey_path(journey, obj)}"
