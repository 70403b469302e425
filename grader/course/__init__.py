"""The instructor's ``course`` CLI over nbgrader: one subpackage per workflow verb.

``release`` builds the student versions, ``collect`` files downloaded submissions,
``autograde`` grades them in parallel on the sandbox engine, ``feedback`` writes feedback
without hidden tests, ``export`` writes the grades CSV, ``reset`` removes the course's
objects from a real daemon and ``images`` builds the course's images offline.
``grader.course.cli`` is the thin click group that forwards to each verb's ``main``.
"""
