"""The hall's holiday calendar: stored days, the cached working-day calendar, import and read routes."""
