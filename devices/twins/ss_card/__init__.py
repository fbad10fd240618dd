"""Twin of the PC/SC social-security card reader: virtual card and PSAM, vpcd client, pcscd launcher,
emulated driver."""
