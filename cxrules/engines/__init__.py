"""Engines: each runs compiled policies (cxrules.ir) over events and fills the report."""
