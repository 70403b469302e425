r"""Docker-identical output: tables, ``--format`` Go templates, inspect JSON, sizes and times.

Modules, one job each:

- ``units``: go-units sizes ("187MB") and durations ("About a minute"), short ids, "…".
- ``timeparse``: ``--since``/``--until`` values (Go durations, RFC 3339, Unix seconds).
- ``gotemplate``: a Go ``text/template`` interpreter with Go's error messages.
- ``gojson``: JSON as Go's encoder writes it (inspect's 4-space indent, ``\\u003c``).
- ``tabwriter``: Go's column alignment as the CLI configures it.
- ``ports``: the PORTS column.
- ``contexts``: the rows of ``ps``/``images``/``volume ls``/``network ls``/``history``.
- ``formatter``: table / json / custom-template rendering of those rows.
- ``progress``: ``docker pull``/``push`` progress lines.
"""
