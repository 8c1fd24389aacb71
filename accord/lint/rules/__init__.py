"""Lint rules, one module per topic; the table of rules is `accord.lint.registry.REGISTRY`.

A rule is a function `(LintContext) -> Iterator[(pointer, message)]`; the engine turns
each hit into a located `accord.findings.Finding` with the configured severity.
"""
