"""The clerk's counter terminal: state (no Qt), service (HTTP), and the Qt window."""
