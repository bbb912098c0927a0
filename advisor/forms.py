"""Forms of the web pages: they check what a person typed, never write."""

import json

from django import forms

from memory.errors import InvalidMemory

MAX_TRANSCRIPT_BYTES = 5 * 1024 * 1024


class PayloadField(forms.JSONField):
    """A memory's structured fields, edited as a JSON object."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 5}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, dict):
            return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)
        return super().prepare_value(value)

    def validate(self, value):
        super().validate(value)
        if value is not None and not isinstance(value, dict):
            raise forms.ValidationError(
                'Give an object of fields, such as {"instrument": "AAPL"}.'
            )


class MemoryEditForm(forms.Form):
    """Correct what a memory says, and its structured fields."""

    text = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), strip=True
    )
    payload = PayloadField(
        label="Structured fields (JSON)",
        required=False,
        help_text="Keep these in step with the text: they are what the twin reads.",
    )
    reason = forms.CharField(
        max_length=500, required=False, help_text="Why you corrected it (optional)."
    )


class ApproveEditForm(forms.Form):
    """Edit a proposal before approving it."""

    text = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 2}), strip=True
    )
    payload = PayloadField(label="Structured fields (JSON)", required=False)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        strip=True,
        error_messages={"required": "Say why: it is kept in the memory's history."},
    )


class TranscriptImportForm(forms.Form):
    """A transcript to import: pasted JSON or an uploaded JSON file."""

    title = forms.CharField(max_length=200, required=False)
    conversation_id = forms.CharField(
        max_length=200,
        required=False,
        label="CRM conversation id",
        help_text="Optional. Importing again with the same id adds only new turns.",
    )
    transcript = forms.CharField(
        required=False,
        label="Paste the transcript (JSON)",
        widget=forms.Textarea(attrs={"rows": 10, "spellcheck": "false"}),
        strip=False,
    )
    file = forms.FileField(
        required=False,
        label="…or upload a JSON file",
        widget=forms.ClearableFileInput(attrs={"accept": ".json,application/json"}),
    )

    def clean(self):
        cleaned = super().clean()
        pasted, upload = cleaned.get("transcript", ""), cleaned.get("file")
        if self.errors:
            return cleaned
        if upload and pasted.strip():
            raise forms.ValidationError("Paste a transcript or upload one, not both.")
        if upload:
            if upload.size > MAX_TRANSCRIPT_BYTES:
                self.add_error("file", "The file is larger than 5 MB.")
                return cleaned
            raw, where = upload.read(), "file"
            try:
                text = raw.decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("file", "The file is not UTF-8 text.")
                return cleaned
        elif pasted.strip():
            text, where = pasted, "transcript"
        else:
            self.add_error("transcript", "Paste a transcript or upload a JSON file.")
            return cleaned
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            self.add_error(
                where,
                f"This is not valid JSON: {error.msg} at line {error.lineno}, "
                f"column {error.colno}.",
            )
            return cleaned
        if isinstance(data, dict):
            cleaned["title"] = cleaned.get("title") or str(data.get("title") or "")
            cleaned["conversation_id"] = cleaned.get("conversation_id") or str(
                data.get("external_id") or data.get("conversation_id") or ""
            )
            data = data.get("turns")
        if not isinstance(data, list) or not data:
            self.add_error(
                where,
                'Give a list of turns, each {"speaker", "role", "text", '
                '"occurred_at"}, or an object with "turns".',
            )
            return cleaned
        cleaned["turns"], cleaned["source_field"] = data, where
        return cleaned


def add_engine_errors(form: forms.Form, error: InvalidMemory, *, default: str) -> None:
    """Put an engine's field errors on the form field they concern.

    ``payload.quantity`` lands on ``payload``; names the form lacks land on
    ``default`` with the engine's name in front, so nothing is lost.
    """
    for name, messages in error.fields.items():
        field = name.split(".", 1)[0].split("[", 1)[0]
        for message in messages:
            if field in form.fields and field != default:
                form.add_error(field, f"{name}: {message}" if "." in name else message)
            else:
                form.add_error(default, f"{name}: {message}")


MAX_CHAT_MESSAGE = 10_000


class ChatMessageForm(forms.Form):
    """What the advisor (or the analyst) says to the twin."""

    text = forms.CharField(
        label="Message",
        max_length=MAX_CHAT_MESSAGE,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Type a message for the twin."},
    )

    def clean_text(self):
        text = self.cleaned_data["text"]
        if "\x00" in text:
            raise forms.ValidationError("The message holds a NUL character.")
        return text


class ConversationStartForm(forms.Form):
    title = forms.CharField(
        max_length=200,
        required=False,
        help_text="Optional, such as “Before the annual review”.",
    )

    def clean_title(self):
        title = self.cleaned_data["title"]
        if "\x00" in title:
            raise forms.ValidationError("The title holds a NUL character.")
        return title
