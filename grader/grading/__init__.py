"""The trusted grader: a submission is data, never code.

The instructor's source notebook is the program. Its cells (set-up, demos, visible and
hidden tests) run in the grader's own IPython shell; the student's answer cells are read
as data: ``%%docker``/``%%kubectl`` command lines replayed through the course's shell
grammar and engine, ``%%dockerfile``/``%%writefile`` files written inside the submission's
folder, and Python answers accepted only as ``name = <literal>``. Each submission runs in
a forked child with private folders, a scrubbed environment, an audit hook, optionally
its own network namespace, and a time budget.

Modules: :mod:`~grader.grading.answers` (answer cells as data),
:mod:`~grader.grading.files` (file answers confined), :mod:`~grader.grading.shell` and
:mod:`~grader.grading.outputs` (running cells, kernel-shaped outputs),
:mod:`~grader.grading.replay` (walking the source), :mod:`~grader.grading.merge` (outputs
into the submission), :mod:`~grader.grading.isolation`, :mod:`~grader.grading.child` and
:mod:`~grader.grading.audit` (the child process), :mod:`~grader.grading.submission` (one
submission end to end), :mod:`~grader.grading.nbgrader` (the ``TrustedExecute``
preprocessor nbgrader runs).
"""
