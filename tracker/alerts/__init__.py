"""Webhook alerts: a story about a watched vendor or product that carries a disruption,
export-control or shortage event, or names a new supplier of a watched vendor, posted to
the configured endpoints once per story and endpoint, through an outbox."""
