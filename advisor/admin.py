"""Django admin for firms, users, clients and analysts, scoped to the staff's firm.

Every staff user, superusers included, sees only their own firm: tenancy is
absolute, and a platform operator works through the database, not this admin.
"""

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from rest_framework.authtoken.models import TokenProxy

from memory.admin import CONFIRM_TEMPLATE, ReasonForm
from memory.errors import MemoryEngineError

from .models import AnalystProfile, Client, Firm, Team, User
from .services import client_erase


class FirmScopedAdmin(admin.ModelAdmin):
    """Limit lists, lookups and choices to the signed-in staff user's firm."""

    firm_path = "firm"

    def _firm_officer(self, request) -> bool:
        # Compliance and firm administrators read their firm's records by role.
        return request.user.is_staff and request.user.role in {
            User.Role.COMPLIANCE,
            User.Role.ADMIN,
        }

    def has_module_permission(self, request):
        return self._firm_officer(request) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return self._firm_officer(request) or super().has_view_permission(request, obj)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .filter(**{self.firm_path: request.user.firm_id})
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        model = db_field.related_model
        if model is Firm:
            kwargs["queryset"] = Firm.objects.filter(pk=request.user.firm_id)
        elif model in {User, Team, Client}:
            kwargs["queryset"] = model._default_manager.filter(
                firm_id=request.user.firm_id
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Firm)
class FirmAdmin(FirmScopedAdmin):
    firm_path = "pk"
    list_display = ["name", "slug", "share_clients_within_team"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Team)
class TeamAdmin(FirmScopedAdmin):
    list_display = ["name", "firm"]


@admin.register(User)
class UserAdmin(FirmScopedAdmin, BaseUserAdmin):
    list_display = [
        "username",
        "get_full_name",
        "role",
        "team",
        "is_staff",
        "is_active",
    ]
    list_filter = ["role", "is_staff", "is_active"]
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Firm", {"fields": ["firm", "role", "team"]}),
    )
    add_fieldsets = BaseUserAdmin.add_fieldsets + (
        ("Firm", {"fields": ["firm", "role", "team"]}),
    )


@admin.register(Client)
class ClientAdmin(FirmScopedAdmin):
    list_display = ["name", "advisor", "external_id", "risk_tolerance", "kyc_status"]
    list_filter = ["risk_tolerance", "kyc_status"]
    search_fields = ["name", "external_id", "email"]
    readonly_fields = ["subject", "created_at", "updated_at"]
    exclude = ["firm"]

    actions = ["erase_clients"]

    def has_add_permission(self, request):
        # A client needs a memory subject, created by the client service.
        return False

    def has_erase_permission(self, request):
        return request.user.role == User.Role.COMPLIANCE

    @admin.action(
        description="Erase the selected clients (right to be forgotten)",
        permissions=["erase"],
    )
    def erase_clients(self, request, queryset):
        form = ReasonForm(request.POST if "confirm" in request.POST else None)
        if form.is_bound and form.is_valid():
            for client in queryset:
                try:
                    client_erase(
                        client=client,
                        requested_by=request.user,
                        reason=form.cleaned_data["reason"],
                    )
                except MemoryEngineError as error:
                    self.message_user(
                        request, f"{client}: {error.message}", messages.ERROR
                    )
                else:
                    self.message_user(request, f"Erased {client}.", messages.SUCCESS)
            return None
        return TemplateResponse(
            request,
            CONFIRM_TEMPLATE,
            {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": "Erase clients",
                "intro": "This removes these clients' names and contact details and "
                "the content of every memory, message and ledger event about them, "
                "for good. The ledger keeps its digests and records who erased "
                "what, and why. Clients on legal hold are refused.",
                "form": form,
                "submit_label": "Erase for good",
                "items": list(queryset),
                "action": "erase_clients",
                "selected": [c.pk for c in queryset],
                "cancel_url": reverse("admin:advisor_client_changelist"),
            },
        )


@admin.register(AnalystProfile)
class AnalystProfileAdmin(FirmScopedAdmin):
    firm_path = "user__firm"
    list_display = ["user", "coverage_symbols"]
    readonly_fields = ["user", "subject"]

    def has_add_permission(self, request):
        return False


# --- Third-party admins: nothing global, nothing secret (issue #13) -------------
# Groups are not per firm (roles live on the user), so the admin lists none: a
# firm's staff would otherwise see, and change, every firm's groups.
if admin.site.is_registered(Group):
    admin.site.unregister(Group)

# DRF's own token admin lists every firm's tokens with their keys. Tokens are
# listed here by owner, scoped to the firm, and never with their secret.
if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)


@admin.register(TokenProxy)
class TokenAdmin(FirmScopedAdmin):
    """A token's key is its primary key and its ``str``: the list shows owners and
    dates, links to no page of the token, and no action checkbox carries a key.
    Rotate a token with ``manage.py issue_api_token USERNAME --rotate``."""

    firm_path = "user__firm"
    actions = None
    list_display_links = None
    list_display = ["user", "user_role", "created"]
    list_select_related = ["user"]
    fields = ["user", "created"]
    readonly_fields = ["user", "created"]
    search_fields = ["user__username"]

    @admin.display(description="role", ordering="user__role")
    def user_role(self, token):
        return token.user.get_role_display()

    def get_object(self, request, object_id, from_field=None):
        # By owner, as DRF's admin does: a URL never carries a key.
        try:
            return self.get_queryset(request).get(user_id=int(object_id))
        except (ValueError, TokenProxy.DoesNotExist):
            return None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        raise PermissionDenied("A token has no page: its name is its secret.")

    def has_delete_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        # Tokens are issued with `manage.py issue_api_token`, which shows the key once.
        return False

    def has_change_permission(self, request, obj=None):
        return False
