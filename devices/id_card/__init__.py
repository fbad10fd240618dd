"""Second-generation resident ID card readers (二代证): GA 467 SAM serial protocol."""
