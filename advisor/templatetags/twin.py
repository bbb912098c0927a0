from django import template

register = template.Library()


@register.filter
def percent(value, digits=1):
    """Show a fraction (0.053) as a signed percentage (+5.3%)."""
    if value in (None, ""):
        return "—"
    return f"{float(value) * 100:+.{int(digits)}f}%"


@register.filter
def money(value):
    if value in (None, ""):
        return "—"
    return f"${float(value):,.2f}"
