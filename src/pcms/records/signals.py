"""Events other capabilities react to (matching, exchange, federation), sent after commit."""

from django.dispatch import Signal

# sender=Report, report=..., actor=...: a report and its entities were validated (or re-validated).
report_validated = Signal()
# sender=Report or Entity, instance=..., actor=...: a record's content or handling changed.
record_changed = Signal()
# sender=Report, report=..., actor=...: sent inside the validation's transaction, so that what is
# derived from it (review dates) is stored with it or not at all.
report_validating = Signal()
