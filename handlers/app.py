"""The Bolt app: listeners turn payloads into jobs for the workers, and nothing slower.

No pandas, no LLM, no Docker, no placeholder post here: everything the person sees in a thread
is posted by a worker. The app runs with `process_before_response`, so a listener that cannot
enqueue (Redis down) answers Slack with an HTTP 500 and Slack delivers the event again, instead
of the event being acknowledged and lost. Slack calls that only decorate (ephemeral notes, the
App Home) run in lazy listeners after the acknowledgement.
"""

from __future__ import annotations

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.web.async_client import AsyncWebClient

from core.installations import Installations
from handlers.actions import register_actions
from handlers.commands import register_commands
from handlers.dispatch import Dispatcher
from handlers.events import register_message_events
from handlers.home import register_home
from handlers.oauth import register_uninstall


def build_app(
    *,
    client: AsyncWebClient,
    signing_secret: str,
    dispatcher: Dispatcher,
    oauth: AsyncOAuthSettings | None = None,
    installations: Installations | None = None,
) -> AsyncApp:
    """A Bolt `AsyncApp` with Chartroom's listeners. `client` carries the bot token, or none
    with `oauth` (multi-workspace: Bolt finds each team's installation per request)."""
    app = AsyncApp(
        client=client,
        signing_secret=signing_secret,
        process_before_response=True,
        oauth_settings=oauth,
    )
    register_message_events(app, dispatcher)
    register_commands(app, dispatcher)
    register_actions(app, dispatcher)
    register_home(app, dispatcher)
    if installations is not None:
        register_uninstall(app, installations, dispatcher.redis)
    return app
