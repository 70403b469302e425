"""Docker Compose (v2) for the course: Compose files read, validated and run on an engine.

- :mod:`.loader` finds and reads the file (YAML, ``${VAR}`` interpolation, ``.env``) and
  names the project;
- :mod:`.validate` checks it against the Compose specification's JSON schema (vendored in
  ``schema/``) and for what the schema cannot see, with messages that teach;
- :mod:`.project` turns it into services, networks and volumes, in dependency order;
- :mod:`.operations` runs ``up`` / ``down`` / ``ps`` over the Engine API, so the same code
  drives the sandbox and a real daemon (Debian offers only the Compose v1 client, so on a
  real engine ``docker compose`` is this code through the docker SDK: see
  docs/real-engine.md), reporting progress as Compose's events.

The ``docker compose`` command line itself is :mod:`grader.dockercli.compose`.
"""
