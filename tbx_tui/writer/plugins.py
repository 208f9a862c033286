"""The ``add_*`` methods for text, pr curves, custom-scalar layouts and hparams (a mixin of
SummaryWriter, using what :class:`~tbx_tui.writer.plumbing.WriterPlumbing` describes).
"""

from __future__ import annotations

import os
import time

from tbx_tui.writer import plugin_summaries, summaries
from tbx_tui.writer.encode import summary_event
from tbx_tui.writer.plumbing import WriterPlumbing
from tbx_tui.writer.values import (
    array_now,
    check_tag,
    clean_tag,
    scalar_now,
)


class PluginMethods(WriterPlumbing):
    def add_text(
        self, tag: str, text_string: str, global_step: int | None = None, walltime=None
    ) -> None:
        check_tag(tag)
        self.ensure_open()
        data = summaries.text(tag, text_string)
        self.put_summary(data, global_step, walltime, tag, len(data))

    def add_text_lines(
        self, tag: str, lines: list[str], global_step: int | None = None, walltime=None
    ) -> None:
        """Several lines under ``tag`` as one text event (one table row per line in TensorBoard;
        read back as the lines joined by newlines). ``tbx-log`` keeps a job's console so."""
        check_tag(tag)
        self.ensure_open()
        data = summaries.text_lines(clean_tag(tag), list(lines))
        self.put_summary(data, global_step, walltime, tag, len(data))

    def add_pr_curve(
        self,
        tag: str,
        labels,
        predictions,
        global_step: int | None = None,
        num_thresholds: int = 127,
        weights=None,
        walltime: float | None = None,
    ) -> None:
        """Precision-recall curve of binary ``labels`` against ``predictions`` in [0, 1]."""
        check_tag(tag)
        self.ensure_open()
        arrays = [array_now(x, tag) for x in (labels, predictions)]
        if weights is not None:
            weights = array_now(weights, tag)
        data = summaries.pr_curve(tag, arrays[0], arrays[1], num_thresholds, weights)
        self.put_summary(data, global_step, walltime, tag, len(data))

    def add_pr_curve_raw(
        self,
        tag: str,
        true_positive_counts,
        false_positive_counts,
        true_negative_counts,
        false_negative_counts,
        precision,
        recall,
        global_step: int | None = None,
        num_thresholds: int = 127,
        weights=None,
        walltime: float | None = None,
    ) -> None:
        check_tag(tag)
        self.ensure_open()
        raw = (
            true_positive_counts,
            false_positive_counts,
            true_negative_counts,
            false_negative_counts,
            precision,
            recall,
        )
        tp, fp, tn, fn, precision_arr, recall_arr = (array_now(x, tag) for x in raw)
        data = summaries.pr_curve_raw(
            tag, tp, fp, tn, fn, precision_arr, recall_arr, num_thresholds=num_thresholds
        )
        self.put_summary(data, global_step, walltime, tag, len(data))

    def add_custom_scalars(self, layout: dict) -> None:
        """Layout ``{category: {chart: ['Multiline' or 'Margin', [tags]]}}`` for the
        custom-scalars dashboard."""
        self.ensure_open()
        self.put_summary(summaries.custom_scalars(layout), None, None, "custom_scalars")

    def add_custom_scalars_multilinechart(
        self, tags: list, category: str = "default", title: str = "untitled"
    ) -> None:
        self.add_custom_scalars({category: {title: ["Multiline", tags]}})

    def add_custom_scalars_marginchart(
        self, tags: list, category: str = "default", title: str = "untitled"
    ) -> None:
        if len(tags) != 3:
            raise ValueError(f"a margin chart needs 3 tags (value, lower, upper), got {len(tags)}")
        self.add_custom_scalars({category: {title: ["Margin", tags]}})

    def add_hparams(
        self,
        hparam_dict: dict,
        metric_dict: dict,
        name: str | None = None,
        global_step: int | None = None,
        hparam_domain_discrete: dict | None = None,
        run_name: str | None = None,
    ) -> None:
        """One hparams session in the sub-run ``<logdir>/<name>`` (default: the time), with
        each metric also written there as a scalar.

        tensorboardX's arguments, and torch's (``hparam_domain_discrete``, ``run_name``; called
        positionally in torch's order, a dict in third place is ``hparam_domain_discrete``)."""
        if isinstance(name, dict):  # torch's order: (hparams, metrics, domains, run_name, step)
            name, global_step, hparam_domain_discrete = (
                global_step,
                hparam_domain_discrete,
                name,
            )
        if type(hparam_dict) is not dict or type(metric_dict) is not dict:
            raise TypeError("add_hparams: hparam_dict and metric_dict must be dicts")
        self.ensure_open()
        metrics = {}
        for key, value in metric_dict.items():
            check_tag(key, "metric name")
            metrics[key] = scalar_now(value, key)
        blobs = plugin_summaries.hparams(hparam_dict, metric_dict, hparam_domain_discrete)
        run = os.path.join(self.logdir, name or run_name or str(time.time()))
        if not self.writes_to_disk:
            return
        step = self.resolve_step(global_step, "hparams")
        wall = self.resolve_walltime(None)
        records = [summary_event(0, wall, blob) for blob in blobs]
        for key, v in metrics.items():
            records.append(summary_event(step, wall, _plain_scalar(clean_tag(key), v)))
        self.write_run_file(run, records)


def _plain_scalar(tag: str, value: float) -> bytes:
    return summaries.Summary(
        value=[summaries.Summary.Value(tag=tag, simple_value=value)]
    ).SerializeToString()
