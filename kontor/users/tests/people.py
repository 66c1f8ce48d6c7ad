"""Users for the tests of every app: a member of teams with one role, made in one line.

For test fixtures (the apps' conftest files and the browser tests) that need sales people
beside the project's named users (`admin`, `rep`, the browser's `user`).
"""

from kontor.users.actions import create_user


def member(username: str, first_name: str, last_name: str, role: str, *teams, **fields):
    """A user of `role` (a preset key) in `teams`, whose password is "pw-<username>-123!";
    `fields`: more of `create_user`'s (an e-mail address, a language)."""
    return create_user(
        username,
        password=f"pw-{username}-123!",
        first_name=first_name,
        last_name=last_name,
        roles=[role],
        teams=list(teams),
        **fields,
    )
