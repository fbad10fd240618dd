"""Load generator: simulated kiosks, clerks and calling displays against a running hall server."""
