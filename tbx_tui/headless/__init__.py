"""The headless modes of tbx-top: --once, --json and --export."""
