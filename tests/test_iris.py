"""IRIs are deterministic, readable and made from source identifiers only."""
from kuntakg.iris import Minter, is_slug, slugify


def test_slugify_folds_finnish_and_swedish_letters():
    assert slugify("Pirjo Mäkilä") == "pirjo-makila"
    assert slugify("Tjänster för barn och unga") == "tjanster-for-barn-och-unga"
    assert slugify("vs. vanhuspalveluiden johtaja") == "vs-vanhuspalveluiden-johtaja"
    assert "." not in slugify("003_5e7cafe1eadd7847.txt")


def test_iris_follow_the_documented_patterns():
    m = Minter()
    assert str(m.municipality("609")) == "https://w3id.org/kuntakg/id/municipality/609"
    assert str(m.document("pori-perusturva-2018")) == "https://w3id.org/kuntakg/id/doc/pori-perusturva-2018"
    assert str(m.row("goals", "pori-perusturva-2018", "609", "op-1")) == \
        "https://w3id.org/kuntakg/id/goal/pori-perusturva-2018/op-1"
    assert str(m.row("posts", "any-doc", "609", "perusturvajohtaja")) == \
        "https://w3id.org/kuntakg/id/post/609/perusturvajohtaja"
    assert str(m.period("2018", "2025")) == "https://w3id.org/kuntakg/id/period/2018--2025"


def test_base_is_configurable():
    assert str(Minter("http://localhost:8000").document("x")) == "http://localhost:8000/id/doc/x"


def test_slug_rule():
    assert is_slug("op-2018-1") and not is_slug("Op-1") and not is_slug("a--b") and not is_slug("a.b")
