"""DeepL's glossaries, against a MockTransport stand-in of DeepL's API."""

import json
import unicodedata
from urllib.parse import parse_qs

import httpx

from warnews._glossary import Glossary, parse
from warnews._translate import Translator
from warnews.engines import get_engine

GLOSSARY = Glossary(parse("Київ = Kyiv\nХарків = Kharkiv\nЗСУ = Armed Forces of Ukraine", "test"))


def translated(text):
    """The stand-in's "translation": every Cyrillic letter an x (what a glossary put in stays)."""
    return "".join("x" if "CYRILLIC" in unicodedata.name(char, "") else char for char in text)


class DeepL:
    """Glossaries by id; translations that apply a glossary's entries, then mark the rest."""

    def __init__(self, refuse=False, glossaries=None):
        self.refuse = refuse
        self.glossaries = dict(glossaries or {})
        self.calls = []
        self.made = 0

    def __call__(self, request):
        self.calls.append((request.method, request.url.path))
        assert request.headers["authorization"] == "DeepL-Auth-Key key:fx"
        if request.url.path == "/v2/glossaries" and request.method == "GET":
            listed = [
                {"glossary_id": gid, **{k: v for k, v in g.items() if k != "entries"}}
                for gid, g in self.glossaries.items()
            ]
            return httpx.Response(200, json={"glossaries": listed})
        if request.url.path == "/v2/glossaries" and request.method == "POST":
            if self.refuse:
                return httpx.Response(400, json={"message": "Unsupported language pair"})
            body = json.loads(request.content)
            self.made += 1
            gid = f"g{self.made}"
            self.glossaries[gid] = {**body, "ready": True}
            return httpx.Response(201, json={"glossary_id": gid, "name": body["name"], "ready": True})
        if request.url.path.startswith("/v2/glossaries/") and request.method == "DELETE":
            self.glossaries.pop(request.url.path.rsplit("/", 1)[1], None)
            return httpx.Response(204)
        if request.url.path == "/v2/translate":
            form = {key: values[0] for key, values in parse_qs(request.content.decode()).items()}
            text = form["text"]
            if "glossary_id" in form:
                assert form["source_lang"] == "UK", "DeepL wants the source language with a glossary"
                entries = self.glossaries[form["glossary_id"]]["entries"]
                for line in sorted(entries.splitlines(), key=len, reverse=True):
                    source, english = line.split("\t")
                    text = text.replace(source, english)
            return httpx.Response(200, json={"translations": [{"text": translated(text)}]})
        return httpx.Response(404)


def translator(service, glossary=GLOSSARY):
    client = httpx.Client(transport=httpx.MockTransport(service))
    engine = get_engine("deepl", key="key:fx", url="https://deepl.test", client=client)
    return Translator([engine], glossary=glossary)


def test_one_glossary_of_every_form_is_made_once_and_used_by_every_request():
    service = DeepL()
    deepl = translator(service)
    first = deepl.translate(["Вибухи у Києві та Харкові."], "uk", "en")
    second = deepl.translate(["Новини Києва, ЗСУ."], "uk", "en")
    assert first.paragraphs == ["xxxxxx x Kyiv xx Kharkiv."] and first.enforced == ("Київ", "Харків")
    assert second.paragraphs == ["xxxxxx Kyiv, Armed Forces of Ukraine."]
    assert [call for call in service.calls if "glossaries" in call[1]] == [
        ("GET", "/v2/glossaries"),
        ("POST", "/v2/glossaries"),
    ]
    (made,) = service.glossaries.values()
    assert made["name"].startswith("warnews-") and (made["source_lang"], made["target_lang"]) == ("uk", "en")
    assert (
        "Києві\tKyiv" in made["entries"].splitlines() and "Харкова\tKharkiv" in made["entries"].splitlines()
    )


def test_the_next_run_finds_its_glossary_and_a_changed_glossary_replaces_the_old_one():
    service = DeepL()
    translator(service).translate(["У Києві."], "uk", "en")
    translator(service).translate(["У Києві."], "uk", "en")
    assert [call for call in service.calls if call == ("POST", "/v2/glossaries")] == [
        ("POST", "/v2/glossaries")
    ]
    other = Glossary(parse("Київ = Kyiv city", "other"))
    assert translator(service, other).translate(["У Києві."], "uk", "en").paragraphs == ["x Kyiv city."]
    assert len(service.glossaries) == 1, "the older glossary's DeepL copy is deleted"


def test_a_refused_glossary_means_terms_protected_in_the_text():
    service = DeepL(refuse=True)
    translation = translator(service).translate(["Вибухи у Києві.", "Знову у Харкові."], "uk", "en")
    assert translation.paragraphs == ["xxxxxx x Kyiv.", "xxxxx x Kharkiv."]
    sent = [call for call in service.calls if call[1] == "/v2/translate"]
    assert len(sent) == 1 and translation.passed


def test_a_glossary_deleted_meanwhile_is_made_again():
    service = DeepL()
    deepl = translator(service)
    deepl.translate(["У Києві."], "uk", "en")
    service.glossaries.clear()  # another run, with another glossary file, replaced it

    def gone(request):
        if request.url.path == "/v2/translate" and b"glossary_id=g1" in request.content:
            return httpx.Response(404, json={"message": "Glossary not found"})
        return service(request)

    deepl.engines[0]._client._transport = httpx.MockTransport(gone)
    assert deepl.translate(["У Харкові."], "uk", "en").paragraphs == ["x Kharkiv."]
    assert [call for call in service.calls if call == ("POST", "/v2/glossaries")] == [
        ("POST", "/v2/glossaries")
    ] * 2
