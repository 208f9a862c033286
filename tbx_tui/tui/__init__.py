"""The Textual app (``tbx-top``): the only package that imports textual."""
