"""Live stage: following a log as it is written (`cxrules watch`).

`follow` reads a file as it grows, or standard input, and stops on request; `source` turns its
lines into events in time order within an allowed lateness, rejecting later ones (E414);
`alerts` notices violations the moment the reference engine decides them, obligations past
their deadline and invariant gaps longer than their grace; `watch` drives the reference engine
(`cxrules.engines.python.engine.Audit`) and hands back the report of everything read.
"""
