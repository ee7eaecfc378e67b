"""ARQ job functions. Arguments are plain data (a model's JSON); clients live in `ctx["deps"]`.

    plot_job(ctx, payload: PlotRequest)        a question → a chart (or a clear message, or
                                               nothing for a reply that is only chatter)
    restyle_job(ctx, payload: ButtonRequest)   an answer's plan drawn as another chart type
    show_data_job(ctx, payload: ButtonRequest) the numbers behind an answer: table + CSV

Each returns its outcome for ARQ's result record. The job id is the Slack event id (or the
interaction's trigger id), which is what de-duplicates Slack's re-deliveries.
"""

from __future__ import annotations

from typing import Any

from core.request import ButtonRequest, PlotRequest
from workers.buttons import RestyleFlow, ShowDataFlow
from workers.question import QuestionFlow


async def plot_job(ctx: dict[str, Any], payload: dict[str, Any]) -> str:
    request = PlotRequest.model_validate(payload)
    flow = QuestionFlow(
        ctx,
        request.request_id,
        request.team_id,
        request.channel_id,
        request.user_id,
        response_url=request.response_url,
        thread_ts=request.thread_ts,
        in_dm=request.is_dm,
        enterprise_id=request.enterprise_id,
        enterprise_install=request.enterprise_install,
        request=request,
    )
    return await flow.run()


async def restyle_job(ctx: dict[str, Any], payload: dict[str, Any]) -> str:
    return await _button_flow(RestyleFlow, ctx, ButtonRequest.model_validate(payload)).run()


async def show_data_job(ctx: dict[str, Any], payload: dict[str, Any]) -> str:
    return await _button_flow(ShowDataFlow, ctx, ButtonRequest.model_validate(payload)).run()


def _button_flow(
    kind: type[RestyleFlow | ShowDataFlow], ctx: dict[str, Any], button: ButtonRequest
) -> RestyleFlow | ShowDataFlow:
    return kind(
        ctx,
        button.request_id,
        button.team_id,
        button.channel_id,
        button.user_id,
        enterprise_id=button.enterprise_id,
        enterprise_install=button.enterprise_install,
        button=button,
    )
