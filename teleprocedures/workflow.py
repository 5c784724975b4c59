"""The dossier's state machine, declared once: transition name -> (states it may start from, state it leads to)."""

from django.utils.translation import gettext_lazy as _

from teleprocedures.enums import DossierState as S


OPEN_STATES = (S.SUBMITTED, S.IN_REVIEW, S.AWAITING_INFO)
DECIDED_STATES = (S.ACCEPTED, S.REJECTED, S.CLOSED)

TRANSITIONS = {
    "submit": ((S.DRAFT,), S.SUBMITTED),
    "start_review": ((S.SUBMITTED,), S.IN_REVIEW),
    "request_info": ((S.SUBMITTED, S.IN_REVIEW), S.AWAITING_INFO),
    "provide_info": ((S.AWAITING_INFO,), S.SUBMITTED),
    "accept": ((S.SUBMITTED, S.IN_REVIEW), S.ACCEPTED),
    "reject": ((S.SUBMITTED, S.IN_REVIEW), S.REJECTED),
    "close": (OPEN_STATES, S.CLOSED),
    "withdraw": (OPEN_STATES, S.WITHDRAWN),
}
DECISION_TRANSITIONS = {"accept": S.ACCEPTED, "reject": S.REJECTED, "close": S.CLOSED}


class TransitionNotAllowed(Exception):
    """The dossier is not in a state from which this transition may start."""

    def __init__(self, dossier, transition):
        self.dossier = dossier
        self.transition = transition
        super().__init__(
            _("This action is not possible: the dossier is now “%(state)s”.") % {"state": dossier.get_state_display()}
        )


def target_state(dossier, transition):
    """Return the state the transition leads to, or raise TransitionNotAllowed."""
    sources, target = TRANSITIONS[transition]
    if dossier.state not in sources:
        raise TransitionNotAllowed(dossier, transition)
    return target


def allowed_transitions(state):
    return [name for name, (sources, _target) in TRANSITIONS.items() if state in sources]
