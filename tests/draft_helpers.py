"""What the draft tests share: the lexicon, recognising a text, and finding drafted items by label."""
from __future__ import annotations

from kuntakg.draft.lexicon import Lexicon
from kuntakg.draft.model import Draft, Item
from kuntakg.draft.run import lexicon_path
from kuntakg.draft.structure import recognise
from kuntakg.project import Project

PATH = lexicon_path(Project())


def lexicon(lang: str) -> Lexicon:
    return Lexicon.load(PATH, (lang,))


def draft(text: str, lang: str = "fi", recognised: bool = True) -> Draft:
    """The draft of `text`; `recognised`: the recogniser must say it found structure in it."""
    result, found = recognise(text, "plan.txt", lang, lexicon(lang))
    if recognised:
        assert found
    return result


def labels(d: Draft, sheet: str) -> list[str]:
    return [i.label for i in d.of(sheet)]


def one(d: Draft, sheet: str, label: str) -> Item:
    found = [i for i in d.of(sheet) if i.label == label]
    assert len(found) == 1, (label, labels(d, sheet))
    return found[0]


def refs(item: Item, column: str) -> list[str]:
    return [i.label for i in item.refs.get(column, [])]
