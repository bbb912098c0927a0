"""Legal holds: placed with an approver of the same tenant, released with a reason."""

from django import forms
from django.contrib import admin, messages
from django.urls import reverse

from memory.governance.holds import legal_hold_place, legal_hold_release

from .. import selectors, tenancy
from ..errors import MemoryEngineError
from ..models import LegalHold
from .base import ComplianceAdmin, ReasonForm, may_audit, tenant_of


class LegalHoldForm(forms.ModelForm):
    class Meta:
        model = LegalHold
        fields = ["subject", "matter", "scope", "approver_user_id", "reason"]

    tenant_id: int

    def clean_approver_user_id(self):
        approver = self.cleaned_data["approver_user_id"]
        if not tenancy.user_in_tenant(approver, self.tenant_id):
            raise forms.ValidationError("No user of your firm has this id.")
        return approver


@admin.register(LegalHold)
class LegalHoldAdmin(ComplianceAdmin):
    tenant_path = "subject__tenant_id"
    list_display = [
        "matter",
        "subject",
        "placed_at",
        "placed_by_user_id",
        "approver_user_id",
        "released_at",
    ]
    list_filter = [("released_at", admin.EmptyFieldListFilter)]
    search_fields = ["matter"]
    list_select_related = ["subject"]
    form = LegalHoldForm
    readonly_fields = [
        "placed_at",
        "placed_by_user_id",
        "released_at",
        "released_by_user_id",
        "release_reason",
    ]
    actions = ["release_holds"]

    def has_add_permission(self, request):
        return may_audit(request.user)

    def has_release_permission(self, request):
        return may_audit(request.user)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        form.tenant_id = tenant_of(request)
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "subject":
            kwargs["queryset"] = selectors.subject_list_for_tenant(
                tenant_id=tenant_of(request)
            ).filter(erased_at__isnull=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):
        hold = legal_hold_place(
            subject=obj.subject,
            matter=obj.matter,
            scope=obj.scope,
            approver_user_id=obj.approver_user_id,
            reason=obj.reason,
            placed_by_user_id=request.user.pk,
        )
        obj.pk, obj.placed_at = hold.pk, hold.placed_at
        obj.placed_by_user_id = hold.placed_by_user_id

    @admin.action(description="Release the selected holds", permissions=["release"])
    def release_holds(self, request, queryset):
        form = ReasonForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            for hold in queryset:
                try:
                    legal_hold_release(
                        hold=hold,
                        released_by_user_id=request.user.pk,
                        release_reason=form.cleaned_data["reason"],
                    )
                except MemoryEngineError as error:
                    self.message_user(
                        request, f"{hold}: {error.message}", messages.ERROR
                    )
                else:
                    self.message_user(request, f"{hold}: released.", messages.SUCCESS)
            return None
        return self.confirm(
            request,
            title="Release legal holds",
            intro="Say why these holds end; they stay on record.",
            form=form,
            submit_label="Release",
            items=list(queryset),
            action="release_holds",
            selected=[h.pk for h in queryset],
            cancel_url=reverse("admin:memory_legalhold_changelist"),
        )
