"""Secrets sealed with the SECRET_KEY: readable with it (and its fallbacks after a rotation),
with no other key, for no other purpose, and not once a byte of the sealed value changed."""

import base64

import pytest

from kontor.core import sealing

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_a_sealed_value_opens_with_the_key_and_shows_nothing_of_the_plain_text():
    sealed = sealing.seal(SECRET, purpose="test")
    assert sealed.startswith(sealing.PREFIX) and SECRET not in sealed
    assert sealing.unseal(sealed, purpose="test") == SECRET
    assert sealing.seal(SECRET, purpose="test") != sealed  # a new IV every time


def test_it_opens_after_a_key_rotation_and_not_with_another_key(settings):
    sealed = sealing.seal(SECRET, purpose="test")
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "another-key-" + "x" * 40, [old]
    assert sealing.unseal(sealed, purpose="test") == SECRET
    settings.SECRET_KEY_FALLBACKS = []
    assert sealing.unseal(sealed, purpose="test") is None


def test_it_opens_for_its_own_purpose_only():
    assert sealing.unseal(sealing.seal(SECRET, purpose="a"), purpose="b") is None


def _flip(sealed: str, index: int) -> str:
    """`sealed` with one bit of its byte `index` changed (a base64 character may hold unused
    bits, so the bytes are changed, not the text)."""
    data = bytearray(base64.urlsafe_b64decode(sealed[len(sealing.PREFIX) :]))
    data[index] ^= 1
    return sealing.PREFIX + base64.urlsafe_b64encode(bytes(data)).decode()


@pytest.mark.parametrize(
    "broken",
    [
        lambda s: _flip(s, 0),  # the version
        lambda s: _flip(s, 9),  # the IV (after version and time stamp)
        lambda s: _flip(s, 25),  # the secret
        lambda s: _flip(s, -1),  # the HMAC
        lambda s: s[: len(sealing.PREFIX) + 10],  # cut short
        lambda s: sealing.PREFIX + "not base64 !!",
        lambda s: SECRET,  # a plain value
        lambda s: "",
    ],
)
def test_a_changed_or_foreign_value_opens_to_nothing(broken):
    assert sealing.unseal(broken(sealing.seal(SECRET, purpose="t")), purpose="t") is None
