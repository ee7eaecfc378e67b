"""Imported by the ingest fork server (see `ingest.jail`): runs one tiny ingest there, so that
everything done once per process (pyarrow's compute kernels and thread pool, pandas' Arrow
bridge, openpyxl's and charset-normalizer's imports) is done before children are forked from it,
and a child reading a 5,000-row file spends its time on the file."""

from __future__ import annotations

import tempfile
from pathlib import Path

from ingest.limits import IngestLimits
from ingest.load import ingest_file

_SAMPLE = (
    "when,region,amount,share,ok\n"
    '2024-01-05,North,"$1,200.50",12%,true\n'
    "2024-02-05,South,3000,5%,false\n"
    "05/03/2024,Été,-12.5,1%,true\n"
)


def warm_up() -> None:
    with tempfile.TemporaryDirectory(prefix="chartroom-warm-") as folder:
        path = Path(folder) / "warm.csv"
        path.write_text(_SAMPLE, encoding="cp1252")
        ingest_file(path, "warm.csv", Path(folder) / "work", IngestLimits(1 << 20, 100, 10))


warm_up()
