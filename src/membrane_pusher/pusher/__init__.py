"""Pusher Channels knowledge: rules, operations, transports and the toolkit."""
