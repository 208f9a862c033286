"""120 random scalars into runs/exp-<id>: the first script this project grew from."""

import random
import uuid

import tbx_tui as tensorboardX

writer = tensorboardX.SummaryWriter(f"runs/exp-{uuid.uuid4().hex[:8]}")
for i in range(120):
    writer.add_scalar("expovariate", random.expovariate(1.0), i)
writer.close()
