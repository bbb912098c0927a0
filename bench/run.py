"""Run the benchmark and print its figures as one JSON object on stdout.

``make bench`` runs ``python -m bench.run`` on its own embedded cluster
(``var/postgres-bench``) and its own database, ``advisor_bench``. Progress and logs go
to stderr, so ``make bench > figures.json`` keeps just the figures.

Sections (``--only search,recall``):

- ``search``: subject and firm-wide search latency over a large dataset, with the
  checks that a subject's search is exact and the firm's uses the HNSW index.
- ``import``: transcript import throughput, and the indexing pass after it.
- ``extract``: extraction precision and recall per kind on the development and
  held-out sets, for the rules and the model path, and throughput.
- ``recall``: evidence recall@k on ``bench/recall_devset.json``, beside the BM25 and
  dense baselines of ``bench/recall_eval.py``.
- ``ledger`` and ``refresh``: ``bench.ledger_bench.run()`` and
  ``bench.refresh_bench.run()``, when those modules exist.
- ``turn``: a chat turn's server-side latency (offline composer, 2,000 memories)
  and a rollback over 50 turns (``bench.turn_bench``).
- ``api``: ``bench.api_bench.run()``: search through gunicorn under load
  (``api_search_rps``) and the changes feed (``feed_events_per_s``).
- ``concurrency``: twenty concurrent writers on one subject
  (``bench.concurrency_bench``): ``concurrent_writers_events_per_s`` and
  ``chain_valid``.
- ``minilm``: a subject's search with the local MiniLM embedder at 100,000
  memories, its query embedding included, checked against an exact scan, beside
  Mem0's figures; and the recall sets with MiniLM (``bench.minilm_bench``;
  ``{"skipped": why}`` without the optional ``minilm`` extra).
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import logging
import os
import platform
import sys
import time
import traceback
from collections.abc import Callable

from bench.progress import logger

SECTIONS = ("search", "import", "extract", "recall", "ledger", "refresh")
# Sections added since, each its own module with a ``run()``.
SECTIONS += ("turn", "api", "concurrency", "minilm")
QUICK = {"memories": 20_000, "subjects": 200, "queries": 200}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--only",
        default=",".join(SECTIONS),
        help=f"comma-separated sections to run (default: all of {','.join(SECTIONS)})",
    )
    parser.add_argument("--memories", type=int, default=None, help="default 1000000")
    parser.add_argument("--subjects", type=int, default=None, help="default 10000")
    parser.add_argument("--queries", type=int, default=None, help="default 500")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="a smoke run: 20k memories over 200 subjects, 200 queries",
    )
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="rebuild the search dataset even when a complete one is there",
    )
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else {}
    args.memories = args.memories or sizes.get("memories", 1_000_000)
    args.subjects = args.subjects or sizes.get("subjects", 10_000)
    args.queries = args.queries or sizes.get("queries", 500)
    args.sections = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = sorted(set(args.sections) - set(SECTIONS))
    if unknown:
        parser.error(f"unknown section(s): {', '.join(unknown)}")
    return args


def django_setup() -> None:
    """Point Django at the benchmark's own database, start it, and migrate it."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "advisor.config.settings")
    os.environ.setdefault("EMBEDDED_POSTGRES_DIR", "var/postgres-bench")
    os.environ["EMBEDDED_POSTGRES_DB"] = "advisor_bench"
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    logger.info("database ready in %.1f s", time.perf_counter() - started)


def optional_section(module_name: str) -> Callable[[argparse.Namespace], dict]:
    """Return a section that runs ``module_name.run()`` if someone has written it."""

    def section(args: argparse.Namespace) -> dict | None:
        if importlib.util.find_spec(module_name) is None:
            return None
        return importlib.import_module(module_name).run()

    return section


def section_runners() -> dict[str, Callable[[argparse.Namespace], dict | None]]:
    from bench import (
        extract_bench,
        import_bench,
        minilm_bench,
        recall_bench,
        search_bench,
    )

    return {
        "search": lambda args: search_bench.run(
            memories=args.memories,
            subjects=args.subjects,
            queries=args.queries,
            rebuild=args.rebuild,
        ),
        "import": lambda args: import_bench.run(),
        "extract": lambda args: extract_bench.run(quick=args.quick),
        "recall": lambda args: recall_bench.run(),
        "ledger": optional_section("bench.ledger_bench"),
        "refresh": optional_section("bench.refresh_bench"),
        "turn": lambda args: importlib.import_module("bench.turn_bench").run(
            quick=args.quick
        ),
        "api": optional_section("bench.api_bench"),
        "concurrency": optional_section("bench.concurrency_bench"),
        "minilm": lambda args: minilm_bench.run(rebuild=args.rebuild),
    }


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.INFO,
        format="%(asctime)s %(name)s %(message)s",
        datefmt="%H:%M:%S",
    )
    django_setup()
    from django.conf import settings
    from django.db import connection

    from memory.recall.embedders import get_embedder

    with connection.cursor() as cursor:
        cursor.execute("SELECT version()")
        server = cursor.fetchone()[0].split(",")[0]
    figures: dict = {
        "environment": {
            "python": platform.python_version(),
            "postgres": server,
            "cpus": os.cpu_count(),
            "embedder": get_embedder().name,
            "extractor": settings.MEMORY_EXTRACTOR,
            "database": settings.DATABASES["default"]["NAME"],
        },
        "sections": args.sections,
        "notes": [],
        "errors": {},
    }
    runners = section_runners()
    started = time.perf_counter()
    for name in args.sections:
        logger.info("section %s", name)
        section_started = time.perf_counter()
        try:
            result = runners[name](args)
        except Exception as exc:  # a broken section must not hide the others
            logger.error("section %s failed:\n%s", name, traceback.format_exc())
            figures["errors"][name] = f"{type(exc).__name__}: {exc}"
            figures[name] = None
            continue
        if result is None:
            figures[name] = None
            figures["notes"].append(f"{name}: no benchmark module yet; skipped")
        else:
            figures["notes"].extend(
                note if note.startswith(f"{name}") else f"{name}: {note}"
                for note in result.pop("notes", [])
            )
            figures[name] = result
        logger.info(
            "section %s done in %.1f s", name, time.perf_counter() - section_started
        )
    figures["seconds"] = round(time.perf_counter() - started, 1)
    if not figures["errors"]:
        del figures["errors"]
    json.dump(figures, sys.stdout, indent=2, default=str)
    sys.stdout.write("\n")
    return 1 if figures.get("errors") else 0


if __name__ == "__main__":
    sys.exit(main())
