"""The admin for curated groups and their members, and routing policies."""

from django.contrib import admin

from compare.forms import RoutingPolicyForm
from compare.models import GroupMember, PolicyProvider, RoutingPolicy, ServiceGroup


class MemberInline(admin.TabularInline):
    model = GroupMember
    extra = 0
    raw_id_fields = ["service"]
    readonly_fields = ["added_by", "added_at"]


@admin.register(ServiceGroup)
class ServiceGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "platform", "kind", "created_by", "created_at"]
    list_filter = ["platform", "kind"]
    search_fields = ["name", "note", "members__service__name"]
    readonly_fields = ["created_by", "created_at"]
    inlines = [MemberInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for member in formset.save(commit=False):
            member.added_by = member.added_by or request.user
            member.save()
        for member in formset.deleted_objects:
            member.delete()


class RankInline(admin.TabularInline):
    model = PolicyProvider
    extra = 1
    fields = ["position", "provider"]
    verbose_name = "provider, in the order to try them"
    verbose_name_plural = "providers, in the order to try them (Providers in my order only)"


@admin.register(RoutingPolicy)
class RoutingPolicyAdmin(admin.ModelAdmin):
    form = RoutingPolicyForm
    list_display = ["__str__", "strategy", "updated_by", "updated_at"]
    list_filter = ["strategy", "platform"]
    readonly_fields = ["updated_by", "updated_at"]
    inlines = [RankInline]

    def save_model(self, request, obj, form, change):
        obj.updated_by = request.user
        super().save_model(request, obj, form, change)
