"""共享全流程：the whole lifecycle as one Chinese scenario, on its own database."""

from pytest_bdd import scenarios

from tests.bdd.steps_lifecycle import *  # noqa: F401,F403

scenarios("共享全流程.feature")
