"""The city: one database subscribing to every joined hall's summary, and the city server reading it.

``hall.server`` never imports this package (import-linter contract "hall-server-without-city"); the
city reads what halls publish (:mod:`hall.server.citylink.tables`) and nothing else. docs/city.md.
"""
