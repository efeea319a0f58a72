import codecs

import pytest

from warnews import InputError
from warnews._decode import cyrillic_score, declared_charset, decode

UKRAINIAN = "Окупанти відмовляються йти в атаку. Ґанок, їжа, Європа — «лапки»."
RUSSIAN = "Оккупанты отказываются идти в атаку. Съезд, эхо, ёлка."


@pytest.mark.parametrize("encoding", ["windows-1251", "koi8_u"])
@pytest.mark.parametrize("text", [UKRAINIAN.replace("—", "-").replace("«", '"').replace("»", '"'), RUSSIAN])
def test_legacy_cyrillic_encodings_are_detected(text, encoding):
    assert decode(text.encode(encoding)) == (text, encoding)


def test_utf8_and_boms():
    assert decode(UKRAINIAN.encode()) == (UKRAINIAN, "utf-8")
    assert decode(codecs.BOM_UTF8 + UKRAINIAN.encode())[0] == UKRAINIAN
    assert decode(UKRAINIAN.encode("utf-16"))[0] == UKRAINIAN


def test_utf8_wins_over_a_wrong_declaration():
    assert decode(UKRAINIAN.encode(), declared="windows-1251")[0] == UKRAINIAN


def test_declared_western_charset_is_used_for_western_text():
    text = "Le café où l'été commence à Noël, déjà très animé."
    assert decode(text.encode("latin-1"), declared="iso-8859-1")[0] == text


def test_binary_is_refused():
    with pytest.raises(InputError, match="binary"):
        decode(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")


def test_undecodable_text_is_refused():
    with pytest.raises(InputError, match="cannot decode"):
        decode("Le café où l'été commence à Noël".encode("latin-1"))


def test_wrong_cyrillic_codec_scores_low():
    data = UKRAINIAN.encode("windows-1251")
    assert cyrillic_score(data.decode("koi8_u")) < 0.5 < cyrillic_score(data.decode("windows-1251"))


def test_meta_charset():
    assert (
        declared_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1251">')
        == "windows-1251"
    )
    assert declared_charset(b"<meta charset='koi8-u'>") == "koi8-u"
    assert declared_charset(b"<p>no meta</p>") is None
