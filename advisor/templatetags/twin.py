from django import template
from django.utils.html import conditional_escape, format_html_join
from django.utils.safestring import mark_safe

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


@register.filter
def reply_text(text):
    """Show a twin's reply as its composer wrote it: paragraphs, and each run of
    ``- `` lines as a list (a meeting-prep brief, a listing of holdings)."""
    blocks: list[str] = []
    items: list[str] = []

    def close_list():
        if items:
            rows = format_html_join("", "<li>{}</li>", ((item,) for item in items))
            blocks.append(f'<ul class="reply-list">{rows}</ul>')
            items.clear()

    for line in (text or "").splitlines():
        if line.startswith("- "):
            items.append(line[2:])
            continue
        close_list()
        if line.strip():
            blocks.append(f"<p>{conditional_escape(line)}</p>")
    close_list()
    return mark_safe("".join(blocks))
