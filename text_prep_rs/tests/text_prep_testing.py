"""The helpers of this lesson's tests (see workshop/testing.py): py_project importable,
its stage modules, its suites, its scripts."""

from workshop.testing import LessonTesting

TESTING = LessonTesting("text_prep_rs")
version = TESTING.version
lesson_suites = TESTING.suites
run_script = TESTING.run_script
