"""Counts the home panels of the exchange show."""

from django import template

from pcms.exchange.inbox import inbox
from pcms.exchange.models import active_alerts
from pcms.exchange.visibility import may_exchange, visible_alerts

register = template.Library()


@register.simple_tag
def inbox_counts(user) -> dict[str, int]:
    return inbox(user).counts if may_exchange(user) else {}


@register.simple_tag
def active_alert_count(user) -> int:
    return visible_alerts(user).filter(active_alerts()).count()
