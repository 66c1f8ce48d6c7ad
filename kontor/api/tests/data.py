"""Valid bodies of every record type, for the declarative API tests: each module's own
`get_api_example` (declared as `api_example` in its modules.py)."""

from django.contrib.contenttypes.models import ContentType

from kontor.core import registry


def body_for(slug: str, actor) -> dict:
    """A valid POST body of `slug` (creating, as `actor`, the records it points at)."""
    return registry.get(slug).get_api_example(actor)


def parent_of(record) -> dict:
    return {"parent_type": ContentType.objects.get_for_model(record), "parent_id": record.pk}
