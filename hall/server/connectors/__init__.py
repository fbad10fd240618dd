"""Connectors to outside systems (SMS gateways, WeChat, the e-licence and 一网通办 platforms), chosen by
``[connectors.<kind>] driver`` through :mod:`.registry`; protocol twins for tests and the demo in
:mod:`.twins`. See docs/connectors.md."""
