"""Template tags the admin screens of every tool share."""

from django import template

register = template.Library()


@register.inclusion_tag("portal_admin/_who_can_see_table.html")
def who_can_see_table(rows, layers=True):
    """The "who can see this" table: one row per contact of the workspace, whether they see
    the object, the deciding layer and (with `layers`) every layer's answer. `rows` is
    `access.who_can_see(obj)`."""
    return {"rows": rows, "layers": layers}
