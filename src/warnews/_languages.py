"""Language codes and their English names, as Google Translate knows them.

warnews's own table (deep-translator has the same one, but importing it costs a tenth of
a second of every start, `warnews --help` included). Codes and names are accepted alike,
in any case, wherever a language is asked for: --from, --to, the config file, variables.
"""

from __future__ import annotations

from ._errors import UsageError

# Google's codes and names (deep_translator.constants.GOOGLE_LANGUAGES_TO_CODES).
NAMES: dict[str, str] = {
    "af": "afrikaans", "ak": "twi", "am": "amharic", "ar": "arabic", "as": "assamese", "ay": "aymara",
    "az": "azerbaijani", "be": "belarusian", "bg": "bulgarian", "bho": "bhojpuri", "bm": "bambara",
    "bn": "bengali", "bs": "bosnian", "ca": "catalan", "ceb": "cebuano", "ckb": "kurdish (sorani)",
    "co": "corsican", "cs": "czech", "cy": "welsh", "da": "danish", "de": "german", "doi": "dogri",
    "dv": "dhivehi", "ee": "ewe", "el": "greek", "en": "english", "eo": "esperanto", "es": "spanish",
    "et": "estonian", "eu": "basque", "fa": "persian", "fi": "finnish", "fr": "french", "fy": "frisian",
    "ga": "irish", "gd": "scots gaelic", "gl": "galician", "gn": "guarani", "gom": "konkani",
    "gu": "gujarati", "ha": "hausa", "haw": "hawaiian", "hi": "hindi", "hmn": "hmong", "hr": "croatian",
    "ht": "haitian creole", "hu": "hungarian", "hy": "armenian", "id": "indonesian", "ig": "igbo",
    "ilo": "ilocano", "is": "icelandic", "it": "italian", "iw": "hebrew", "ja": "japanese",
    "jw": "javanese", "ka": "georgian", "kk": "kazakh", "km": "khmer", "kn": "kannada", "ko": "korean",
    "kri": "krio", "ku": "kurdish (kurmanji)", "ky": "kyrgyz", "la": "latin", "lb": "luxembourgish",
    "lg": "luganda", "ln": "lingala", "lo": "lao", "lt": "lithuanian", "lus": "mizo", "lv": "latvian",
    "mai": "maithili", "mg": "malagasy", "mi": "maori", "mk": "macedonian", "ml": "malayalam",
    "mn": "mongolian", "mni-Mtei": "meiteilon (manipuri)", "mr": "marathi", "ms": "malay", "mt": "maltese",
    "my": "myanmar", "ne": "nepali", "nl": "dutch", "no": "norwegian", "nso": "sepedi", "ny": "chichewa",
    "om": "oromo", "or": "odia (oriya)", "pa": "punjabi", "pl": "polish", "ps": "pashto",
    "pt": "portuguese", "qu": "quechua", "ro": "romanian", "ru": "russian", "rw": "kinyarwanda",
    "sa": "sanskrit", "sd": "sindhi", "si": "sinhala", "sk": "slovak", "sl": "slovenian", "sm": "samoan",
    "sn": "shona", "so": "somali", "sq": "albanian", "sr": "serbian", "st": "sesotho", "su": "sundanese",
    "sv": "swedish", "sw": "swahili", "ta": "tamil", "te": "telugu", "tg": "tajik", "th": "thai",
    "ti": "tigrinya", "tk": "turkmen", "tl": "filipino", "tr": "turkish", "ts": "tsonga", "tt": "tatar",
    "ug": "uyghur", "uk": "ukrainian", "ur": "urdu", "uz": "uzbek", "vi": "vietnamese", "xh": "xhosa",
    "yi": "yiddish", "yo": "yoruba", "zh-CN": "chinese (simplified)", "zh-TW": "chinese (traditional)",
    "zu": "zulu",
}  # fmt: skip
# Other spellings of a code (langdetect speaks ISO 639-1; Google keeps a few older or
# regional codes), and common short forms of a name, each for one code of NAMES.
CODE_ALIASES: dict[str, str] = {"zh": "zh-CN", "he": "iw", "jv": "jw", "mni": "mni-Mtei", "fil": "tl"}
NAME_ALIASES: dict[str, str] = {
    "chinese": "zh-CN", "simplified chinese": "zh-CN", "traditional chinese": "zh-TW",
    "kurdish": "ku", "kurmanji": "ku", "sorani": "ckb", "meiteilon": "mni-Mtei", "manipuri": "mni-Mtei",
    "odia": "or", "oriya": "or", "burmese": "my", "tagalog": "tl", "farsi": "fa", "gaelic": "gd",
    "haitian": "ht", "kirghiz": "ky", "uighur": "ug",
}  # fmt: skip
# Everything accepted, lower case, to its code.
_CODES: dict[str, str] = {**{code.lower(): code for code in NAMES}, **CODE_ALIASES}
_LOOKUP: dict[str, str] = {**_CODES, **{name: code for code, name in NAMES.items()}, **NAME_ALIASES}
assert set(_LOOKUP.values()) <= set(NAMES)


def language_name(code: str) -> str:
    """The English name for a code, as the provenance line prints it: 'Ukrainian'."""
    name = NAMES.get(normalize_code(code))
    if name is None:
        return code
    return " ".join(word.capitalize() if word.isalpha() else word.title() for word in name.split())


def normalize_code(code: str) -> str:
    """Map a detector's code onto Google's spelling of it; unknown codes pass through."""
    return _CODES.get(code.strip().lower(), code)


def resolve_language(value: str) -> str:
    """A code ('uk', 'zh') or an English name ('Ukrainian', 'chinese'), in any case, as a code."""
    code = _LOOKUP.get(" ".join(value.split()).lower())
    if code is None:
        raise UsageError(f"unknown language {value!r}: use a code such as uk, ru, en, de, or a name")
    return code
