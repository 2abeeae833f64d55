"""Decision log, feedback and reach statistics."""
