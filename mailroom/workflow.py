"""The mail item's state machine, declared once: transition name -> (states it may start from, state it leads to)."""

from django.utils.translation import gettext_lazy as _

from mailroom.enums import MailStatus as S


OPEN_STATUSES = (S.REGISTERED, S.ROUTED, S.IN_PROGRESS, S.WAITING)
DONE_STATUSES = (S.ANSWERED, S.CLOSED, S.REJECTED, S.FORWARDED)

TRANSITIONS = {
    "route": ((S.REGISTERED, S.ROUTED, S.IN_PROGRESS), S.ROUTED),
    "start": ((S.REGISTERED, S.ROUTED), S.IN_PROGRESS),
    "wait": ((S.ROUTED, S.IN_PROGRESS), S.WAITING),
    "resume": ((S.WAITING,), S.IN_PROGRESS),
    "answer": ((S.REGISTERED, S.ROUTED, S.IN_PROGRESS, S.WAITING), S.ANSWERED),
    "close": ((*OPEN_STATUSES, S.ANSWERED), S.CLOSED),
    "reject": (OPEN_STATUSES, S.REJECTED),
    "forward_out": (OPEN_STATUSES, S.FORWARDED),
}


class TransitionNotAllowed(Exception):
    def __init__(self, item, transition):
        self.item = item
        self.transition = transition
        super().__init__(
            _("This action is not possible: the mail is now “%(status)s”.") % {"status": item.get_status_display()}
        )


def target_status(item, transition):
    sources, target = TRANSITIONS[transition]
    if item.status not in sources:
        raise TransitionNotAllowed(item, transition)
    return target


def allowed_transitions(status):
    return [name for name, (sources, _target) in TRANSITIONS.items() if status in sources]
