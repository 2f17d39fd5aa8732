from django import template

from pcms.records import schema as ftm
from pcms.records.labels import schema_label as _schema_label

register = template.Library()


@register.filter
def schema_label(name: str) -> str:
    try:
        return _schema_label(ftm.get_schema(name))
    except ftm.SchemaError:
        return name
