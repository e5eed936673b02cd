"""Import on real material: the corpus of converted Gutenberg novels, a 1 MB Word novel,
and the hostile files (zip bombs, a repeated EPUB page, entities, backtracking bait)."""

from __future__ import annotations

import contextlib
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _corpus_share() -> tuple[float, int, list[str]]:
    from tests.test_manuscripts.corpus import build_corpus, load_expectations
    from tests.test_manuscripts.corpus_check import check_file

    folder = build_corpus()
    expected = load_expectations()

    def check(item):
        name, meta = item
        return name, check_file(folder / name, expected["novels"][meta["novel"]])

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(check, sorted(expected["files"].items())))
    wrong = [f"{name}: {result['why']}" for name, result in results if not result["ok"]]
    return 1 - len(wrong) / len(results), len(results), wrong


def _novel_docx(path: Path) -> None:
    """Word-user formatting (python-docx) of real novels, one after another, to 1 MB."""
    from tests.test_manuscripts.corpus import Book, parse_book, word_user_docx

    sections = []
    for slug in (
        "a-tale-of-two-cities",
        "wuthering-heights",
        "pride-and-prejudice",
        "frankenstein",
        "treasure-island",
    ):
        sections.extend(parse_book(slug).sections)
        book = Book("omnibus", "Omnibus", "Various", [], [], sections)
        word_user_docx(book, path, contents=False, two_line=False)
        if path.stat().st_size >= 1_000_000:
            return


def bench_import_real() -> dict[str, float]:
    from tests.test_manuscripts.conftest import make_docx
    from tests.test_manuscripts.hostile import all_hostile
    from writer_desktop.manuscripts.isolation import peak_rss_mb
    from writer_desktop.manuscripts.readers import ManuscriptError
    from writer_desktop.services.manuscript_service import ManuscriptService

    share, files, wrong = _corpus_share()
    for line in wrong:
        print("corpus miss:", line)
    results: dict[str, float] = {"import_corpus_ok": round(share, 3), "import_corpus_files": files}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        novel = root / "omnibus.docx"
        _novel_docx(novel)
        service = ManuscriptService(stories=None)  # reading and splitting only
        started = time.perf_counter()
        preview = service.read(novel)
        # Real novels (not bench_import's synthetic prose), read as the app reads them.
        results["import_novels_1mb_docx_s"] = round(time.perf_counter() - started, 2)
        results["import_novels_1mb_docx_mb"] = round(novel.stat().st_size / 1e6, 2)
        results["import_novels_1mb_docx_chapters"] = len(preview.chapters)
        peaks, seconds = [], []
        for path in all_hostile(root, make_docx(root / "valid.docx")):
            peak, spent, outcome = peak_rss_mb(path)
            print(f"hostile {path.name:22} {peak:7.1f} MB {spent:6.2f} s  {outcome[:90]}")
            peaks.append(peak)
            seconds.append(spent)
        with contextlib.suppress(ManuscriptError):
            service.read(root / "bomb.docx")
    results["import_bomb_peak_mb"] = round(max(peaks), 1)
    results["import_bomb_s"] = round(max(seconds), 2)
    return results


if __name__ == "__main__":
    for key, value in bench_import_real().items():
        print(f"{key:28} {value}")
