"""Twin of the ESC/POS printer: a capture device that keeps every byte (in-process, TCP or pty) and its driver."""
