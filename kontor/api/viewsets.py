"""The generic REST endpoints of every record type, generated from the module declarations.

For API clients (docs/api.md). Like the generic views of kontor/core/records/views.py, a
viewset only translates: it finds records through the permission filter, parses input with the
module's serializer and calls one action (save_record, delete_records, restore_records).

Access, the same for every endpoint: a record type the caller may not view answers 404 on all
its endpoints, as does a record that does not exist or may not be seen; a verb the caller may
not use on a type or record they can see (create, edit, delete) answers 403.
"""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from kontor.api import versions
from kontor.api.idempotency import idempotent
from kontor.api.pagination import KeysetPagination
from kontor.api.serializers import field_names, row_attributes, rows_data, serializer_for
from kontor.core import actions, permissions, registry, search
from kontor.core.edits import VersionMismatch
from kontor.core.records import tables
from kontor.core.records.filters import filterset_for

UUID_REGEX = "[0-9a-fA-F-]{36}"


class RecordViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Base of the generated viewsets; `module` is set per record type."""

    module = None
    #: PUT, PATCH and DELETE take If-Match (versions.py); the schema documents their 412
    conditional_writes = True
    lookup_value_regex = UUID_REGEX
    pagination_class = KeysetPagination
    filter_backends = [DjangoFilterBackend]

    # --- access ---------------------------------------------------------------------------

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not permissions.can(request.user, "view", self.module.model):
            raise exceptions.NotFound(_("Not found."))

    def require(self, verb: str) -> None:
        """403 unless the caller may `verb` records of this type at all."""
        if not permissions.can(self.request.user, verb, self.module.model):
            raise exceptions.PermissionDenied(
                _("You may not do this with %(what)s.") % {"what": self.module.verbose_name_plural}
            )

    def get_queryset(self, verb: str = "view"):
        model = self.module.model
        if getattr(self, "swagger_fake_view", False):
            return model.objects.none()
        return model.objects.visible_to(self.request.user, verb)

    def access(self, verb: str = "view"):
        """The record of the URL if the caller may `verb` it: 404 when it is not visible,
        403 when it is visible but the verb is not allowed on it."""
        pk = self.kwargs["pk"]
        record = self.get_queryset(verb).filter(pk=pk).first()
        if record is not None:
            return record
        if verb != "view" and self.get_queryset("view").filter(pk=pk).exists():
            raise exceptions.PermissionDenied(_("You may not do this with this record."))
        raise exceptions.NotFound(_("Not found."))

    # --- shape ----------------------------------------------------------------------------

    def get_serializer_class(self):
        return serializer_for(self.module)

    def get_serializer(self, *args, **kwargs):
        serializer = super().get_serializer(*args, **kwargs)
        chosen = self.chosen_fields()
        if chosen:
            fields = serializer.child.fields if hasattr(serializer, "child") else serializer.fields
            for name in set(fields) - chosen:
                fields.pop(name)
        return serializer

    def chosen_fields(self) -> frozenset | None:
        """?fields=id,last_name: only these in the answer (unknown names: 400)."""
        raw = self.request.query_params.get("fields", "") if self.request else ""
        if not raw or self.request.method != "GET":
            return None
        chosen = {n.strip() for n in raw.split(",") if n.strip()}
        known = set(field_names(self.get_serializer_class()))
        unknown = sorted(chosen - known)
        if unknown:
            raise exceptions.ValidationError(
                {"fields": [_("Unknown field: %(names)s.") % {"names": ", ".join(unknown)}]}
            )
        return frozenset(chosen | {"id"})

    @property
    def filterset_class(self):
        return filterset_for(self.module)

    def sort_options(self) -> dict[str, str]:
        """Orderings offered: each list column by name → what it sorts by."""
        names = dict.fromkeys((*self.module.all_columns, "date_entered", "date_modified"))
        cols = tables.columns(self.module, list(names))
        return {c.name: c.sort_key for c in cols}

    def get_sort(self) -> str:
        raw = self.request.query_params.get("ordering", "")
        if not raw:
            return self.module.default_sort
        options = self.sort_options()
        name = raw.lstrip("-")
        if name not in options:
            raise exceptions.ValidationError(
                {
                    "ordering": [
                        _("Sort by one of: %(names)s.") % {"names": ", ".join(sorted(options))}
                    ]
                }
            )
        return ("-" if raw.startswith("-") else "") + options[name]

    # --- verbs ----------------------------------------------------------------------------

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset("list")).all()
        # django-filter makes multiple-choice filters DISTINCT; every filter here is a column
        # of the record itself (no join that could repeat a row), and DISTINCT over whole rows
        # costs a sort of all matches: 139 ms instead of 1 ms for ?status=New at 1M leads.
        queryset.query.distinct = False
        queryset = search.search(queryset, request.query_params.get("q", ""))
        chosen = self.chosen_fields()
        page = self.paginate_queryset(self.as_rows(queryset, chosen))
        return self.get_paginated_response(rows_data(self.get_serializer_class(), page, chosen))

    def as_rows(self, queryset, chosen=None):
        """Only the columns the answer shows, as named tuples: building fifty model instances
        of sixty fields cost more than the query itself."""
        sort = self.get_sort().lstrip("-")
        if "__" in sort:  # sorted by a related row's field: records with select_related
            return queryset.select_related(sort.split("__")[0]).defer("search_text")
        names = row_attributes(self.get_serializer_class(), chosen)
        sort_attname = self.module.model._meta.get_field(sort).attname
        return queryset.values_list(*dict.fromkeys(["pk", *names, sort_attname]), named=True)

    def shown(self, record) -> dict:
        """One record as the answer shows it (the list's fast conversion, same output)."""
        return rows_data(self.get_serializer_class(), [record], self.chosen_fields())[0]

    def retrieve(self, request, pk=None):
        record = self.access("view")
        return versions.with_etag(Response(self.shown(record)), record)

    @idempotent
    def create(self, request):
        self.require("create")
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        record = self.module.model.new(self.plain(serializer.validated_data))
        actions.save_record(record, actor=request.user)
        response = Response(self.shown(record), status=status.HTTP_201_CREATED)
        return versions.with_etag(response, record)

    def update(self, request, pk=None, partial=False):
        """PUT and PATCH: write the fields sent (a PUT: those that differ from the stored
        record), keep every other one as stored now; If-Match of another version: 412."""
        self.require("edit")
        record = self.access("edit")
        expected = versions.if_match(request, record)
        serializer = self.get_serializer(record, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        values = self.plain(serializer.validated_data)
        sent = set()
        if partial:
            sent = set(values) | {f"custom.{k}" for k in values.get("custom") or {}}
        if partial and "custom" in values:
            values["custom"] = {**(record.custom or {}), **values["custom"]}
        for name, value in values.items():
            setattr(record, name, value)
        try:
            actions.save_record(record, actor=request.user, sent=sent, if_version=expected)
        except VersionMismatch:
            raise versions.PreconditionFailed() from None
        return versions.with_etag(Response(self.shown(record)), record)

    def partial_update(self, request, pk=None):
        return self.update(request, pk, partial=True)

    def destroy(self, request, pk=None):
        self.require("delete")
        record = self.access("delete")
        expected = versions.if_match(request, record)
        try:
            actions.delete_records([record], actor=request.user, if_version=expected)
        except VersionMismatch:
            raise versions.PreconditionFailed() from None
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request=None)
    @action(detail=True, methods=["post"])
    @idempotent
    def restore(self, request, pk=None):
        """Bring the record back from the trash."""
        self.require("delete")
        trash = self.module.model.with_deleted.filter(deleted=True).visible_to(
            request.user, "delete"
        )
        record = get_object_or_404(trash, pk=pk)
        actions.restore_records([record], actor=request.user)
        return versions.with_etag(Response(self.get_serializer(record).data), record)

    @staticmethod
    def plain(values: dict) -> dict:
        return dict(values)

    def related_list(self, module, condition: Q):
        """A page of `module`'s records that match `condition`, visible to the caller."""
        if not permissions.can(self.request.user, "list", module.model):
            raise exceptions.NotFound(_("Not found."))
        self.access("view")
        queryset = module.model.objects.visible_to(self.request.user, "list").filter(condition)
        queryset = queryset.values_list(
            *dict.fromkeys(["pk", *row_attributes(serializer_for(module))]), named=True
        )
        paginator = KeysetPagination()
        rows = paginator.paginate_queryset(queryset, self.request, _SortBy(module))
        return paginator.get_paginated_response(rows_data(serializer_for(module), rows))


class _SortBy:
    """The related lists' order: their module's default."""

    def __init__(self, module):
        self.module = module

    def get_sort(self) -> str:
        return self.module.default_sort


ORDERING = OpenApiParameter(
    "ordering",
    str,
    description=('Sort by a list column, "-" first for descending (e.g. -date_entered).'),
)
SEARCH = OpenApiParameter("q", str, description="Search text, as in the list pages.")
FIELDS = OpenApiParameter("fields", str, description="Comma-separated fields to return.")


def _related_action(other, condition):
    """A GET endpoint /<type>/<id>/<other type>/ listing the related records of `other`."""

    def related(self, request, pk=None):
        return self.related_list(other, condition(pk))

    # The router maps GET to the method of this name, so it must be set before @action.
    related.__name__ = f"related_{other.slug}"
    related.__doc__ = f"The {other.slug} related to this record, a page at a time."
    decorate = action(
        detail=True,
        methods=["get"],
        url_path=other.slug,
        url_name=f"related-{other.slug}",
        pagination_class=KeysetPagination,
        filter_backends=[],
    )
    return extend_schema(responses=serializer_for(other)(many=True))(decorate(related))


def _relations(module) -> dict:
    found = {}
    for sub in module.get_subpanels():
        other = registry.get(sub.module)
        found[other.slug] = (other, lambda pk, f=sub.field: Q(**{f: pk}))
    if module.has_activities:
        from django.contrib.contenttypes.models import ContentType

        for other in registry.activity_modules():
            found.setdefault(
                other.slug,
                (
                    other,
                    lambda pk, m=module.model: Q(
                        parent_type=ContentType.objects.get_for_model(m), parent_id=pk
                    ),
                ),
            )
    return found


def viewset_for(module) -> type[RecordViewSet]:
    """The viewset class of a module: CRUD, restore, timeline, related lists and its verbs."""
    from kontor.api import integration, timeline, verbs

    serializer = serializer_for(module)
    attrs = {
        "module": module,
        "queryset": module.model.objects.none(),
        "timeline": timeline.timeline_action(),
    }
    for slug, (other, condition) in _relations(module).items():
        attrs[f"related_{slug}"] = _related_action(other, condition)
    attrs.update(verbs.actions_for(module))
    attrs.update(integration.actions_for(module))
    cls = type(f"{module.model.__name__}ViewSet", (RecordViewSet,), attrs)
    tag = str(module.slug)
    return extend_schema_view(
        list=extend_schema(parameters=[ORDERING, SEARCH, FIELDS], tags=[tag]),
        retrieve=extend_schema(parameters=[FIELDS, versions.ETAG], tags=[tag]),
        create=extend_schema(
            request=serializer,
            responses={201: serializer},
            parameters=[versions.ETAG],
            tags=[tag],
        ),
        update=extend_schema(parameters=[versions.IF_MATCH, versions.ETAG], tags=[tag]),
        partial_update=extend_schema(parameters=[versions.IF_MATCH, versions.ETAG], tags=[tag]),
        destroy=extend_schema(parameters=[versions.IF_MATCH], tags=[tag]),
        restore=extend_schema(tags=[tag]),
    )(cls)
