"""Nine histograms of gamma-distributed samples, one per step."""

import numpy

import tbx_tui as tensorboardX

writer = tensorboardX.SummaryWriter(comment="-histogram")
for i in range(1, 10):
    writer.add_histogram("hist-1", numpy.random.gamma(shape=i, scale=4.0, size=1000), i)
writer.close()
