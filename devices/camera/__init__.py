"""Face cameras (OpenCV)."""
