"""Twin of the GA 467 ID-card reader: an emulator answering real frames on a pty, its CLI, the emulated driver."""
