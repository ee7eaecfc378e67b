"""One reader per file kind; each returns a `LoadedTable` within the limits or raises UserError."""
