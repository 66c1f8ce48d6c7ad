"""SuiteCRM's password hashes verified and upgraded by Kontor's hasher, and the PHP
unserializer that reads SuiteCRM's user preferences."""

import base64
import hashlib

import bcrypt
import pytest
from django.contrib.auth.hashers import check_password, identify_hasher

from kontor.suitecrm import phpserial
from kontor.suitecrm.hashers import SuiteCRMPasswordHasher, encode, verify_md5


def md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()


def php_bcrypt(text: str) -> str:
    """What PHP's password_hash(…, PASSWORD_DEFAULT) stores: bcrypt with the "$2y$" prefix."""
    return "$2y$" + bcrypt.hashpw(text.encode(), bcrypt.gensalt(rounds=4)).decode()[4:]


def test_bcrypt_of_the_md5_verifies_the_password():
    stored = encode(php_bcrypt(md5("Geheim-123")))
    assert stored.startswith("suitecrm$$2y$04$")
    assert check_password("Geheim-123", stored)
    assert not check_password("geheim-123", stored)
    assert not check_password("", stored)


def test_a_bare_legacy_md5_verifies():
    stored = encode(md5("alt&passwort"))
    assert check_password("alt&passwort", stored)
    assert not check_password("alt&Passwort", stored)
    # The legacy API sends the md5 itself, in any case.
    assert verify_md5(md5("alt&passwort").upper(), md5("alt&passwort"))


def test_empty_and_foreign_hashes_never_verify():
    assert not verify_md5(md5(""), "")
    assert not verify_md5("", php_bcrypt(md5("")))
    # A DES crypt() value of ancient Sugar versions (13 characters), and a damaged bcrypt.
    assert not check_password("password", encode("abJnggxhB/yJU"))
    assert not check_password("password", encode("$2y$10$tooshort"))


def test_the_hasher_asks_to_be_upgraded_and_hides_the_hash():
    stored = encode(php_bcrypt(md5("x")))
    hasher = identify_hasher(stored)
    assert isinstance(hasher, SuiteCRMPasswordHasher)
    assert hasher.must_update(stored) is True
    summary = hasher.safe_summary(stored)
    assert summary["algorithm"] == "suitecrm"
    assert stored[9:] not in str(summary)
    with pytest.raises(NotImplementedError):
        hasher.encode("new password", "")


def test_check_password_upgrades_through_the_setter():
    stored = encode(php_bcrypt(md5("Geheim-123")))
    upgraded = []
    assert check_password("Geheim-123", stored, setter=upgraded.append)
    assert upgraded == ["Geheim-123"]
    assert not check_password("falsch", stored, setter=upgraded.append)
    assert upgraded == ["Geheim-123"]


# --- PHP unserialize ------------------------------------------------------------------------


def test_unserialize_reads_suitecrm_preferences():
    data = (
        'a:6:{s:8:"timezone";s:13:"Europe/Berlin";s:2:"ut";i:1;s:9:"hide_tabs";a:0:{}'
        's:4:"rate";d:0.92;s:5:"flags";a:2:{i:0;b:1;i:1;N;}s:4:"name";s:7:"Jürgen";}'
    )
    assert phpserial.loads(data) == {
        "timezone": "Europe/Berlin",
        "ut": 1,
        "hide_tabs": {},
        "rate": 0.92,
        "flags": {0: True, 1: None},
        "name": "Jürgen",  # 7 bytes in UTF-8: PHP counts bytes, not characters
    }
    encoded = base64.b64encode(b'a:1:{s:8:"timezone";s:13:"Europe/Vienna";}')
    assert phpserial.loads_base64(encoded) == {"timezone": "Europe/Vienna"}


def test_unserialize_keeps_object_properties_as_a_dict():
    assert phpserial.loads('O:8:"stdClass":1:{s:1:"a";i:5;}') == {"a": 5}


@pytest.mark.parametrize(
    "data",
    [
        "",
        "garbage",
        's:5:"abc";',  # length beyond the data
        'a:2:{s:1:"a";i:1;}',  # fewer members than announced
        'a:1:{s:1:"a";i:1;}trailing',
        "i:12x;",
        "b:2;",
        "a:1:{a:0:{}i:1;}",  # an array as a key
        "r:1;",  # references are refused
        'C:3:"Foo":0:{}',  # custom serializations too
        "a:1:{i:0;" * 100 + "i:0;" + "}" * 100,  # nested too deeply
    ],
)
def test_unserialize_refuses_damaged_or_unsupported_data(data):
    with pytest.raises(phpserial.PhpSerialError):
        phpserial.loads(data)


def test_unserialize_refuses_what_is_not_base64():
    with pytest.raises(phpserial.PhpSerialError):
        phpserial.loads_base64("!!!not base64")
