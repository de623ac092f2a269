"""The Membrane CLI layer: finding and running `membrane`, typed answers, caching.

Nothing in this subpackage knows about Pusher.
"""
