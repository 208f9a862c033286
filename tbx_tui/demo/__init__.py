"""The demo job: runs that a background thread keeps writing, for tbx-top --demo."""
