"""Errors the library raises; only the CLI turns them into messages and exit codes."""

from __future__ import annotations


class CoopwatchError(Exception):
    """Base class: the message says what went wrong and how to fix it."""

    exit_code = 1


class ConfigError(CoopwatchError):
    """A settings file, environment variable or flag is wrong."""

    exit_code = 2


class SourcesError(ConfigError):
    """The sources file is missing, malformed or names an unknown key."""


class StoreError(CoopwatchError):
    """The database cannot be reached, created or upgraded."""

    exit_code = 3


class ExtractionError(CoopwatchError):
    """A page could not be turned into an article (empty, binary, undecodable)."""


class FetchError(CoopwatchError):
    """A URL given on the command line could not be fetched."""
