"""QR / barcode scanners: from camera frames, serial line scanners, keyboard-wedge scanners."""
