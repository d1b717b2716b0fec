"""Pure: the body an alert posts, generic JSON or Slack- or Teams-compatible."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import Any

TRIGGER_WORDS = {
    "disruption": "Disruption",
    "export_control": "Export control",
    "shortage": "Shortage",
    "new_supplier": "New supplier",
}


@dataclass(frozen=True, slots=True)
class AlertStory:
    """A stored story that sets an alert off."""

    article_id: int
    story: str  # the article's canonical URL: an alert goes out once per story and endpoint
    title: str
    url: str
    at: datetime
    trigger: str  # an ALERT_EVENTS value
    vendors: tuple[str, ...]
    evidence: str


def endpoint_key(url: str) -> str:
    """What the outbox keeps of a webhook URL (a secret): 16 hex digits of its sha256."""
    return hashlib.sha256(url.encode()).hexdigest()[:16]


def _slack_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def payload(fmt: str, alert: str, watchlist: str, story: AlertStory) -> dict[str, Any]:
    """The JSON body for ``fmt`` (json, slack or teams)."""
    what = TRIGGER_WORDS.get(story.trigger, story.trigger)
    vendors = ", ".join(story.vendors)
    if fmt == "slack":
        link = _slack_escape(story.title)
        if story.url.startswith(("http://", "https://")):
            link = f"<{_slack_escape(story.url)}|{link}>"
        text = f"*{what}* ({_slack_escape(vendors)}): {link}\n>{_slack_escape(story.evidence)}"
        return {"text": text, "unfurl_links": False}
    if fmt == "teams":
        body: list[dict[str, Any]] = [
            {"type": "TextBlock", "text": f"{what}: {vendors}", "weight": "Bolder", "wrap": True},
            {"type": "TextBlock", "text": story.title, "wrap": True},
            {"type": "TextBlock", "text": story.evidence, "isSubtle": True, "wrap": True},
        ]
        card: dict[str, Any] = {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": body,
        }
        if story.url.startswith(("http://", "https://")):
            card["actions"] = [{"type": "Action.OpenUrl", "title": "Read", "url": story.url}]
        return {
            "type": "message",
            "attachments": [
                {"contentType": "application/vnd.microsoft.card.adaptive", "content": card}
            ],
        }
    return {
        "alert": alert,
        "watchlist": watchlist,
        "trigger": story.trigger,
        "vendors": list(story.vendors),
        "title": story.title,
        "url": story.url,
        "story": story.story,
        "at": story.at.isoformat(),
        "evidence": story.evidence,
    }


__all__ = ["AlertStory", "endpoint_key", "payload"]
