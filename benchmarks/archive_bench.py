"""Archive benchmarks: indexing a 150k-word story, query latency and retrieval quality (top-3).

``bench_archive()`` returns a flat dict of figures; ``retrieval_top3()`` scores an archive
against the paraphrase test set in tests/files/retrieval/passages.json (the tests use it too).
"""

from __future__ import annotations

import json
import random
import statistics
import tempfile
import time
from pathlib import Path

from writer_desktop.archive import ArchiveService, MiniLMEmbedding

ROOT = Path(__file__).resolve().parent.parent
TEST_SET = ROOT / "tests" / "files" / "retrieval" / "passages.json"

CHAPTERS = 30
CHAPTER_WORDS = 5_000
QUERIES = 20

_NAMES = [
    "Mara",
    "Tobias",
    "Ellen",
    "Rafael",
    "Oona",
    "Danny",
    "Ruth",
    "Will",
    "Lena",
    "Arjun",
    "Fergus",
    "Maria",
]
_PLACES = [
    "the harbour",
    "the orchard",
    "the station",
    "the kitchen",
    "the courthouse",
    "the market",
    "the chapel",
    "the lighthouse",
    "the cellar",
    "the allotments",
    "the ferry",
    "the mill",
    "the library",
    "the bridge",
]
_THINGS = [
    "a letter",
    "the lamp",
    "a rope",
    "the old map",
    "a knife",
    "the ledger",
    "a photograph",
    "the key",
    "a violin",
    "the kettle",
    "a wreath",
    "the suitcase",
    "a basket of apples",
    "the ring",
]
_WEATHER = ["rain", "fog", "snow", "wind", "thunder", "frost", "heat", "drizzle"]
_FEELINGS = [
    "afraid",
    "angry",
    "tired",
    "hopeful",
    "ashamed",
    "curious",
    "restless",
    "calm",
    "bitter",
    "tender",
]
_VERBS = ["carried", "hid", "found", "lost", "mended", "burned", "opened", "sold", "buried", "read"]
_TEMPLATES = [
    "{a} walked to {p} in the {w}, carrying {t}.",
    "At {p}, {a} {v} {t} and said nothing to {b} about it.",
    "{b} was {f} that night, and the {w} did not help.",
    "'You {v} {t},' {a} said, 'and now {p} will never be the same.'",
    "Nobody at {p} remembered {t}, except {b}, who was {f} and would not say why.",
    "The {w} came in from the sea while {a} and {b} argued in {p}.",
    "{a} felt {f} when {b} {v} {t} at {p}.",
    "Later, in {p}, {b} {v} {t}, and the {w} pressed against the windows.",
    "It was {b} who first noticed that {t} had gone from {p}.",
    "{a} stood at the door of {p}, {f}, listening to the {w}.",
]


def story_chapter(number: int, words: int = CHAPTER_WORDS) -> str:
    """A deterministic chapter of generated prose with exactly `words` words."""
    rng = random.Random(number)
    paragraphs: list[str] = []
    total = 0
    while total < words:
        sentences: list[str] = []
        for _ in range(rng.randint(3, 7)):
            a, b = rng.sample(_NAMES, 2)
            sentence = rng.choice(_TEMPLATES).format(
                a=a,
                b=b,
                p=rng.choice(_PLACES),
                t=rng.choice(_THINGS),
                w=rng.choice(_WEATHER),
                f=rng.choice(_FEELINGS),
                v=rng.choice(_VERBS),
            )
            sentence = sentence[0].upper() + sentence[1:]
            count = len(sentence.split())
            if total + count >= words:
                sentence = " ".join(sentence.split()[: words - total]).rstrip(".,'") + "."
                sentences.append(sentence)
                total = words
                break
            sentences.append(sentence)
            total += count
        paragraphs.append(" ".join(sentences))
    return "\n\n".join(paragraphs)


def bench_queries(count: int = QUERIES) -> list[str]:
    """Deterministic search queries about the generated story."""
    rng = random.Random(1234)
    return [
        f"{rng.choice(_NAMES)} {rng.choice(_VERBS)} {rng.choice(_THINGS)} near "
        f"{rng.choice(_PLACES)} in the {rng.choice(_WEATHER)}"
        for _ in range(count)
    ]


def load_test_set(path: Path = TEST_SET) -> tuple[dict[str, str], list[tuple[str, str]]]:
    """(passage id -> text, [(query, right passage id)]) from a retrieval test-set file."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    passages = {item["id"]: item["text"] for item in data["passages"]}
    queries = [(item["query"], item["passage"]) for item in data["queries"]]
    return passages, queries


def retrieval_top3(service: ArchiveService, test_set_path: Path = TEST_SET) -> float:
    """Store the test set's passages in `service`; the share of queries with the right one in
    the top 3."""
    passages, queries = load_test_set(test_set_path)
    for passage_id, text in passages.items():
        service.store_content_sync(passage_id, text, {"kind": "passage"})
    found = 0
    for query, passage_id in queries:
        hits = service.search_sync(query, n_results=3, where={"kind": "passage"})
        found += passage_id in {hit.content_id for hit in hits}
    return found / len(queries)


def bench_archive() -> dict[str, float]:
    """Index 150k words (30 chapters), time 20 queries, and score retrieval on the test set."""
    embedding = MiniLMEmbedding()
    embedding.load()  # the one-off model load is not part of the index time
    chapters = [story_chapter(n) for n in range(1, CHAPTERS + 1)]
    queries = bench_queries()
    with tempfile.TemporaryDirectory(prefix="archive-bench-") as folder:
        with ArchiveService(Path(folder) / "story", embedding) as service:
            started = time.perf_counter()
            for number, text in enumerate(chapters, start=1):
                service.store_content_sync(
                    f"chapter-{number}",
                    text,
                    {"story": "Bench", "chapter": str(number), "kind": "chapter"},
                )
            index_s = time.perf_counter() - started
            chunks = service.count_sync()
            service.search_sync(queries[0])  # warm-up
            timings = []
            for query in queries:
                started = time.perf_counter()
                service.search_sync(query, n_results=5)
                timings.append((time.perf_counter() - started) * 1000)
        with ArchiveService(Path(folder) / "retrieval", embedding) as service:
            top3 = retrieval_top3(service)
    return {
        "archive_index_150k_s": round(index_s, 2),
        "archive_chunks_150k": float(chunks),
        "archive_query_ms": round(statistics.median(timings), 2),
        "retrieval_top3": round(top3, 3),
    }


if __name__ == "__main__":
    for name, value in bench_archive().items():
        print(f"{name}: {value}")
