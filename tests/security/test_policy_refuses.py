"""The AST policy refuses every payload with a clear reason, and accepts ordinary chart code."""

from __future__ import annotations

import re

import pytest

from core.errors import CodeRefused
from sandbox.policy import check_code, find_violations
from tests.security import report
from tests.security.payloads import PAYLOADS, Payload, render

# Plausible host values: the policy sees the code as the sandbox would.
SAMPLE_VALUES = {
    "{CANARY_FILE}": "/tmp/pytest-of-root/canary/secret.txt",
    "{CANARY_ENV}": "SLACK_BOT_TOKEN",
    "{HOST_IP}": "127.0.0.1,172.17.0.1",
    "{HOST_PORT}": "40123",
}
REASON = re.compile(r"line (\d+): \S.{9,}")

LEGITIMATE = {
    "groupby_bar": """
totals = df.groupby("region", as_index=False)["revenue"].sum()
fig = px.bar(totals, x="region", y="revenue", title="Revenue by region")
best = totals.loc[totals["revenue"].idxmax(), "region"]
summary = {"total": totals["revenue"].sum(), "top": best}
""",
    "monthly_line": """
import datetime
frame = df.assign(day=pd.to_datetime("2024-01-01") + pd.to_timedelta(range(len(df)), unit="D"))
monthly = frame.set_index("day").resample("MS")["revenue"].sum().reset_index()
fig = px.line(monthly, x="day", y="revenue", markers=True)
fig.update_layout(title=f"Revenue since {datetime.date(2024, 1, 1):%B %Y}")
""",
    "graph_objects_two_traces": """
import math
top = df.nlargest(10, "revenue")
fig = go.Figure()
fig.add_trace(go.Bar(x=top["region"], y=top["revenue"], name="revenue"))
fig.add_trace(go.Scatter(x=top["region"], y=np.log1p(top["revenue"]) * math.e, name="log"))
fig.update_layout(barmode="group", xaxis_title="Region", yaxis_title="Revenue")
""",
    "filtered_sorted_scatter": """
recent = df[df["revenue"] > 10].sort_values("revenue", ascending=False)
recent["share"] = recent["revenue"] / recent["revenue"].sum()
fig = px.scatter(recent, x="revenue", y="share", color="region", hover_data=["region"])
summary = {"rows": len(recent), "max_share": float(recent["share"].max())}
""",
    "pivot_heatmap": """
from collections import Counter
pivot = df.pivot_table(index="region", values="revenue", aggfunc="mean")
fig = px.imshow(pivot, text_auto=".1f", color_continuous_scale="Blues")
counts = Counter(df["region"])
summary = {"most_common": counts.most_common(1)[0][0]}
""",
    "pie_with_labels": """
shares = df.groupby("region")["revenue"].agg(["sum", "mean"]).reset_index()
labels = [f"{r} ({s:,.0f})" for r, s in zip(shares["region"], shares["sum"])]
fig = go.Figure(go.Pie(labels=labels, values=shares["sum"], hole=0.4))
fig.update_traces(textinfo="percent+label")
""",
    "histogram_with_binning": """
bins = np.linspace(df["revenue"].min(), df["revenue"].max(), 11)
df["bucket"] = pd.cut(df["revenue"], bins=bins, include_lowest=True).astype(str)
fig = px.histogram(df, x="revenue", nbins=10, color="region", barmode="overlay")
summary = {"median": df["revenue"].median()}
""",
}


ESCAPES = [p for p in PAYLOADS if p.policy_refuses]
RESOURCE_USE = [p for p in PAYLOADS if not p.policy_refuses]


@pytest.mark.parametrize("payload", ESCAPES, ids=lambda p: p.test_id)
def test_payload_is_refused_with_reasons(payload: Payload) -> None:
    code = render(payload.code, SAMPLE_VALUES)

    refusal: CodeRefused | None = None
    try:
        check_code(code)
    except CodeRefused as exc:
        refusal = exc
    report.record_policy(payload.test_id, refusal is not None)
    assert refusal is not None, f"the policy let {payload.test_id} through: {payload.note}\n{code}"

    reasons = refusal.reasons
    assert reasons, "refused without a reason"
    lines = len(code.splitlines())
    for reason in reasons:
        match = REASON.match(reason)
        assert match, f"reason doesn't start with 'line N:' and a description: {reason!r}"
        assert 1 <= int(match.group(1)) <= lines, reason
    # The Slack text lists the reasons as they are.
    assert reasons[0] in refusal.user_message
    assert len(find_violations(code)) == len(reasons)


@pytest.mark.parametrize("payload", RESOURCE_USE, ids=lambda p: p.test_id)
def test_resource_use_is_left_to_the_sandbox(payload: Payload) -> None:
    """Loops, allocations, floods and big figures look like ordinary code to a static check.

    The policy may refuse them or not (it must not fail); the containment tests show that the
    sandbox's limits stop them.
    """
    violations = find_violations(render(payload.code, SAMPLE_VALUES))
    report.record_policy(payload.test_id, bool(violations))
    assert all(REASON.match(v.message) for v in violations), violations


def test_reasons_name_what_was_refused() -> None:
    code = "import os\nx = pd.io.common.os.environ\nfig = px.bar(df)\n"
    with pytest.raises(CodeRefused) as info:
        check_code(code)
    text = " ".join(info.value.reasons)
    assert "line 1:" in text
    assert "`os`" in text
    assert "line 2:" in text


@pytest.mark.parametrize("name", sorted(LEGITIMATE))
def test_ordinary_chart_code_is_accepted(name: str) -> None:
    assert find_violations(LEGITIMATE[name]) == []
    check_code(LEGITIMATE[name])
