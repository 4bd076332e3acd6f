from django.http import Http404
from wagtail import hooks
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.permission_policies.collections import CollectionOwnershipPermissionPolicy
from wagtail.permissions import register_permission_policy

from workspaces import access
from workspaces.blobs import serving

from .models import LibraryDocument


@hooks.register("before_serve_document", order=100)
def serve_library_document(document, request):
    """Serve a library document from the private storage once the access policy has let the
    request through (`workspaces.wagtail_hooks` runs first and answers 404 otherwise): streamed
    in chunks locally, a short-lived presigned redirect on S3, with the same headers as client
    files. Wagtail's own serving would read an S3 object whole into memory."""
    return serving.serve_blob(request, document.file, document.filename, document.content_type,
                      inline=document.content_disposition == "inline")


class LibraryPermissionPolicy(CollectionOwnershipPermissionPolicy):
    """Wagtail's collection permissions, narrowed to the documents the staff member may read
    (`access.readable_documents`): the listing, the bulk actions and the usage counts show no
    document linked only from another team's workspace, and its edit, delete and usage views
    answer 404."""

    def _narrow(self, user, queryset):
        if user.is_authenticated and not user.is_superuser:
            return access.readable_documents(user, queryset)
        return queryset

    def instances_user_has_permission_for(self, user, action):
        return self._narrow(user, super().instances_user_has_permission_for(user, action))

    def instances_user_has_any_permission_for(self, user, actions):
        return self._narrow(user, super().instances_user_has_any_permission_for(user, actions))

    def user_has_permission_for_instance(self, user, action, instance):
        if not self._narrow(user, self.model.objects.filter(pk=instance.pk)).exists():
            raise Http404
        return super().user_has_permission_for_instance(user, action, instance)


# For the exact class, which wins over wagtail.documents' own registration whichever runs last.
register_permission_policy(LibraryDocument, LibraryPermissionPolicy(
    LibraryDocument, auth_model="wagtaildocs.Document", owner_field_name="uploaded_by_user"),
    exact_class=True)


class LibraryAdminAPIViewSet(DocumentsAdminAPIViewSet):
    """The admin API's document listing and detail (used by the rich-text editor), limited to
    the documents the staff member may read."""

    def get_queryset(self):
        return access.readable_documents(self.request.user, super().get_queryset())


@hooks.register("construct_admin_api", order=100)
def narrow_admin_document_api(router):
    router.register_endpoint("documents", LibraryAdminAPIViewSet)
