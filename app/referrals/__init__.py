"""Warm hand-over: referrals from a decision to a provider, delivered through an outbox."""
