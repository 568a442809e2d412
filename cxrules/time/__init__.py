"""Time: zones, calendars, business clocks, durations and instant formats, in one place."""
