"""The `pcms` console script: every Django management command under one name."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pcms.settings")
    from django.core.exceptions import ImproperlyConfigured

    try:
        from django.core.management import execute_from_command_line

        execute_from_command_line(["pcms", *sys.argv[1:]])
    except ImproperlyConfigured as error:
        sys.stderr.write(f"pcms: configuration error: {error}\n")
        sys.exit(2)


if __name__ == "__main__":
    main()
