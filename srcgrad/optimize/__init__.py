"""Passes over generated code: each takes a function tree and returns it simplified."""
