"""The catalogue's link history: which links to check, the cache, confirmation, the record.

The network work is ``dltrack.linkcheck``'s; this package decides what to check
and keeps every result in the database as it arrives.
"""
