"""The suiteapi modules split off mapping.py and references.py keep every name importable from
where it was (other code imports them from there), as the very same objects, and keep the
modules small."""

from pathlib import Path

from kontor.suiteapi import attributes, custom, mapping, references, users

MOVED_TO_CUSTOM = ("CUSTOM_TYPES", "Custom", "DurationPart", "custom_name")
#: Names mapping.py imported from references.py before the split, importable from mapping
MAPPING_IMPORTS = (
    "PERSON_NAME",
    "RECORD_NAME",
    "USER_NAME",
    "Computed",
    "Custom",
    "DurationPart",
    "ParentId",
    "ParentType",
    "RecordRef",
    "RelatedName",
    "UserRef",
    "custom_name",
    "derived_ids",
    "directory",
    "kontor_uuid",
    "parent_name",
    "record_suitecrm_id",
    "user_ids",
    "user_name",
    "user_pk",
)


def test_moved_names_are_the_same_objects_where_they_were():
    for name in MOVED_TO_CUSTOM:
        assert getattr(references, name) is getattr(custom, name), name
    for name in MAPPING_IMPORTS:
        assert getattr(mapping, name) is getattr(references, name), name
    for name in ("OPERATORS", "like_q", "text", "Attribute"):
        assert getattr(references, name) is getattr(attributes, name), name


def test_the_users_module_reads_its_attributes_from_users_py():
    names = [a.name for a in users.user_attributes()]
    assert names == [
        "name",
        "user_name",
        "first_name",
        "last_name",
        "full_name",
        "email1",
        "status",
        "date_entered",
    ]
    assert list(mapping.ApiModule("Users", "User", None).attributes) == names


def test_the_split_modules_stay_under_400_lines():
    folder = Path(mapping.__file__).parent
    for name in ("mapping", "references", "custom", "users", "notes", "attributes"):
        lines = (folder / f"{name}.py").read_text().count("\n")
        assert lines <= 400, (name, lines)
