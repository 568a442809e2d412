"""SQL plans: compiled policies as relational plans, shared by the engines that run SQL.

The plans are written once, in DuckDB's dialect restricted to constructs Spark SQL also has
(window functions with ROWS and RANGE frames, CASE, COALESCE, joins, aggregates), and rendered for
Spark through SQLGlot. Values from policy files reach SQL text only through `text.lit` (quoted
literals) and `text.ident` (identifiers generated here, never user text).
"""
