"""Emphasis as markers: parsed and stripped safely, read from every format, exported as
real italics and bold; Word's tracked insertions, content controls, tables and
footnotes keep their text."""

from __future__ import annotations

import copy

import pytest

from writer_desktop.manuscripts import (
    export_manuscript,
    parse_runs,
    read_manuscript,
    split_chapters,
    strip_emphasis,
)


@pytest.mark.parametrize(
    ("text", "plain"),
    [
        ("She *did* go.", "She did go."),
        ("A **bold** move and ***both***.", "A bold move and both."),
        ("* * *", "* * *"),
        ("2 * 3 * 4", "2 * 3 * 4"),
        ("a stray * star and *open", "a stray * star and *open"),
        ("*across\n\nparagraphs*", "*across\n\nparagraphs*"),
    ],
)
def test_strip_emphasis_removes_markers_and_keeps_stray_asterisks(text, plain):
    assert strip_emphasis(text) == plain


def test_parse_runs_gives_italic_and_bold_runs():
    runs = [(r.text, r.italic, r.bold) for r in parse_runs("a *b **c** d* e")]
    assert runs == [
        ("a ", False, False),
        ("b ", True, False),
        ("c", True, True),
        (" d", True, False),
        (" e", False, False),
    ]


def test_gutenberg_underscores_become_markers(tmp_path):
    path = tmp_path / "b.txt"
    path.write_text("Chapter 1\n\n“_You_ want to tell me,” said snake_case_name.\n")
    assert split_chapters(read_manuscript(path), "x")[0].content == (
        "“*You* want to tell me,” said snake_case_name."
    )


def _word_document_with_everything(path):
    """A Word file with an italic run, a tracked insertion and deletion, a content
    control, a table and a footnote, as Word writes them."""
    import docx
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    document = docx.Document()
    document.add_heading("The Storm", level=1)
    paragraph = document.add_paragraph("Mara ")
    paragraph.add_run("never").italic = True
    paragraph.add_run(" slept.")
    paragraph._p.append(
        parse_xml(
            f'<w:ins {w} w:id="1" w:author="A" w:date="2024-01-01T00:00:00Z">'
            "<w:r><w:t xml:space='preserve'> Inserted words.</w:t></w:r></w:ins>"
        )
    )
    paragraph._p.append(
        parse_xml(
            f'<w:del {w} w:id="2" w:author="A" w:date="2024-01-01T00:00:00Z">'
            "<w:r><w:delText>Deleted words.</w:delText></w:r></w:del>"
        )
    )
    document.element.body.insert(
        len(document.element.body) - 1,
        parse_xml(
            f"<w:sdt {w}><w:sdtPr/><w:sdtContent><w:p><w:r><w:t>Inside a control.</w:t>"
            "</w:r></w:p></w:sdtContent></w:sdt>"
        ),
    )
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Tide"
    table.cell(0, 1).text = "Low"
    document.add_paragraph("The end of it.")
    document.save(str(path))
    return path


def test_word_keeps_insertions_controls_tables_and_italics(tmp_path):
    path = _word_document_with_everything(tmp_path / "w.docx")
    [chapter] = split_chapters(read_manuscript(path), "x")
    assert chapter.title == "The Storm"
    assert "Mara *never* slept. Inserted words." in chapter.content
    assert "Deleted words" not in chapter.content
    assert "Inside a control." in chapter.content
    assert "Tide | Low" in chapter.content


def test_word_footnotes_keep_their_text(tmp_path):
    import pypandoc

    source = tmp_path / "n.md"
    source.write_text("# One\n\nThe keeper lit the lamp.[^1]\n\n[^1]: It was his last.\n")
    path = tmp_path / "n.docx"
    pypandoc.convert_file(str(source), "docx", outputfile=str(path))
    [chapter] = split_chapters(read_manuscript(path), "x")
    assert "The keeper lit the lamp.[1]" in chapter.content
    assert "[1] It was his last." in chapter.content


@pytest.mark.parametrize("suffix", [".docx", ".odt", ".rtf", ".epub", ".md"])
def test_every_format_brings_its_italics_and_bold(tmp_path, suffix):
    import pypandoc

    source = tmp_path / "s.md"
    source.write_text("# One\n\nShe *never* slept, **ever**.\n\n* * *\n\nNext scene.\n")
    path = tmp_path / f"s{suffix}"
    if suffix == ".md":
        path.write_text(source.read_text())
    else:
        pypandoc.convert_file(str(source), suffix[1:], outputfile=str(path), extra_args=["-s"])
    [chapter] = split_chapters(read_manuscript(path), "x")
    assert "She *never* slept, **ever**." in chapter.content
    assert "Next scene." in chapter.content


def test_exports_turn_markers_into_real_emphasis(tmp_path):
    import docx
    from ebooklib import epub

    chapters = [("One", "She *never* slept, **ever**.")]
    word = docx.Document(str(export_manuscript("B", chapters, tmp_path / "b.docx")))
    runs = [(r.text, bool(r.italic), bool(r.bold)) for r in word.paragraphs[-1].runs]
    assert runs == [
        ("She ", False, False),
        ("never", True, False),
        (" slept, ", False, False),
        ("ever", False, True),
        (".", False, False),
    ]
    book = epub.read_epub(str(export_manuscript("B", chapters, tmp_path / "b.epub")))
    pages = [i.get_content().decode() for i in book.get_items() if i.file_name.startswith("chap")]
    assert "<em>never</em>" in pages[0] and "<strong>ever</strong>" in pages[0]
    assert "She *never* slept, **ever**." in (
        export_manuscript("B", chapters, tmp_path / "b.md").read_text()
    )
    text = export_manuscript("B", chapters, tmp_path / "b.txt").read_text()
    assert "She never slept, ever." in text and "*" not in text


def test_copy_of_runs_is_plain_data():
    runs = parse_runs("*a*")
    assert copy.deepcopy(runs) == runs
