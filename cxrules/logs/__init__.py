"""Log stage: readers that turn exports (JSONL, CSV, Parquet, XES) into events in time order."""
