"""The citizen-facing evaluation pad (好差评) at a counter: pad logic (no Qt) and its window."""
