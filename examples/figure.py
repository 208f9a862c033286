"""Nine matplotlib figures (a histogram each), logged as images."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy  # noqa: E402

import tbx_tui as tensorboardX  # noqa: E402

writer = tensorboardX.SummaryWriter(comment="-figure")
for i in range(1, 10):
    data = numpy.random.gamma(shape=i, scale=4.0, size=1000)
    fig = plt.figure()
    plt.hist(data, bins=10)
    writer.add_figure("fig-1", fig, i)
writer.close()
