"""Django admin for firms, users, clients and analysts, scoped to the staff's firm.

Every staff user, superusers included, sees only their own firm: tenancy is
absolute, and a platform operator works through the database, not this admin.
"""

from axes import admin as axes_admin
from axes.models import AccessAttempt, AccessLog
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from rest_framework_api_key.admin import APIKeyModelAdmin
from rest_framework_api_key.models import APIKey

from memory.admin import CONFIRM_TEMPLATE, ReasonForm
from memory.errors import MemoryEngineError

from .models import AnalystProfile, ApiToken, Client, Firm, Team, User
from .services import client_erase
from .webhooks.models import WebhookAttempt, WebhookDelivery, WebhookSubscription


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


# --- API tokens: listed by name, owner, scope and expiry; never the secret -------

# The package's own key model is not used (ours names an owner and a scope): its
# admin would list keys of no firm to any superuser.
if admin.site.is_registered(APIKey):
    admin.site.unregister(APIKey)


@admin.register(ApiToken)
class ApiTokenAdmin(FirmScopedAdmin, APIKeyModelAdmin):
    """A firm's tokens. A new token's key is shown once, when it is issued."""

    firm_path = "user__firm"
    list_display = [
        "name",
        "prefix",
        "user",
        "scope",
        "created",
        "expiry_date",
        "_has_expired",
        "revoked",
        "last_used_at",
    ]
    list_filter = ["scope", "revoked", "created"]
    search_fields = ["name", "prefix", "user__username"]
    fields = ["name", "user", "scope", "expiry_date", "revoked"]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return ["prefix"]
        # A token's owner and scope are what it was issued with; revoking is final.
        fixed = ["prefix", "user", "scope", "last_used_at", "revoked_at"]
        return fixed + (["name", "revoked", "expiry_date"] if obj.revoked else [])

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["name", "user", "scope", "expiry_date"]
        return ["name", "prefix", "user", "scope", "expiry_date", "revoked"] + [
            "last_used_at",
            "revoked_at",
        ]

    def save_model(self, request, obj, form, change):
        if obj.user.firm_id != request.user.firm_id:
            raise PermissionDenied("A token is issued to a user of your own firm.")
        if change and obj.revoked and obj.revoked_at is None:
            obj.revoked_at = timezone.now()
        super().save_model(request, obj, form, change)

    def has_delete_permission(self, request, obj=None):
        # Revoke instead: the record of who held a token stays.
        return False


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(FirmScopedAdmin):
    list_display = [
        "url",
        "event_types",
        "is_active",
        "disabled_reason",
        "consecutive_failures",
        "created_at",
    ]
    list_filter = ["is_active"]
    readonly_fields = [
        "url",
        "event_types",
        "description",
        "is_active",
        "disabled_at",
        "disabled_reason",
        "consecutive_failures",
        "created_by",
        "created_at",
    ]
    exclude = ["secret", "events_after", "alerts_after", "imports_checked_at", "firm"]

    def has_add_permission(self, request):
        return False  # through the API, which shows the secret once

    def has_change_permission(self, request, obj=None):
        return False


class FirmLoginRecordsAdmin(FirmScopedAdmin):
    """Sign-in records (django-axes), limited to the usernames of the firm's users.

    django-axes' own admin lists every firm's attempts, so it is switched off
    (``AXES_ENABLE_ADMIN = False``); these lists read the same rows, scoped by
    username (usernames are unique across firms). Attempts for a username no
    firm has belong to no firm and are not listed here.
    """

    def get_queryset(self, request):
        usernames = User.objects.filter(firm_id=request.user.firm_id).values("username")
        return admin.ModelAdmin.get_queryset(self, request).filter(
            username__in=usernames
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


# --- Webhook deliveries: the log of what was sent where, read-only ---------------


class WebhookAttemptInline(admin.TabularInline):
    model = WebhookAttempt
    fields = [
        "attempted_at",
        "duration_ms",
        "status_code",
        "succeeded",
        "error",
        "response_excerpt",
    ]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return (
            request.user.is_staff
            and request.user.role
            in {
                User.Role.COMPLIANCE,
                User.Role.ADMIN,
            }
            or super().has_view_permission(request, obj)
        )


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(FirmScopedAdmin):
    """Each delivery to a firm's subscriptions, with its attempts: read-only."""

    firm_path = "subscription__firm"
    list_display = [
        "message_id",
        "event_type",
        "subscription",
        "status",
        "attempts",
        "last_status_code",
        "created_at",
        "delivered_at",
    ]
    list_filter = ["status", "event_type"]
    search_fields = ["message_id"]
    list_select_related = ["subscription"]
    fields = [
        "subscription",
        "message_id",
        "event_type",
        "status",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "created_at",
        "delivered_at",
        "payload",
    ]
    readonly_fields = fields
    inlines = [WebhookAttemptInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AccessAttempt)
class LoginAttemptAdmin(FirmLoginRecordsAdmin, axes_admin.AccessAttemptAdmin):
    """Failed sign-ins counting towards a lock-out; deleting one lifts it."""

    actions = []


@admin.register(AccessLog)
class LoginLogAdmin(FirmLoginRecordsAdmin, axes_admin.AccessLogAdmin):
    """Successful sign-ins and sign-outs."""

    def has_delete_permission(self, request, obj=None):
        return False
