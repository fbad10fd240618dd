"""What a hall tells its city: summary rows a hall server keeps in ``city_*`` tables once the hall has joined.

PostgreSQL logical replication carries these tables (and only these) to the city database; see
docs/city.md. Nothing here knows the city: the hall writes its own summary, the engine ships it.
"""
