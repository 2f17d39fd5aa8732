"""Events of the federation, sent after the receiving transaction commits."""

from django.dispatch import Signal

# sender=the model, record_id=..., op="create"|"update"|"retract", origin=platform code:
# a change from another node was applied here (for indexes such as matching).
received = Signal()
