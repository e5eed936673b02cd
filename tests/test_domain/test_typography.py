"""Smart quotes and dashes: what a typed character becomes after what precedes it."""

from writer_desktop.domain.typography import smart_character


def test_quotes_open_after_space_and_close_after_words():
    assert smart_character("", '"') == ("\u201c", 0)
    assert smart_character(" ", '"') == ("\u201c", 0)
    assert smart_character("d", '"') == ("\u201d", 0)
    assert smart_character(",", '"') == ("\u201d", 0)
    assert smart_character("(", "'") == ("\u2018", 0)


def test_apostrophes_curl_inside_and_after_words():
    assert smart_character("n", "'") == ("\u2019", 0)  # don't
    assert smart_character("s", "'") == ("\u2019", 0)  # the Joneses'


def test_two_hyphens_make_an_em_dash_and_other_keys_pass():
    assert smart_character("-", "-") == ("\u2014", 1)
    assert smart_character(" ", "-") == ("-", 0)
    assert smart_character("a", "x") == ("x", 0)
