"""人证比对: the ``face_verifier`` device kind (a face against a reference photo, with basic liveness)."""
