"""Checks on figure JSON before it reaches a browser: size, traces, points, pixels, URLs.

The figure was shaped by generated code, so it is untrusted input for Chromium and plotly.js.
These checks are pure functions over the JSON; they raise `RenderFailed` with the reason.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from core.errors import RenderFailed

# Trace attributes that hold one value per point; a trace's size is its longest one.
_POINT_KEYS = (
    "x",
    "y",
    "z",
    "values",
    "labels",
    "lat",
    "lon",
    "r",
    "theta",
    "a",
    "b",
    "c",
    "open",
    "high",
    "low",
    "close",
    "ids",
    "locations",
)
# Item sizes of plotly.js typed arrays ({"dtype": "f8", "bdata": "<base64>"}).
_DTYPE_BYTES = {"i1": 1, "u1": 1, "i2": 2, "u2": 2, "i4": 4, "u4": 4, "f4": 4, "f8": 8}


@dataclass(frozen=True, slots=True)
class FigureLimits:
    """What a figure may ask of the renderer. Defaults suit a chart posted into Slack."""

    max_json_bytes: int = 20 * 1024 * 1024
    max_traces: int = 200
    max_points: int = 1_000_000
    min_size_px: int = 50
    max_size_px: int = 5_000
    max_scale: float = 4.0


DEFAULT_LIMITS = FigureLimits()


def check_figure(figure: Any, limits: FigureLimits = DEFAULT_LIMITS) -> None:
    """Raise `RenderFailed` unless `figure` is plain figure JSON within `limits`."""
    if not isinstance(figure, dict) or not isinstance(figure.get("data", []), list):
        raise RenderFailed("the figure is not Plotly figure JSON (a dict with a `data` list)")
    try:
        size = len(json.dumps(figure, allow_nan=False).encode("utf-8"))
    except (TypeError, ValueError) as exc:
        raise RenderFailed(f"the figure is not plain JSON: {exc}") from exc
    if size > limits.max_json_bytes:
        raise RenderFailed(
            f"the figure's JSON is {size:,} bytes, over the {limits.max_json_bytes:,} byte "
            "limit; aggregate or sample the data before plotting"
        )
    traces = figure.get("data", [])
    if len(traces) > limits.max_traces:
        raise RenderFailed(
            f"the figure has {len(traces):,} traces, over the limit of {limits.max_traces:,}; "
            "group the smaller series into 'Other' or use facets sparingly"
        )
    points = sum(trace_points(t) for t in traces if isinstance(t, dict))
    if points > limits.max_points:
        raise RenderFailed(
            f"the figure has {points:,} points, over the limit of {limits.max_points:,}; "
            "aggregate or sample the data before plotting"
        )
    layout = figure.get("layout") or {}
    if not isinstance(layout, dict):
        raise RenderFailed("the figure's `layout` is not a JSON object")
    for key in ("width", "height"):
        value = layout.get(key)
        if value is not None:
            _check_px(f"layout.{key}", value, limits)
    _check_images(layout)


def check_size(
    width: int, height: int, scale: float, limits: FigureLimits = DEFAULT_LIMITS
) -> None:
    """Raise `RenderFailed` unless the requested image size is within `limits`."""
    _check_px("width", width, limits)
    _check_px("height", height, limits)
    if not 0 < scale <= limits.max_scale:
        raise RenderFailed(f"scale {scale:g} is outside 0 < scale ≤ {limits.max_scale:g}")


def trace_points(trace: dict[str, Any]) -> int:
    """How many data points a trace carries: the length of its longest per-point array."""
    return max((_length(trace.get(key)) for key in _POINT_KEYS), default=0)


def _length(value: Any) -> int:
    if isinstance(value, list):
        # 2-D arrays (heatmap z, surface) count every cell.
        return sum(len(v) if isinstance(v, list) else 1 for v in value)
    if isinstance(value, dict) and isinstance(value.get("bdata"), str):
        shape = value.get("shape")
        if isinstance(shape, str):  # "rows,cols"
            count = 1
            for part in shape.split(","):
                count *= int(part) if part.strip().isdigit() else 1
            return count
        n_bytes = len(value["bdata"].rstrip("=")) * 3 // 4  # decoded size, without decoding
        return n_bytes // _DTYPE_BYTES.get(str(value.get("dtype")), 1)
    return 0


def _check_px(name: str, value: Any, limits: FigureLimits) -> None:
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise RenderFailed(f"{name} must be a number of pixels, not {value!r}")
    if not limits.min_size_px <= value <= limits.max_size_px:
        raise RenderFailed(
            f"{name} is {value:g} px; it must be between {limits.min_size_px} and "
            f"{limits.max_size_px} px"
        )


def _check_images(layout: dict[str, Any]) -> None:
    # Only inline images: a URL would make the renderer fetch or read something on our side.
    template = layout.get("template")
    template_layout = template.get("layout") if isinstance(template, dict) else None
    for owner in (layout, template_layout):
        images = owner.get("images") if isinstance(owner, dict) else None
        for image in images if isinstance(images, list) else []:
            source = image.get("source") if isinstance(image, dict) else None
            if isinstance(source, str) and not source.startswith("data:image/"):
                raise RenderFailed(
                    f"layout images must be inline data: URIs; the figure links {source[:80]!r}"
                )
