"""Staff outside a workspace's team get 404 on every admin view of its page tree.

Wagtail's own page views answer a staff member without permission with a redirect, and a
few of them (the move confirmation, bulk actions, the chooser's "chosen" answer) show the
page's title first. This middleware looks at the page ids an admin URL names, in its path or
in its `id` parameters, before the view runs: one inside a workspace the staff member does
not serve (`access.page_hidden_from_staff`) is a 404, whatever the view.
"""

from django.http import Http404

from . import access

PAGE_KWARGS = ("page_id", "parent_page_id", "page_to_move_id", "destination_id", "page_pk")
# Views whose `pk` kwarg or `id` query parameters are page ids.
PAGE_PK_VIEWS = ("wagtailadmin_pages:revisions_compare", "wagtailadmin_api:pages:detail",
                 "wagtailadmin_api:pages:action")
PAGE_ID_PARAM_VIEWS = ("wagtailadmin_choose_page_chosen_multiple", "wagtailadmin_api:pages:find")
# Firm-wide reports that name pages of every workspace (the page-types report shows each
# type's last edited page): firm admins only.
FIRM_ADMIN_VIEWS = ("wagtailadmin_reports:page_types_usage",
                    "wagtailadmin_reports:page_types_usage_results")


class AdminPageGuard:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = getattr(request, "user", None)
        match = request.resolver_match
        if (match is None or not user or not user.is_authenticated or user.is_superuser
                or not request.path.startswith("/admin/")):
            return None
        ids = [view_kwargs[key] for key in PAGE_KWARGS if key in view_kwargs]
        name = match.view_name
        if name in FIRM_ADMIN_VIEWS:
            raise Http404
        if name in PAGE_PK_VIEWS and "pk" in view_kwargs:
            ids.append(view_kwargs["pk"])
        bulk_pages = name == "wagtail_bulk_action" and view_kwargs.get("model_name") == "page"
        if name in PAGE_ID_PARAM_VIEWS or bulk_pages:
            ids += request.GET.getlist("id")
        for page_id in ids:
            if str(page_id).isdigit() and access.page_hidden_from_staff(user, int(page_id)):
                raise Http404
        return None
