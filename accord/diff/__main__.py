"""`python -m accord.diff > docs/diff-rules.md`: the rule catalogue as a markdown table."""

import sys

from accord.diff.rules import catalogue_markdown

sys.stdout.write(catalogue_markdown())
