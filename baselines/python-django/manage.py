#!/usr/bin/env python
"""Django's command-line utility (`./manage.py check --deploy`, `./manage.py shell`…)."""

import os
import sys

if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gauntlet.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)
