"""Secrets never shown: whole, URL-encoded, in capitals, or as a recognisable fragment."""

from hypothesis import given
from hypothesis import strategies as st

from warnews._redact import FRAGMENT, cut, holds, mask_url, proxy_password, redact, server_words

KEY = "a1b2c3d4-e5f6-7788-99aa-bbccddeeff00:fx"


def test_a_key_whole_in_capitals_encoded_or_cut_is_masked():
    assert redact(f"bad key {KEY} given", [KEY]) == "bad key *** given"
    assert redact(f"bad key {KEY.upper()}", [KEY]) == "bad key ***"
    assert redact("e-mail=bob%40example.org;", ["bob@example.org"]) == "e-mail=***;"
    assert redact(f"...key {KEY[:15]}", [KEY]) == "...key ***", "a key the server cut short"
    assert redact(f"{KEY[-12:]} was refused", [KEY]) == "*** was refused"


def test_short_runs_and_other_text_stay():
    assert redact("a1b2c forbidden", [KEY]) == "a1b2c forbidden", "fewer than FRAGMENT characters"
    assert redact("nothing to hide", [None, ""]) == "nothing to hide"
    assert redact("pass", ["pass"]) == "***", "a short secret is masked whole"
    assert redact("proxy p", ["p"]) == "proxy p", "too short to tell from text (mask_url hides it)"
    assert redact("Microsoft failed", ["microsoft-test-key"], fragments=False) == "Microsoft failed"
    assert redact("key MICROSOFT-TEST-KEY", ["microsoft-test-key"], fragments=False) == "key ***"


@given(st.text(min_size=FRAGMENT, max_size=40), st.text(max_size=60), st.text(max_size=60), st.data())
def test_no_fragment_survives_whatever_surrounds_it(secret, before, after, data):
    start = data.draw(st.integers(0, len(secret) - FRAGMENT))
    end = data.draw(st.integers(start + FRAGMENT, len(secret)))
    shown = redact(before + secret[start:end] + after, [secret])
    assert (
        secret[start:end].lower() not in shown.lower()
        or secret[start:end].lower() in (before + after).lower()
    )


def test_mask_first_then_cut():
    message = "x" * 110 + " key " + KEY
    assert KEY[:6] not in cut(redact(message, [KEY]), 120)
    assert server_words(message + "y" * 5_000_000, [KEY], 120) == cut("x" * 110 + " key ***" + "y" * 9, 120)


def test_holds_finds_a_secret_however_it_is_written():
    assert holds(f"q=1&api_key={KEY}", [KEY]) and holds(KEY.upper(), [KEY])
    assert holds("de=bob%40example.org", ["bob@example.org"])
    assert not holds(KEY[:-1], [KEY]) and not holds("anything", [None, "", "p"])


def test_proxy_urls_hide_their_password_however_odd():
    assert mask_url("http://bob:hunter2@proxy:3128") == "http://***@proxy:3128"
    assert mask_url("http://bob:p@ss-w0rd@proxy:3128") == "http://***@proxy:3128"
    assert mask_url("http://bob:pa/ss@proxy:3128") == "http://***@proxy:3128"
    assert mask_url("bob:pw@proxy:3128") == "***@proxy:3128"
    assert mask_url("http://proxy:3128") == "http://proxy:3128"
    assert proxy_password("http://bob:p@ss/w:rd@proxy:3128") == "p@ss/w:rd"
    assert proxy_password("http://proxy:3128") == ""
