"""Twin of the loudspeaker: announcements written to WAV files (and a log), joined from the shipped clips."""
