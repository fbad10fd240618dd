"""Twin of the face camera: the file camera (frames from images or video) and its sample frames."""
