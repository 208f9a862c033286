"""``tbx-log``: monitor any job, in any language, from what it prints.

:mod:`~tbx_tui.capture.parse` finds numbers in lines, :mod:`~tbx_tui.capture.console` keeps the
console and the values in a run, :mod:`~tbx_tui.capture.process` runs the command (or reads stdin)
and passes its output through, :mod:`~tbx_tui.capture.cli` is the entry point.
"""
