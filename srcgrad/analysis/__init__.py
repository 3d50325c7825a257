"""Analyses of the normal form: kinds, activity, aliasing, what the tape must save."""
