"""Protocol twins of the outside systems, for tests and the demo: an SMPP 3.4 gateway (SMSC) speaking
PDUs over TCP, and an HTTP twin of the SMS webhook, the e-licence platform and the 一网通办 platform.

They are written from the protocol, not from the client library: the SMPP twin has its own PDU codec,
so a test against it proves the driver's bytes, not a library's idea of them.
"""
