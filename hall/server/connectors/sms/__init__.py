"""SMS through a real gateway: a durable queue (:mod:`.queue`) in front of a transport — SMPP 3.4
(:mod:`.smpp`, with smpplib) or a JSON webhook (:mod:`.webhook`)."""
