"""The module declarations: what each record type shows, searches, filters and links.

A record module is a model plus a `Module` subclass in its app's `modules.py`, registered with
`@register`. Navigation, the generic views and URLs, the standard tests and the API all
read these declarations, like Django admin reads a ModelAdmin.
"""

import uuid
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured
from django.db.models import UUIDField, Value
from django.urls import get_script_prefix, reverse
from django.utils.functional import cached_property
from django.utils.module_loading import import_string

# The lookups (register, get, for_model …) live in catalog, which imports nothing of Kontor.
from kontor.core.catalog import activity_modules, find, for_model, get, modules, register  # noqa: F401

_PLACEHOLDER = uuid.UUID(int=0)


@dataclass(frozen=True)
class Subpanel:
    """Records of another module that point at this one through `field` (a foreign key)."""

    module: str
    field: str
    #: heading; the related module's plural name when not given
    title: object = None


@dataclass(frozen=True)
class RelatedTo:
    """Declared by a child module: list its records as a subpanel on the detail page of the
    module `module`, whose records they point at through `field` (a foreign key)."""

    module: str
    field: str
    #: heading; the child module's plural name when not given
    title: object = None


class Module:
    """The declaration of one record type. Subclasses set the attributes below.

    Like Django's ModelAdmin, each declared attribute has a `get_…()` method that the rest of
    Kontor calls, so a subclass may compute what a plain attribute cannot: `get_subpanels()`,
    `get_grants(role)`, `get_dropdowns()`, `demo(context)` and `get_api_example(actor)`. Their
    defaults make a new record type work with nothing declared: no subpanels, refused to every
    preset role but the administrator, no dropdown lists of its own, no demo records, an empty
    API example.
    """

    model = None
    #: URL segment and registry key, e.g. "leads"
    slug: str = ""
    #: "main" (top bar), "more" (the "More" menu)
    nav: str = "main"
    #: Position in the navigation (lower first)
    order: int = 100
    #: Bootstrap icon name shown in menus
    icon: str = "circle"
    #: Columns a list shows by default, and the further ones the column chooser offers
    list_columns: tuple = ()
    extra_columns: tuple = ()
    #: The column that links to the record
    link_column: str = ""
    #: Fields whose text goes into the search index (lower-cased)
    search_fields: tuple = ()
    #: Fields offered as list filters (dropdowns, users, dates, yes/no, foreign keys)
    filters: tuple = ()
    #: Field panels of the detail page and the edit form: ((title, (field, …)), …)
    panels: tuple = ()
    #: Related lists shown under the detail panels
    subpanels: tuple[Subpanel, ...] = ()
    #: Subpanels this module adds to other modules' detail pages (see `get_subpanels`)
    related_to: tuple[RelatedTo, ...] = ()
    #: The grant of each preset role ("sales_rep": kontor.core.grants.TEAM_WORK, …); a role
    #: not named gets no entry (nothing), the administrator always everything
    grants: dict = {}
    #: The dropdown lists this module ships (kontor.core.dropdown_seed.Dropdown), seeded after
    #: every migrate when missing
    dropdowns: tuple = ()
    #: Dotted path of a callable(demo) creating the demo records (kontor.demo.base.Demo)
    demo_factory: str = ""
    #: Position among the demo factories (lower first; records that others point at first);
    #: the navigation `order` when not given
    demo_order: int | None = None
    #: A valid create body of the REST API (field name → JSON value), for the API tests
    api_example: dict = {}
    #: Fields a mass update may set
    mass_update_fields: tuple = ("assigned_user",)
    #: The list's default order ("-" for descending)
    default_sort: str = "-date_entered"
    #: Activities (calls, meetings, tasks, notes) can hang off this record type
    has_activities: bool = True
    #: An activity module: shown in the "Open activities" and "History" panels
    is_activity: bool = False
    #: Access to this record type shows a user the other users (names and addresses in
    #: SuiteCRM's Users module); False for a type whose users may work on it without learning
    #: who else works here: a user whose roles open only such types sees only themselves
    shows_other_users: bool = True
    #: An activity module's button on another record's page ("Log call"; its name otherwise)
    add_label: str = ""
    #: An activity module's statuses that mean done: the others are listed under "Open
    #: activities" on the parent's page (empty: never open, like a note)
    closed_statuses: tuple = ()
    #: Columns the type-ahead of the top search shows beside a match's name (company, e-mail,
    #: owner, stage …; kontor.core.suggest)
    suggest_columns: tuple = ("assigned_user",)
    #: Foreign keys through whose record's name the type-ahead also finds a record (a contact
    #: through its account's name)
    suggest_via: tuple = ()
    #: The key after "g" that opens this module's list from anywhere ("g l": leads)
    go_key: str = ""
    #: Extra form behaviour: a RecordForm subclass (optional)
    form_class = None
    #: A template extending records/detail.html, for modules with panels of their own
    detail_template: str = "records/detail.html"
    #: Key facts in the header of a record's page: field names, and "next_activity" for the
    #: soonest open call, meeting or task; when empty, `get_header_fields()` picks the owner,
    #: the status and the e-mail and phone fields the model has
    header_fields: tuple = ()
    #: The dropdown field a record moves along, shown as clickable steps at the top of its
    #: page (a lead's lifecycle stage, an opportunity's sales stage); "" for none
    path_field: str = ""
    #: Keys of `path_field` that end the path (Closed Won, Closed Lost): shown as the last,
    #: separate steps
    path_terminal: tuple = ()
    #: Records of other modules whose activities also show on this module's pages, as
    #: ((module slug, the field pointing here), …): an account's contacts and opportunities
    activity_sources: tuple = ()
    #: Pages of its own under the module's URLs: ((route, view class, name), …), each view
    #: configured with `module=` (other apps add theirs through kontor.core.extensions)
    extra_urls: tuple = ()

    def __init__(self):
        if self.model is None or not self.slug:
            raise ImproperlyConfigured(f"{type(self).__name__} needs a model and a slug.")
        if not self.link_column and self.list_columns:
            self.link_column = self.list_columns[0]

    @property
    def opts(self):
        return self.model._meta

    @property
    def verbose_name(self):
        return self.opts.verbose_name

    @property
    def verbose_name_plural(self):
        return self.opts.verbose_name_plural

    @cached_property
    def form_fields(self) -> list[str]:
        return [name for _title, names in self.panels for name in names]

    @property
    def all_columns(self) -> tuple:
        return tuple(dict.fromkeys(self.list_columns + self.extra_columns))

    def url(self, verb: str, pk=None) -> str:
        """URL of a verb of this module: list, create, detail, edit, delete, trash, …"""
        if pk is not None:
            return reverse(f"{self.slug}:{verb}", args=[pk])
        # Reversed once per script prefix: every page's navigation names each module's list
        # and create URLs.
        known = self.__dict__.setdefault("_urls", {})
        key = (verb, get_script_prefix())
        url = known.get(key)
        if url is None:
            url = known[key] = reverse(f"{self.slug}:{verb}")
        return url

    def detail_url(self, pk) -> str:
        """The detail URL of `pk` without a reverse() per call (list pages build fifty)."""
        pattern = self.__dict__.get("_detail_pattern")
        if pattern is None:
            pattern = self._detail_pattern = self.url("detail", _PLACEHOLDER)
        return pattern.replace(str(_PLACEHOLDER), str(pk))

    @property
    def url_list(self) -> str:
        return self.url("list")

    @property
    def url_create(self) -> str:
        return self.url("create")

    def search_text_for(self, record) -> str:
        """The lower-cased text a search matches for `record`."""
        from kontor.core import config

        parts = [getattr(record, name, "") for name in self.search_fields]
        parts += config.search_values(record)  # custom text fields admins added
        return " ".join(str(p).strip().lower() for p in parts if p)

    def detail_context(self, record, user) -> dict:
        """Extra context of the detail page (hook for module-specific panels)."""
        return {}

    def timeline_queries(self, visible, parents, journey) -> list:
        """An activity module's records on a record's timeline (kontor.core.records.timeline):
        querysets of `visible` (the user's records of this module) each annotated `via`, the
        id of the journey member an activity reaches through other than its parent (None when
        it hangs off a member: `parents`, a Q). Override to add e.g. the calls a member person
        is invited to (`journey.ids(model)` are the members' ids)."""
        return [visible.filter(parents).annotate(via=Value(None, UUIDField()))]

    def timeline_pattern(self, status: str) -> str:
        """An activity event's sentence for an activity of `status`, with "%(name)s" for the
        linked name ("Call held: %(name)s")."""
        return "%(name)s"

    def complete_url(self, record) -> str:
        """The URL (POST) that marks `record` done, for a "Mark done" button on its page and
        in the open activities; "" when this module has none or the record is not open."""
        return ""

    def get_header_fields(self) -> tuple:
        """The facts of the record page's header (see `header_fields`)."""
        if self.header_fields:
            return tuple(self.header_fields)
        names = {f.name for f in self.opts.get_fields()}
        wanted = ("assigned_user", "status", "email1", "phone_work", "phone_office")
        found = tuple(name for name in wanted if name in names)
        return found + (("next_activity",) if self.has_activities else ())

    def path_entered(self, record) -> dict:
        """When `record` entered each step of its path ({key: datetime}), shown under the
        steps; empty when the module does not keep it."""
        return {}

    # --- declared hooks ------------------------------------------------------------------

    def get_subpanels(self) -> tuple[Subpanel, ...]:
        """This module's own `subpanels`, then those other modules declare with `related_to`
        pointing here (in registry order): what the detail page and the API list."""
        contributed = tuple(
            Subpanel(other.slug, link.field, link.title)
            for other in modules()
            for link in other.related_to
            if link.module == self.slug
        )
        return tuple(self.subpanels) + contributed

    def get_grants(self, role: str) -> dict | None:
        """The grant of the preset role `role` on this module, None for no entry."""
        from kontor.core.grants import EVERYTHING

        if role == "administrator":
            return dict(EVERYTHING)
        grant = self.grants.get(role)
        return dict(grant) if grant is not None else None

    def get_dropdowns(self) -> tuple:
        """The dropdown lists this module ships (kontor.core.dropdown_seed.Dropdown)."""
        return tuple(self.dropdowns)

    def get_demo_order(self) -> int:
        return self.order if self.demo_order is None else self.demo_order

    def demo(self, context) -> None:
        """Create this module's demo records in the demo build `context` (does nothing when
        no `demo_factory` is declared)."""
        if self.demo_factory:
            import_string(self.demo_factory)(context)

    def get_api_example(self, actor) -> dict:
        """A valid REST API create body; override to create the records it points at (as
        `actor`)."""
        return dict(self.api_example)

    def __repr__(self):
        return f"<Module {self.slug}>"
