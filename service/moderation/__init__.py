"""Pure moderation logic: sanitizing, text normalization, rules, engine, status transitions.

Nothing here imports Flask, SQLAlchemy or the rest of `service`, so every piece is a plain
function of plain values and can be tested without an app or a database.
"""
