"""Draw the README's answer gallery: questions typed the way people type them in Slack, over
public datasets, answered by the default (no key) bot through the local `bot.py plot` pipeline.

    python bench/gallery.py [--out docs/answers]

Writes NN.png per answer and index.md (question, dataset, the answer's sentence, and what the
planner said it did not use or could not do). Nothing is picked after the fact: every entry
below is drawn, and the index shows the answer as it came out.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from bench.people.datasets import DATASETS, dataset_path
from core.settings import Settings
from post.result_blocks import understanding_text
from workers.local_plot import LocalThread


@dataclass(frozen=True)
class Entry:
    dataset: str
    turns: tuple[str, ...]  # the question, then any follow-ups in the same thread


GALLERY: tuple[Entry, ...] = (
    Entry("cars", ("avg mpg per origin",)),
    Entry("tips", ("compare tips lunch vs dinner",)),
    Entry("stocks-wide", ("AAPL vs GOOG",)),
    Entry("stocks-long", ("MSFT vs AMZN since july 2005",)),
    Entry("seattle-weather", ("how much rain each month",)),
    Entry("seattle-weather", ("7 day rolling avg of max temp in 2015",)),
    Entry("gapminder", ("how many countries per continent",)),
    Entry("gapminder", ("avg life exp by continent over time",)),
    Entry("iowa-electricity", ("fossil vs nuclear",)),
    Entry("airports", ("airports in texas by city, top 10",)),
    Entry("penguins", ("bill length vs flipper length by species",)),
    Entry("tips", ("total bill by day", "only dinner", "make it a pie")),
)


async def draw(entry: Entry, number: int, out_dir: Path, settings: Settings) -> str:
    """Answer one entry's thread; return its index section in markdown."""
    spec = DATASETS[entry.dataset]
    with tempfile.TemporaryDirectory(prefix="gallery-") as scratch:
        upload = Path(scratch) / spec.upload_name
        source = dataset_path(entry.dataset)
        opener = gzip.open if source.suffix == ".gz" else open
        with opener(source, "rb") as src:
            upload.write_bytes(src.read())
        async with LocalThread(settings, upload) as thread:
            for turn, question in enumerate(entry.turns, start=1):
                outcome = await thread.ask(question, Path(scratch) / "out", stem=f"t{turn}")
        png = out_dir / f"{number:02d}.png"
        shutil.copyfile(outcome.png_paths[0], png)
    asked = " → ".join(f"“{q}”" for q in entry.turns)
    lines = [f"### {number:02d}. {asked}", "", f"`{spec.upload_name}` ({entry.dataset})", ""]
    caveat = understanding_text(outcome.plan)
    if outcome.plan.changes:
        lines += ["> *Same chart,* " + "; ".join(outcome.plan.changes), ">"]
    if caveat:
        lines += [f"> {line}" for line in caveat.splitlines()] + [">"]
    lines += [f"> {sentence}" for sentence in outcome.sentences]
    lines += ["", f"![{asked}]({png.name})", ""]
    return "\n".join(lines)


async def main(out_dir: Path) -> None:
    os.environ.setdefault("CHART_SCALE", "1")  # README-sized PNGs
    settings = Settings(_env_file=None, llm_providers=[])
    out_dir.mkdir(parents=True, exist_ok=True)
    sections = [
        "# Answers from the default bot (no LLM key)",
        "",
        "Drawn by `python bench/gallery.py`: each question (and follow-up) as typed, over a "
        "public dataset, through the local `bot.py plot` pipeline with the rule-based planner. "
        "The quoted text is the answer's own sentence.",
        "",
    ]
    for number, entry in enumerate(GALLERY, start=1):
        sections.append(await draw(entry, number, out_dir, settings))
        print(f"{number:02d} {entry.dataset}: {' → '.join(entry.turns)}", flush=True)
    (out_dir / "index.md").write_text("\n".join(sections), encoding="utf-8")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/answers"))
    asyncio.run(main(parser.parse_args().out))
