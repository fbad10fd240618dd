"""Twins of the face_verifier kind: a model-free verifier and the provincial service over HTTP."""
